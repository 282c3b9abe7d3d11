import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { loadEndpoint } from './endpoints.ts';

/**
 * Sends again every message to the endpoint that failed or was held since `since` (admin),
 * oldest first, each with its own `webhook-id`. Returns how many were queued.
 */
export const replayWebhookDeliveries: Verb<
  { endpointId: string; since: number },
  { queued: number }
> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'managing webhooks');
  await loadEndpoint(ctx, input.endpointId);
  const ws = ctx.user.workspaceId;
  const out = await ctx.db.transaction(async (q) => {
    const rows = await q(
      `update deliveries set status = 'pending', next_attempt_at = now()
        where workspace_id = $1 and target_kind = 'webhook' and target_id = $2
          and status in ('failed', 'held') and created_at >= to_timestamp($3::float8 / 1000)
        returning id`,
      [ws, input.endpointId, input.since],
    );
    const a = auditBy(
      ctx,
      'webhook.replayed',
      { type: 'webhook', id: input.endpointId },
      { since: input.since, queued: rows.length },
    );
    await q(a.text, a.params);
    return { queued: rows.length };
  });
  // committed: the worker sends now rather than at its next tick
  if (out.queued > 0) ctx.outbound.kick();
  return out;
};
