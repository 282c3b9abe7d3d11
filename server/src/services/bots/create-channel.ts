import type { Verb } from '../core/context.ts';
import { Invalid } from '../core/errors.ts';
import {
  assertMayManage,
  type ChannelKind,
  type ChannelView,
  channelView,
  checkChannelInput,
  loadChannelRow,
} from './channels.ts';

export type CreateChannelInput = {
  kind: ChannelKind;
  name: string;
  url: string;
  secret?: string | null;
  keyword?: string | null;
  teamId?: string | null;
};

/** Adds a group robot (admins; a manager for one of their teams). */
export const createChannel: Verb<CreateChannelInput, ChannelView> = async ({ ctx, input }) => {
  const ws = ctx.user.workspaceId;
  const teamId = input.teamId ?? null;
  assertMayManage(ctx.user, teamId, 'add chat channels');
  const secret = input.secret?.trim() || null;
  checkChannelInput(input.kind, input.url, secret);
  const id = crypto.randomUUID();
  return ctx.db.transaction(async (q) => {
    if (teamId) {
      const t = await q('select 1 from teams where workspace_id = $1 and id = $2', [ws, teamId]);
      if (!t.length) throw new Invalid('invalid-input', `no team ${teamId}`);
    }
    await q(
      `insert into chat_channels (workspace_id, id, kind, name, url, secret, keyword, team_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [ws, id, input.kind, input.name, input.url, secret, input.keyword?.trim() || null, teamId],
    );
    return channelView(await loadChannelRow(q, ws, id));
  });
};
