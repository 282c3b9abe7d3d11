/**
 * Presentation helpers for the rep workspace: localized SOP text, field values, time left
 * (in working time where the SLA says so) and readable descriptions of history events.
 */

import { currentLocale, i18n } from '../../shared/i18n/index.ts';
import { loc } from '../../shared/loc.ts';
import type {
  FieldDef,
  Fields,
  FieldValue,
  OpenAction,
  RecordView,
  StageInfo,
  WorkspaceCalendar,
} from './api.ts';
import { stageMetaOf, stateNodeOf } from './api.ts';
import { chinaCalendar, recordLabel, workingMsBetween } from './engine-lite.ts';
import { Localized } from './stage-meta.ts';

export { loc } from '../../shared/loc.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** "2天3小时" / "2d 3h": the two largest units. */
export function formatDuration(ms: number): string {
  const t = i18n.t.bind(i18n);
  const abs = Math.max(0, Math.abs(ms));
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  const m = Math.floor((abs % HOUR) / MIN);
  if (d > 0) return h ? t('rep.time.dh', { d, h }) : t('rep.time.d', { d });
  if (h > 0) return m ? t('rep.time.hm', { h, m }) : t('rep.time.h', { h });
  return t('rep.time.m', { m: Math.max(m, abs > 0 ? 1 : 0) });
}

function clockMs(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return (Number(h) * 60 + Number(m)) * MIN;
}

/** Working time in working days (of the calendar's working hours), hours and minutes. */
export function formatWorkingDuration(ms: number, calendar?: WorkspaceCalendar): string {
  const t = i18n.t.bind(i18n);
  const cal = calendar ?? chinaCalendar;
  const dayLen = clockMs(cal.workEnd) - clockMs(cal.workStart);
  if (dayLen > 0 && ms >= dayLen) {
    const d = Math.floor(ms / dayLen);
    const h = Math.floor((ms % dayLen) / HOUR);
    return h ? t('rep.time.wdh', { d, h }) : t('rep.time.wd', { d });
  }
  const h = Math.floor(ms / HOUR);
  const m = Math.floor((ms % HOUR) / MIN);
  if (h > 0) return m ? t('rep.time.hm', { h, m }) : t('rep.time.h', { h });
  return t('rep.time.m', { m: Math.max(m, ms > 0 ? 1 : 0) });
}

export type TimeLeft = {
  state: 'overdue' | 'soon' | 'ok' | 'none';
  text: string;
  /** Working time when the stage's SLA counts working hours. */
  working: boolean;
};

/** The SLA clock of the stage whose deadline is the record's due time. */
export function slaClockOf(
  record: Pick<RecordView, 'timers' | 'dueAt'>,
  metaOf: (stageId: string) => unknown,
): 'wall' | 'working' {
  const timer =
    record.timers.find((x) => x.kind === 'deadline' && x.dueAt === record.dueAt) ??
    record.timers.find((x) => x.kind === 'deadline');
  if (!timer) return 'wall';
  return stageMetaOf(metaOf(timer.stage))?.sla?.clock ?? 'wall';
}

/**
 * Time left until `dueAt` at `now` (both on the workspace clock). Working-clock SLAs count
 * only working hours of the calendar (weekends, holidays, 调休); overdue time is wall time.
 */
export function timeLeft(
  dueAt: number | null,
  now: number,
  clock: 'wall' | 'working',
  calendar: WorkspaceCalendar | undefined,
): TimeLeft {
  const t = i18n.t.bind(i18n);
  if (dueAt === null) return { state: 'none', text: t('rep.time.noDeadline'), working: false };
  if (dueAt <= now) {
    return {
      state: 'overdue',
      text: t('rep.time.overdueBy', { d: formatDuration(now - dueAt) }),
      working: false,
    };
  }
  if (clock === 'working') {
    const ms = workingMsBetween(now, dueAt, calendar ?? chinaCalendar);
    return {
      state: ms <= 2 * HOUR ? 'soon' : 'ok',
      text: t('rep.time.leftWorking', { d: formatWorkingDuration(ms, calendar) }),
      working: true,
    };
  }
  const ms = dueAt - now;
  return {
    state: ms <= 2 * HOUR ? 'soon' : 'ok',
    text: t('rep.time.left', { d: formatDuration(ms) }),
    working: false,
  };
}

