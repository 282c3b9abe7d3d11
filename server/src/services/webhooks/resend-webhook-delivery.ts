import { assertRole } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';

/**
 * Sends one message again (admin): it becomes pending and due now, with the same
 * `webhook-id`. A message being sent right now is left to that attempt.
 */
export const resendWebhookDelivery: Verb<
  { endpointId: string; deliveryId: string },
  { id: string; status: 'pending' }
> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'managing webhooks');
  const rows = await ctx.db.query(
    `update deliveries set status = 'pending', next_attempt_at = now()
      where workspace_id = $1 and target_kind = 'webhook' and target_id = $2 and id = $3
        and (claimed_until is null or claimed_until < now())
      returning id`,
    [ctx.user.workspaceId, input.endpointId, input.deliveryId],
  );
  if (!rows[0]) {
    const exists = await ctx.db.query(
      `select 1 from deliveries where workspace_id = $1 and target_kind = 'webhook'
          and target_id = $2 and id = $3`,
      [ctx.user.workspaceId, input.endpointId, input.deliveryId],
    );
    if (!exists[0]) throw new NotFound('webhook delivery', input.deliveryId);
  } else ctx.outbound.kick();
  return { id: input.deliveryId, status: 'pending' };
};
