import type { Verb } from '../core/context.ts';
import {
  assertMayManage,
  type ChannelView,
  channelView,
  checkChannelInput,
  loadChannelRow,
} from './channels.ts';

export type UpdateChannelInput = {
  channelId: string;
  name?: string;
  url?: string;
  /** A new secret; null removes it; absent keeps it. */
  secret?: string | null;
  keyword?: string | null;
  /** Switching a channel on also clears a disable by delivery (after a fixed key, say). */
  enabled?: boolean;
};

/** Changes a group robot; turning it on again clears why delivery disabled it. */
export const updateChannel: Verb<UpdateChannelInput, ChannelView> = async ({ ctx, input }) => {
  const ws = ctx.user.workspaceId;
  return ctx.db.transaction(async (q) => {
    const cur = await loadChannelRow(q, ws, input.channelId);
    assertMayManage(ctx.user, (cur.team_id as string | null) ?? null, 'change chat channels');
    const url = input.url ?? String(cur.raw_url);
    const secret =
      input.secret === undefined
        ? ((cur.secret as string | null) ?? null)
        : input.secret?.trim() || null;
    checkChannelInput(cur.kind as ChannelView['kind'], url, secret);
    await q(
      `update chat_channels
          set name = $3, url = $4, secret = $5, keyword = $6,
              enabled = $7,
              disabled_reason = case when $8 then null else disabled_reason end,
              disabled_at = case when $8 then null else disabled_at end,
              failing_since = case when $8 then null else failing_since end,
              updated_at = now()
        where workspace_id = $1 and id = $2`,
      [
        ws,
        input.channelId,
        input.name ?? cur.name,
        url,
        secret,
        input.keyword === undefined ? cur.keyword : input.keyword?.trim() || null,
        input.enabled ?? cur.enabled,
        input.enabled === true,
      ],
    );
    return channelView(await loadChannelRow(q, ws, input.channelId));
  });
};
