import type { Verb } from '../core/context.ts';
import { assertMayManage, loadChannelRow } from './channels.ts';

/**
 * Removes a group robot, its waiting notes and the rules that named it. Deliveries already
 * made stay in the log; pending ones find no channel and are dropped by the worker.
 */
export const deleteChannel: Verb<{ channelId: string }, { deleted: true }> = async ({
  ctx,
  input,
}) => {
  const ws = ctx.user.workspaceId;
  return ctx.db.transaction(async (q) => {
    const cur = await loadChannelRow(q, ws, input.channelId);
    assertMayManage(ctx.user, (cur.team_id as string | null) ?? null, 'delete chat channels');
    await q('delete from chat_queue where workspace_id = $1 and channel_id = $2', [
      ws,
      input.channelId,
    ]);
    await q('delete from notification_rules where workspace_id = $1 and channel_id = $2', [
      ws,
      input.channelId,
    ]);
    await q('delete from chat_channels where workspace_id = $1 and id = $2', [ws, input.channelId]);
    return { deleted: true as const };
  });
};
