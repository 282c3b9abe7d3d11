import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import {
  assertOutboundUrl,
  ENDPOINT_COLUMNS,
  endpointOf,
  type WebhookEndpoint,
} from './endpoints.ts';

export type UpdateWebhookEndpointInput = {
  endpointId: string;
  url?: string;
  description?: string;
  eventTypes?: string[];
  enabled?: boolean;
};

/**
 * Changes an endpoint (admin). Switching it on clears a disable by delivery (410, five days
 * failing) and its failing run; messages held meanwhile wait for a replay.
 */
export const updateWebhookEndpoint: Verb<UpdateWebhookEndpointInput, WebhookEndpoint> = async ({
  ctx,
  input,
}) => {
  assertRole(ctx.user, ['admin'], 'managing webhooks');
  if (input.url !== undefined) await assertOutboundUrl(ctx, input.url);
  const ws = ctx.user.workspaceId;
  const types = input.eventTypes ? [...new Set(input.eventTypes)] : null;
  const row = await ctx.db.transaction(async (q) => {
    const rows = await q(
      `update webhook_endpoints
          set url = coalesce($3, url), description = coalesce($4, description),
              event_types = coalesce($5::text[], event_types), enabled = coalesce($6, enabled),
              disabled_at = case when $6 then null else disabled_at end,
              disabled_reason = case when $6 then null else disabled_reason end,
              failing_since = case when $6 then null else failing_since end,
              updated_at = now()
        where workspace_id = $1 and id = $2 returning ${ENDPOINT_COLUMNS}`,
      [
        ws,
        input.endpointId,
        input.url ?? null,
        input.description ?? null,
        types,
        input.enabled ?? null,
      ],
    );
    if (!rows[0]) return null;
    const { endpointId: _id, ...changes } = input;
    const a = auditBy(ctx, 'webhook.updated', { type: 'webhook', id: input.endpointId }, changes);
    await q(a.text, a.params);
    return rows[0];
  });
  if (!row) throw new NotFound('webhook endpoint', input.endpointId);
  return endpointOf(row);
};
