import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';

/** Deletes an endpoint with its deliveries and their log (admin). */
export const deleteWebhookEndpoint: Verb<{ endpointId: string }, void> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'managing webhooks');
  const ws = ctx.user.workspaceId;
  const found = await ctx.db.transaction(async (q) => {
    const rows = await q(
      `delete from webhook_endpoints where workspace_id = $1 and id = $2 returning url`,
      [ws, input.endpointId],
    );
    if (!rows[0]) return false;
    for (const table of ['delivery_attempts', 'deliveries']) {
      await q(
        `delete from ${table} where workspace_id = $1 and target_kind = 'webhook' and target_id = $2`,
        [ws, input.endpointId],
      );
    }
    const a = auditBy(
      ctx,
      'webhook.deleted',
      { type: 'webhook', id: input.endpointId },
      { url: rows[0].url },
    );
    await q(a.text, a.params);
    return true;
  });
  if (!found) throw new NotFound('webhook endpoint', input.endpointId);
};
