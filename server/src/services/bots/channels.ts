/**
 * What the chat-channel verbs share: the view an admin sees (the secret never leaves the
 * server; the webhook's key is shown masked), who may manage channels, and input checks.
 */
import type { AuthUser } from '../core/context.ts';
import { Forbidden, Invalid, NotFound } from '../core/errors.ts';
import type { Query } from '../delivery/transport.ts';

export type ChannelKind = 'wecom' | 'dingtalk' | 'feishu';

export type ChannelView = {
  id: string;
  kind: ChannelKind;
  name: string;
  /** The webhook URL with its key / token masked. */
  url: string;
  hasSecret: boolean;
  keyword: string | null;
  teamId: string | null;
  enabled: boolean;
  /** Why delivery disabled it (bad key, signature, IP, keyword); null when it was not. */
  disabledReason: string | null;
  disabledAt: number | null;
  /** Messages waiting for the channel (queued notes not yet sent). */
  waiting: number;
  lastDeliveredAt: number | null;
  createdAt: number;
};

export const CHANNEL_COLUMNS = `c.id, c.kind, c.name, c.url, c.secret is not null as has_secret,
  c.keyword, c.team_id, c.enabled, c.disabled_reason, c.disabled_at, c.created_at,
  (select count(*)::int from chat_queue k where k.workspace_id = c.workspace_id
      and k.channel_id = c.id and k.delivery_id is null) as waiting,
  (select max(d.delivered_at) from deliveries d where d.workspace_id = c.workspace_id
      and d.target_kind = c.kind and d.target_id = c.id) as last_delivered_at`;

const ms = (v: unknown) => (v ? new Date(v as string).getTime() : null);

/** Query values (the robot's key or token) shown by their first four characters only. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const [k, v] of u.searchParams) u.searchParams.set(k, `${v.slice(0, 4)}****`);
    const path = u.pathname.replace(/\/hook\/([^/]{4})[^/]*$/, '/hook/$1****');
    return `${u.protocol}//${u.host}${path}${u.search}`;
  } catch {
    return '****';
  }
}

export function channelView(r: Record<string, unknown>): ChannelView {
  return {
    id: String(r.id),
    kind: r.kind as ChannelKind,
    name: String(r.name),
    url: maskUrl(String(r.url)),
    hasSecret: r.has_secret === true,
    keyword: (r.keyword as string | null) ?? null,
    teamId: (r.team_id as string | null) ?? null,
    enabled: r.enabled === true,
    disabledReason: (r.disabled_reason as string | null) ?? null,
    disabledAt: ms(r.disabled_at),
    waiting: Number(r.waiting ?? 0),
    lastDeliveredAt: ms(r.last_delivered_at),
    createdAt: ms(r.created_at) ?? 0,
  };
}

/** Admins manage every channel; a manager only their teams' channels. */
export function assertMayManage(user: AuthUser, teamId: string | null, what: string): void {
  if (user.role === 'admin') return;
  if (user.role === 'manager' && teamId && user.managedTeamIds.includes(teamId)) return;
  throw new Forbidden(`only admins, or managers of the channel's team, may ${what}`);
}

/** A webhook URL must be http(s) with a host; a signing secret is for 钉钉 and 飞书 only. */
export function checkChannelInput(kind: ChannelKind, url: string, secret: string | null): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Invalid('invalid-input', 'the webhook URL is not a URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new Invalid('invalid-input', 'the webhook URL must start with https://');
  if (kind === 'wecom' && secret)
    throw new Invalid('invalid-input', '企业微信 group robots have no signing secret');
}

export async function loadChannelRow(q: Query, workspaceId: string, id: string) {
  const rows = await q(
    `select ${CHANNEL_COLUMNS}, c.url as raw_url, c.secret from chat_channels c
      where c.workspace_id = $1 and c.id = $2`,
    [workspaceId, id],
  );
  const r = rows[0];
  if (!r) throw new NotFound('chat channel', id);
  return r;
}
