import { assertRole } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { insertDeliveries } from '../delivery/fanout.ts';
import { loadEndpoint, TEST_EVENT_TYPE } from './endpoints.ts';

/**
 * Queues a `webhook.test` message to the endpoint (admin); the delivery worker sends it like
 * any other, so its outcome shows in the delivery log.
 */
export const sendTestWebhook: Verb<
  { endpointId: string },
  { deliveryId: string; messageId: string }
> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'managing webhooks');
  const endpoint = await loadEndpoint(ctx, input.endpointId);
  const messageId = `msg_test_${crypto.randomUUID()}`;
  const ws = ctx.user.workspaceId;
  await insertDeliveries(ctx.db.query, [
    {
      workspaceId: ws,
      targetKind: 'webhook',
      targetId: endpoint.id,
      messageId,
      outboxId: null,
      eventType: TEST_EVENT_TYPE,
      data: { endpointId: endpoint.id, message: 'Closeloop test event / 测试事件' },
      timestamp: ctx.clock.now(),
      held: false,
    },
  ]);
  const rows = await ctx.db.query(
    `select id from deliveries where workspace_id = $1 and target_kind = 'webhook'
        and target_id = $2 and message_id = $3`,
    [ws, endpoint.id, messageId],
  );
  ctx.outbound.kick();
  return { deliveryId: String(rows[0]?.id), messageId };
};
