/**
 * The notification-rule sink: for each claimed outbox row, the workspace's rules for its
 * event kind (within their team / SOP scope) decide where a note goes — queued for a chat
 * channel (the pump sends it within the channel's rate), a delivery to a webhook endpoint
 * that does not already take the event, or in-app notifications only. Runs in the fan-out's
 * transaction; sends nothing.
 */

import { type NotificationRule, RULE_COLUMNS, ruleOf } from '../../bots/rules.ts';
import { POOL_WARNING_EVENT } from '../../customers/customer-stmts.ts';
import {
  messageIdOf,
  type NewDelivery,
  type OutboxRow,
  type Query,
  type Sink,
} from '../transport.ts';
import { LINK_TTL_MS, linkKey, signLink } from './links.ts';
import type { BotLocale } from './message.ts';
import { loadCustomerFacts, loadFacts, type RecordFacts } from './rule-facts.ts';
import { type NotifyEvent, noteFor } from './templates.ts';

/** The rule event kinds an outbox row stands for. */
export function notifyEventsOf(row: OutboxRow, handedOver: boolean): NotifyEvent[] {
  const status = row.payload.status;
  switch (row.event) {
    case 'record.created':
      return row.payload.ownerId ? ['lead.assigned'] : [];
    case 'record.reassigned':
      return [handedOver ? 'record.handover' : 'lead.assigned'];
    case 'record.overdue':
      return ['sla.breached'];
    case 'record.escalated':
      return ['sla.escalated'];
    case 'record.closed':
    case 'record.stage-changed':
      return status === 'won' ? ['record.won'] : status === 'lost' ? ['record.lost'] : [];
    case POOL_WARNING_EVENT:
      return ['pool.warning'];
    default:
      return [];
  }
}

const WATCHED = new Set([
  POOL_WARNING_EVENT,
  'record.created',
  'record.reassigned',
  'record.overdue',
  'record.escalated',
  'record.closed',
  'record.stage-changed',
]);

type Rule = NotificationRule & { workspaceId: string };

export const chatRuleSink: Sink = {
  name: 'notification-rules',
  async plan(q, all) {
    const rows = all.filter((r) => WATCHED.has(r.event));
    if (!rows.length) return [];
    const rules = await loadRules(q, [...new Set(rows.map((r) => r.workspaceId))]);
    if (!rules.length) return [];
    const facts = new Map([
      ...(await loadFacts(q, rows)),
      ...(await loadCustomerFacts(
        q,
        rows.filter((r) => r.event === POOL_WARNING_EVENT),
      )),
    ]);
    const out: NewDelivery[] = [];
    for (const row of rows) {
      const f = facts.get(row.id);
      if (!f) continue;
      for (const event of notifyEventsOf(row, f.handoverReason !== null)) {
        for (const rule of rules) {
          if (rule.workspaceId !== row.workspaceId || rule.event !== event) continue;
          if (rule.teamId && rule.teamId !== f.teamId) continue;
          if (rule.sopId && rule.sopId !== f.sopId) continue;
          const d = await apply(q, rule, row, f, event);
          if (d) out.push(d);
        }
      }
    }
    return out;
  },
};

async function loadRules(q: Query, workspaces: string[]): Promise<Rule[]> {
  const rows = await q(
    `select workspace_id, ${RULE_COLUMNS}
       from notification_rules where workspace_id = any($1::text[]) and enabled
      order by workspace_id, created_at, id`,
    [workspaces],
  );
  return rows.map((r) => ({ workspaceId: String(r.workspace_id), ...ruleOf(r) }));
}

async function apply(
  q: Query,
  rule: Rule,
  row: OutboxRow,
  f: RecordFacts,
  event: NotifyEvent,
): Promise<NewDelivery | null> {
  if (rule.target === 'channel' && rule.channelId) {
    const key = await linkKey(q, row.workspaceId);
    // a path: the pump puts the server's public address in front when it sends
    const token = signLink(
      {
        workspaceId: row.workspaceId,
        recordId: f.recordId,
        expiresAt: row.createdAt + LINK_TTL_MS,
        ...(event === 'pool.warning' && { opens: 'customer' as const }),
      },
      key,
    );
    const mentions = [
      ...(rule.mentionOwner && f.ownerMobile ? [f.ownerMobile] : []),
      ...(rule.mentionManager ? f.managerMobiles : []),
    ];
    const note = noteFor(
      event,
      {
        record: f.title,
        stage: f.stageTitle?.[rule.locale] ?? null,
        owner: f.ownerName,
        leftMs: f.dueAt === null || event.startsWith('record.') ? null : f.dueAt - row.createdAt,
        reason: f.handoverReason,
        url: `/l/${token}`,
        mentions: [...new Set(mentions)],
      },
      rule.locale,
    );
    await q(
      `insert into chat_queue (workspace_id, id, channel_id, source_id, locale, note, created_at)
       select $1, gen_random_uuid()::text, c.id, $3, $4, $5::jsonb, to_timestamp($6::double precision / 1000)
         from chat_channels c where c.workspace_id = $1 and c.id = $2
       on conflict do nothing`,
      [
        row.workspaceId,
        rule.channelId,
        `${row.id}:${event}`,
        rule.locale,
        JSON.stringify(note),
        row.createdAt,
      ],
    );
    return null;
  }
  if (rule.target === 'webhook' && rule.webhookId) {
    // an endpoint that takes the event already gets it from the webhook sink
    const ep = await q(
      `select event_types, enabled, disabled_at is not null as disabled from webhook_endpoints
        where workspace_id = $1 and id = $2`,
      [row.workspaceId, rule.webhookId],
    );
    const e = ep[0];
    if (!e) return null;
    const types = Array.isArray(e.event_types) ? e.event_types.map(String) : [];
    if (!types.length || types.includes(row.event)) return null;
    return {
      workspaceId: row.workspaceId,
      targetKind: 'webhook',
      targetId: rule.webhookId,
      messageId: messageIdOf(row.id),
      outboxId: row.id,
      eventType: row.event,
      data: row.payload,
      timestamp: row.createdAt,
      held: e.enabled !== true || e.disabled === true,
    };
  }
  if (rule.target === 'in-app') {
    // the owner of a customer about to be reclaimed has its in-app warning already
    const owner = f.ownerId && event !== 'pool.warning' ? [f.ownerId] : [];
    const users = [...owner, ...(rule.mentionManager ? f.managerIds : [])];
    if (!users.length) return null;
    const zh = noteFor(event, plainFacts(f, 'zh-CN'), 'zh-CN');
    const en = noteFor(event, plainFacts(f, 'en'), 'en');
    const message = {
      'zh-CN': [zh.title, ...zh.lines].join(' · '),
      en: [en.title, ...en.lines].join(' · '),
    };
    await q(
      `insert into notifications (workspace_id, id, user_id, record_id, kind, message, created_at)
       select $1, gen_random_uuid()::text, u, $2, $3, $4::jsonb, to_timestamp($5::double precision / 1000)
         from unnest($6::text[]) as u`,
      [
        row.workspaceId,
        event === 'pool.warning' ? null : f.recordId,
        `rule.${event}`,
        JSON.stringify(message),
        row.createdAt,
        [...new Set(users)],
      ],
    );
  }
  return null;
}

function plainFacts(f: RecordFacts, locale: BotLocale) {
  return {
    record: f.title,
    stage: f.stageTitle?.[locale] ?? null,
    owner: f.ownerName,
    leftMs: null,
    reason: f.handoverReason,
    url: null,
    mentions: [],
  };
}
