/**
 * The chat channels' side of the delivery contract: loading a channel for the worker, its
 * failing run, and disabling it — which also tells every admin (and the managers of the
 * channel's team) in the app, since the channel itself can no longer tell anyone.
 */
import type { Query, TargetState } from '../transport.ts';
import type { BotKind, ChannelConfig } from './platform.ts';

export async function loadChannel(
  q: Query,
  kind: BotKind,
  workspaceId: string,
  id: string,
): Promise<TargetState<ChannelConfig> | null> {
  const rows = await q(
    `select id, kind, name, url, secret, keyword, enabled, disabled_at is not null as disabled
       from chat_channels where workspace_id = $1 and id = $2 and kind = $3`,
    [workspaceId, id, kind],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    config: {
      id: String(r.id),
      kind,
      name: String(r.name),
      url: String(r.url),
      secret: typeof r.secret === 'string' && r.secret ? r.secret : null,
      keyword: typeof r.keyword === 'string' && r.keyword ? r.keyword : null,
    },
    enabled: r.enabled === true && r.disabled !== true,
    label: String(r.name),
  };
}

export async function channelHealth(
  q: Query,
  workspaceId: string,
  id: string,
  ok: boolean,
  offsetMs = 0,
): Promise<number | null> {
  const rows = await q(
    `update chat_channels
        set failing_since = case when $3 then null
              else coalesce(failing_since, now() + ($4::float8 * interval '1 millisecond')) end
      where workspace_id = $1 and id = $2
      returning failing_since`,
    [workspaceId, id, ok, offsetMs],
  );
  const at = rows[0]?.failing_since;
  return at ? new Date(at as string).getTime() : null;
}

/** Disables the channel and notifies admins and the team's managers, once. */
export async function disableChannel(
  q: Query,
  workspaceId: string,
  id: string,
  reason: string,
): Promise<boolean> {
  const rows = await q(
    `update chat_channels set disabled_reason = $3, disabled_at = now(), updated_at = now()
      where workspace_id = $1 and id = $2 and disabled_at is null
      returning name, team_id`,
    [workspaceId, id, reason],
  );
  const ch = rows[0];
  if (!ch) return false;
  const message = {
    'zh-CN': `聊天机器人「${ch.name}」已停用：${reason}。请在 管理 → 聊天机器人 检查地址、密钥和关键词后重新启用。`,
    en: `Chat channel “${ch.name}” was disabled: ${reason}. Check its URL, secret and keyword under Admin → Chat channels, then enable it again.`,
  };
  await q(
    `insert into notifications (workspace_id, id, user_id, record_id, kind, message, created_at)
     select $1, gen_random_uuid()::text, u.id, null, 'channel.disabled', $3::jsonb, now()
       from users u
      where u.workspace_id = $1 and u.active
        and (u.role = 'admin' or ($2::text is not null and exists (
              select 1 from memberships m where m.workspace_id = $1 and m.team_id = $2
                 and m.user_id = u.id and m.role = 'manager')))`,
    [workspaceId, ch.team_id ?? null, JSON.stringify(message)],
  );
  return true;
}
