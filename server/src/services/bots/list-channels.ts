import type { Verb } from '../core/context.ts';
import { Forbidden } from '../core/errors.ts';
import { CHANNEL_COLUMNS, type ChannelView, channelView } from './channels.ts';

/** The workspace's group robots (admins), or the caller's teams' (managers). */
export const listChannels: Verb<Record<string, never>, { items: ChannelView[] }> = async ({
  ctx,
}) => {
  const u = ctx.user;
  if (u.role !== 'admin' && u.role !== 'manager')
    throw new Forbidden('only admins and managers see chat channels');
  const rows = await ctx.db.query(
    `select ${CHANNEL_COLUMNS} from chat_channels c
      where c.workspace_id = $1 and ($2::boolean or c.team_id = any($3::text[]))
      order by c.created_at, c.id`,
    [u.workspaceId, u.role === 'admin', u.managedTeamIds],
  );
  return { items: rows.map(channelView) };
};
