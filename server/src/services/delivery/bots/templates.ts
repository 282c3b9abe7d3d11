/**
 * The notes' wording, in zh-CN and en: what happened, the record's name, stage, owner and
 * time left, and the button. Pure: the rule sink loads the facts.
 */
import { NOTIFY_EVENTS } from '../../../db/schema-bots.ts';
import type { BotLocale, BotNote } from './message.ts';

/** The event kinds a notification rule can route (the admin API's enum, in this order). */
export const RULE_EVENTS = NOTIFY_EVENTS;

export type NotifyEvent = (typeof RULE_EVENTS)[number];

export type NoteFacts = {
  record: string;
  stage: string | null;
  owner: string | null;
  /** Until the stage's deadline, ms (negative: overdue); null without a deadline. */
  leftMs: number | null;
  /** A handover's reason, when one was given. */
  reason: string | null;
  url: string | null;
  mentions: string[];
};

const HEAD: Record<NotifyEvent, Record<BotLocale, string>> = {
  'lead.assigned': { 'zh-CN': '新线索已分配', en: 'New lead assigned' },
  'sla.breached': { 'zh-CN': '已超时', en: 'SLA breached' },
  'sla.escalated': { 'zh-CN': '已升级', en: 'Escalated' },
  'record.handover': { 'zh-CN': '已交接', en: 'Handed over' },
  'record.won': { 'zh-CN': '赢单', en: 'Won' },
  'record.lost': { 'zh-CN': '输单', en: 'Lost' },
  'pool.warning': { 'zh-CN': '即将退回公海', en: 'Returning to the pool' },
  'delivery.disabled': { 'zh-CN': '推送已停用', en: 'Delivery stopped' },
};

const LABEL = {
  stage: { 'zh-CN': '阶段', en: 'Stage' },
  owner: { 'zh-CN': '负责人', en: 'Owner' },
  left: { 'zh-CN': '剩余时间', en: 'Time left' },
  overdue: { 'zh-CN': '已超时', en: 'Overdue by' },
  reason: { 'zh-CN': '原因', en: 'Reason' },
  nobody: { 'zh-CN': '未分配', en: 'Unassigned' },
  button: { 'zh-CN': '打开记录', en: 'Open record' },
  customerButton: { 'zh-CN': '打开客户', en: 'Open customer' },
} as const;

const sep = (l: BotLocale) => (l === 'zh-CN' ? '：' : ': ');

/** A duration as "2 小时 5 分" / "2 h 5 min". */
export function duration(ms: number, locale: BotLocale): string {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const units = locale === 'zh-CN' ? [' 天', ' 小时', ' 分'] : [' d', ' h', ' min'];
  const parts = [d, h, m].map((n, i) => (n ? `${n}${units[i]}` : '')).filter(Boolean);
  return parts.length ? parts.join(' ') : `0${units[2]}`;
}

/** The note for one event in one language. */
export function noteFor(event: NotifyEvent, f: NoteFacts, locale: BotLocale): BotNote {
  const s = sep(locale);
  const lines = [
    ...(f.stage ? [`${LABEL.stage[locale]}${s}${f.stage}`] : []),
    `${LABEL.owner[locale]}${s}${f.owner ?? LABEL.nobody[locale]}`,
    ...(f.leftMs !== null
      ? [
          f.leftMs >= 0
            ? `${LABEL.left[locale]}${s}${duration(f.leftMs, locale)}`
            : `${LABEL.overdue[locale]}${s}${duration(f.leftMs, locale)}`,
        ]
      : []),
    ...(f.reason ? [`${LABEL.reason[locale]}${s}${f.reason}`] : []),
  ];
  return {
    title: `${HEAD[event][locale]} · ${f.record}`,
    lines,
    url: f.url,
    button: (event === 'pool.warning' ? LABEL.customerButton : LABEL.button)[locale],
    mentions: f.mentions,
  };
}

/** The test message's note. */
export function testNote(channelName: string, locale: BotLocale): BotNote {
  return {
    title: locale === 'zh-CN' ? 'Closeloop 测试消息' : 'Closeloop test message',
    lines: [
      locale === 'zh-CN'
        ? `聊天机器人「${channelName}」已连通，提醒会发到这个群。`
        : `Chat channel “${channelName}” works: notifications will arrive in this group.`,
    ],
    url: null,
    button: LABEL.button[locale],
    mentions: [],
  };
}
