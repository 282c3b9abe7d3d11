import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import { newSecret } from '../delivery/signing.ts';
import { ENDPOINT_COLUMNS, endpointOf, type WebhookEndpoint } from './endpoints.ts';

/**
 * A new secret for an endpoint (admin), in this answer only. For 24 hours every message is
 * signed by both the new and the previous secret, so the receiver can switch over.
 */
export const rotateWebhookSecret: Verb<
  { endpointId: string },
  { endpoint: WebhookEndpoint; secret: string }
> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'managing webhooks');
  const secret = newSecret();
  const row = await ctx.db.transaction(async (q) => {
    const rows = await q(
      `update webhook_endpoints
          set previous_secret = secret, previous_valid_until = now() + interval '24 hours',
              secret = $3, updated_at = now()
        where workspace_id = $1 and id = $2 returning ${ENDPOINT_COLUMNS}`,
      [ctx.user.workspaceId, input.endpointId, secret],
    );
    if (!rows[0]) return null;
    const a = auditBy(ctx, 'webhook.secret-rotated', { type: 'webhook', id: input.endpointId });
    await q(a.text, a.params);
    return rows[0];
  });
  if (!row) throw new NotFound('webhook endpoint', input.endpointId);
  return { endpoint: endpointOf(row), secret };
};