export function formatDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return new Date(ms).toLocaleString(currentLocale(), {
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "3 分钟前" / "3 min ago" for recent times, the date otherwise. */
export function formatAgo(ms: number | null | undefined, now: number): string {
  if (ms === null || ms === undefined) return '';
  const diff = now - ms;
  if (diff < MIN) return i18n.t('rep.time.justNow');
  if (diff < DAY) return i18n.t('rep.time.ago', { d: formatDuration(diff) });
  return formatDateTime(ms);
}

export function isEmpty(v: FieldValue | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  return false;
}

/** A field value as people read it: option labels, yes/no, money, dates, user names. */
export function displayValue(
  def: FieldDef | undefined,
  v: FieldValue | undefined,
  userName?: (id: string) => string | undefined,
): string {
  if (isEmpty(v)) return '—';
  const option = (x: string) => {
    const o = def?.options?.find((p) => p.value === x);
    return o ? loc(o.label) : x;
  };
  if (Array.isArray(v)) return v.map(option).join('、');
  if (typeof v === 'boolean') return i18n.t(v ? 'rep.yes' : 'rep.no');
  if (typeof v === 'number') {
    if (def?.type === 'money')
      return v.toLocaleString(currentLocale(), { style: 'currency', currency: 'CNY' });
    return v.toLocaleString(currentLocale());
  }
  const s = String(v);
  switch (def?.type) {
    case 'select':
      return option(s);
    case 'datetime': {
      const t = Date.parse(s);
      return Number.isFinite(t) ? new Date(t).toLocaleString(currentLocale()) : s;
    }
    case 'user':
      return userName?.(s) ?? s;
    default:
      return s;
  }
}

/** Who the record is about, for titles: contact name and company, else the record id. */
export function recordTitle(fields: Fields, defs: FieldDef[]): { title: string; subtitle: string } {
  return recordLabel(fields, defs) ?? { title: i18n.t('rep.untitled'), subtitle: '' };
}

export function phoneOf(fields: Fields, defs: FieldDef[]): string | null {
  const key = defs.find((d) => d.type === 'phone')?.key;
  const v = key ? fields[key] : undefined;
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/**
 * Actions that lose the record: the SOP sends them to a final stage whose outcome is `lost`
 * (丢单, 无法承接, disqualify…). Decided from the document (the server reports each
 * action's outcome), never from the label.
 */
export function losingActions(actions: OpenAction[]): Set<string> {
  return new Set(actions.filter((a) => a.outcome === 'lost').map((a) => a.action));
}

/** Stage title by id: "Parent › Child" for nested stages. */
export function stagePath(stages: StageInfo[], id: string): string {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const parts: string[] = [];
  for (let s = byId.get(id); s; s = s.parentId ? byId.get(s.parentId) : undefined) {
    parts.unshift(loc(stageMetaOf(s.meta)?.title, s.key));
  }
  return parts.join(' › ') || id;
}

/** Title of a stage from an SOP document's machine (for lists that have no stage table). */
export function stageTitleFromMachine(states: Record<string, unknown>, id: string): string {
  const parts: string[] = [];
  let level: Record<string, unknown> | undefined = states;
  for (const key of id.split('.')) {
    const n = stateNodeOf(level?.[key]);
    if (!n) {
      parts.push(key);
      level = undefined;
      continue;
    }
    parts.push(loc(stageMetaOf(n.meta?.stage)?.title, key));
    level = n.states;
  }
  return parts.join(' › ');
}

/** Every action's button label in an SOP machine (by event), for history lines. */
export function actionLabelsOf(states: Record<string, unknown> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (node: unknown) => {
    const n = stateNodeOf(node);
    if (!n) return;
    for (const [event, raw] of Object.entries(n.on ?? {})) {
      if (out.has(event)) continue;
      for (const t of Array.isArray(raw) ? raw : [raw]) {
        const meta = t && typeof t === 'object' && 'meta' in t ? t.meta : undefined;
        const label = meta && typeof meta === 'object' && 'label' in meta ? meta.label : undefined;
        const l = Localized.safeParse(label);
        if (l.success) {
          out.set(event, loc(l.data, event));
          break;
        }
      }
    }
    for (const child of Object.values(n.states ?? {})) visit(child);
  };
  for (const s of Object.values(states ?? {})) visit(s);
  return out;
}

/**
 * Sibling states in the order a record flows through them: breadth-first from the initial
 * state along transitions (any target naming a sibling, from the state or its children),
 * then the rest. Stored SOP documents do not keep key order, so this is the order to show.
 */
export function flowOrder(states: Record<string, unknown>, initial: string | undefined): string[] {
  const keys = Object.keys(states);
  const targetsOf = (node: unknown): string[] => {
    const n = stateNodeOf(node);
    if (!n) return [];
    const out: string[] = [];
    // a parallel or compound stage's onDone is usually the main way on
    for (const raw of [n.onDone, n.always, ...Object.values(n.on ?? {})]) {
      for (const t of Array.isArray(raw) ? raw : [raw]) {
        const target =
          typeof t === 'string'
            ? t
            : t && typeof t === 'object' && 'target' in t
              ? t.target
              : undefined;
        for (const x of Array.isArray(target) ? target : [target]) {
          if (typeof x !== 'string' || x.startsWith('.')) continue;
          // "#machine.a.b" or "a.b": the first segment below the machine names the sibling
          const path = x.startsWith('#') ? x.split('.').slice(1) : x.split('.');
          for (const p of path) if (keys.includes(p)) out.push(p);
        }
      }
    }
    for (const child of Object.values(n.states ?? {})) out.push(...targetsOf(child));
    return out;
  };
  const order: string[] = [];
  const queue = initial && keys.includes(initial) ? [initial] : keys.slice(0, 1);
  while (queue.length) {
    const k = queue.shift();
    if (k === undefined || order.includes(k)) continue;
    order.push(k);
    for (const next of targetsOf(states[k])) if (!order.includes(next)) queue.push(next);
  }
  return [...order, ...keys.filter((k) => !order.includes(k))];
}
