import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { newSecret } from '../delivery/signing.ts';
import {
  assertOutboundUrl,
  ENDPOINT_COLUMNS,
  endpointOf,
  type WebhookEndpoint,
} from './endpoints.ts';

export type CreateWebhookEndpointInput = {
  url: string;
  description?: string;
  eventTypes?: string[];
  enabled?: boolean;
};

/**
 * Registers a webhook endpoint (admin). The URL must resolve to public addresses (or an
 * allowed host). The `whsec_` secret is in this answer only.
 */
export const createWebhookEndpoint: Verb<
  CreateWebhookEndpointInput,
  { endpoint: WebhookEndpoint; secret: string }
> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'managing webhooks');
  await assertOutboundUrl(ctx, input.url);
  const ws = ctx.user.workspaceId;
  const id = `whe_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const secret = newSecret();
  const types = [...new Set(input.eventTypes ?? [])];
  const row = await ctx.db.transaction(async (q) => {
    const rows = await q(
      `insert into webhook_endpoints (workspace_id, id, url, description, event_types, enabled, secret)
       values ($1, $2, $3, $4, $5::text[], $6, $7) returning ${ENDPOINT_COLUMNS}`,
      [ws, id, input.url, input.description ?? '', types, input.enabled ?? true, secret],
    );
    const a = auditBy(ctx, 'webhook.created', { type: 'webhook', id }, { url: input.url, types });
    await q(a.text, a.params);
    return rows[0];
  });
  if (!row) throw new Error('endpoint vanished');
  return { endpoint: endpointOf(row), secret };
};
