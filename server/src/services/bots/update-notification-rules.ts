import type { Verb } from '../core/context.ts';
import { Forbidden, Invalid } from '../core/errors.ts';
import { checkTargets, type NotificationRule, type RuleInput, reach, rulesOf } from './rules.ts';

/** Replaces the rules the caller may manage with `rules`, in one transaction. */
export const updateNotificationRules: Verb<
  { rules: RuleInput[] },
  { items: NotificationRule[] }
> = async ({ ctx, input }) => {
  const ws = ctx.user.workspaceId;
  const r = reach(ctx.user);
  for (const rule of input.rules) {
    if (!r.all && !(rule.teamId && r.teams.includes(rule.teamId)))
      throw new Forbidden('a manager sets rules for the teams they manage only');
    if (rule.target === 'channel' && !rule.channelId)
      throw new Invalid('invalid-input', 'a rule to a chat channel names the channel');
    if (rule.target === 'webhook' && !rule.webhookId)
      throw new Invalid('invalid-input', 'a rule to a webhook names the endpoint');
  }
  return ctx.db.transaction(async (q) => {
    for (const rule of input.rules) await checkTargets(q, ws, rule, r);
    await q(
      `delete from notification_rules where workspace_id = $1 and ($2::boolean or team_id = any($3::text[]))`,
      [ws, r.all, r.teams],
    );
    for (const rule of input.rules) {
      await q(
        `insert into notification_rules (workspace_id, id, event, target, channel_id, webhook_id,
           team_id, sop_id, mention_owner, mention_manager, locale, enabled, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, clock_timestamp())`,
        [
          ws,
          crypto.randomUUID(),
          rule.event,
          rule.target,
          rule.target === 'channel' ? rule.channelId : null,
          rule.target === 'webhook' ? rule.webhookId : null,
          rule.teamId,
          rule.sopId,
          rule.mentionOwner,
          rule.mentionManager,
          rule.locale,
          rule.enabled,
        ],
      );
    }
    return { items: await rulesOf(q, ws, r) };
  });
};
