/**
 * Notification rules: which event kinds go where (a team's group robot, a webhook endpoint,
 * or in-app only), for which team or SOP, whom to @, and in which language. Admins see and
 * replace every rule; a manager those of the teams they manage.
 */
import type { AuthUser } from '../core/context.ts';
import { Forbidden, Invalid } from '../core/errors.ts';
import type { NotifyEvent } from '../delivery/bots/templates.ts';
import type { Query } from '../delivery/transport.ts';

export type NotificationRule = {
  id: string;
  event: NotifyEvent;
  target: 'channel' | 'webhook' | 'in-app';
  channelId: string | null;
  webhookId: string | null;
  teamId: string | null;
  sopId: string | null;
  mentionOwner: boolean;
  mentionManager: boolean;
  locale: 'zh-CN' | 'en';
  enabled: boolean;
};

export type RuleInput = Omit<NotificationRule, 'id'>;

/** A notification_rules row's columns, as ruleOf reads them. */
export const RULE_COLUMNS = `id, event, target, channel_id, webhook_id, team_id, sop_id, mention_owner,
  mention_manager, locale, enabled`;

/** A notification_rules row as a rule: the admin screens and the rule sink read them alike. */
export const ruleOf = (r: Record<string, unknown>): NotificationRule => ({
  id: String(r.id),
  event: r.event as NotifyEvent,
  target: r.target as NotificationRule['target'],
  channelId: (r.channel_id as string | null) ?? null,
  webhookId: (r.webhook_id as string | null) ?? null,
  teamId: (r.team_id as string | null) ?? null,
  sopId: (r.sop_id as string | null) ?? null,
  mentionOwner: r.mention_owner === true,
  mentionManager: r.mention_manager === true,
  locale: r.locale === 'en' ? 'en' : 'zh-CN',
  enabled: r.enabled === true,
});

export function reach(user: AuthUser): { all: boolean; teams: string[] } {
  if (user.role === 'admin') return { all: true, teams: [] };
  if (user.role === 'manager') return { all: false, teams: user.managedTeamIds };
  throw new Forbidden('only admins and managers manage notification rules');
}

export async function rulesOf(q: Query, ws: string, r: { all: boolean; teams: string[] }) {
  const rows = await q(
    `select ${RULE_COLUMNS} from notification_rules
      where workspace_id = $1 and ($2::boolean or team_id = any($3::text[]))
      order by created_at, id`,
    [ws, r.all, r.teams],
  );
  return rows.map(ruleOf);
}

export async function checkTargets(
  q: Query,
  ws: string,
  rule: RuleInput,
  r: { all: boolean; teams: string[] },
): Promise<void> {
  if (rule.event === 'delivery.disabled') {
    if (!r.all) throw new Forbidden('only admins are told when delivery stops');
    if (rule.target === 'in-app')
      throw new Invalid(
        'invalid-input',
        'admins are always told in the app when delivery stops: pick a chat channel or a webhook',
      );
    if (rule.teamId || rule.sopId)
      throw new Invalid(
        'invalid-input',
        'delivery.disabled rules are workspace-wide: no team or SOP',
      );
  }
  if (rule.event === 'pool.warning' && rule.sopId)
    throw new Invalid(
      'invalid-input',
      'pool.warning rules are about customers, not an SOP: choose a team or none',
    );
  if (rule.target === 'channel') {
    const ch = await q('select team_id from chat_channels where workspace_id = $1 and id = $2', [
      ws,
      rule.channelId,
    ]);
    if (!ch[0]) throw new Invalid('invalid-input', `no chat channel ${rule.channelId}`);
    const team = (ch[0].team_id as string | null) ?? null;
    if (!r.all && !(team && r.teams.includes(team)))
      throw new Forbidden("a manager's rules go to their teams' channels only");
  }
  if (rule.target === 'webhook') {
    const ep = await q('select 1 from webhook_endpoints where workspace_id = $1 and id = $2', [
      ws,
      rule.webhookId,
    ]);
    if (!ep[0]) throw new Invalid('invalid-input', `no webhook endpoint ${rule.webhookId}`);
  }
  if (rule.teamId) {
    const t = await q('select 1 from teams where workspace_id = $1 and id = $2', [ws, rule.teamId]);
    if (!t[0]) throw new Invalid('invalid-input', `no team ${rule.teamId}`);
  }
}
