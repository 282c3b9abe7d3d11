/**
 * One presenter per engine event type: the line the history timeline shows for it, in the
 * reader's language. The map is keyed by the engine's `EngineEventType`, so an event type
 * added to the engine does not compile until it has its line here (and its text in both
 * catalogs: the keys are checked against zh-CN, and en is typed against zh-CN).
 */
import type { EngineEvent, EngineEventOf, EngineEventType } from '@closeloop/engine';
import { i18n } from '../../shared/i18n/index.ts';
import type { zhCN } from '../../shared/i18n/zh-CN.ts';
import type { FieldDef, FieldValue, RecordEvent } from './api.ts';

export type EventLine = {
  /** i18n text of what happened. */
  text: string;
  tone: 'blue' | 'green' | 'red' | 'orange' | 'gray' | 'purple';
  /** Field changes: label, from, to. */
  changes?: Array<{ key: string; label: string; from: string; to: string }>;
  detail?: string;
  /** Bookkeeping events (timers scheduled or cancelled) are hidden unless asked for. */
  minor?: boolean;
};

export type Describe = {
  stageTitle: (id: string) => string;
  userName: (id: string | null | undefined) => string;
  field: (key: string) => FieldDef | undefined;
  actionLabel: (action: string) => string;
  /** An SOP's name in the reader's language (its id while unknown). */
  sopName: (sopId: string) => string;
  /** A field's label in the reader's language. */
  fieldLabel: (def: FieldDef) => string;
  /** A field value as the reader sees it. */
  value: (def: FieldDef | undefined, v: FieldValue | undefined) => string;
};

type EventKey = keyof (typeof zhCN)['rep']['events'];
const say = (key: EventKey, opts: Record<string, unknown> = {}): string =>
  i18n.t(`rep.events.${key}`, opts);

type Presenters = { [T in EngineEventType]: (e: EngineEventOf<T>, d: Describe) => EventLine };

function assignedLine(e: EngineEventOf<'record.assigned'>, d: Describe): EventLine {
  const from = e.data.from ?? '';
  const to = e.data.userId ?? '';
  const { reason, strategy } = e.data;
  if (strategy === 'manual' || reason === 'manual') {
    return {
      text: from
        ? say('reassigned', { from: d.userName(from), to: d.userName(to) })
        : say('assigned', { to: d.userName(to) }),
      tone: 'purple',
      ...(reason && reason !== 'manual' ? { detail: reason } : {}),
    };
  }
  return {
    text: from
      ? say('routedFrom', { from: d.userName(from), to: d.userName(to) })
      : say('assigned', { to: d.userName(to) }),
    tone: 'purple',
  };
}

function fieldsLine(e: EngineEventOf<'fields.changed'>, d: Describe): EventLine {
  const changes: NonNullable<EventLine['changes']> = Object.entries(e.data.changes ?? {}).map(
    ([key, c]) => {
      const def = d.field(key);
      return {
        key,
        label: def ? d.fieldLabel(def) : key,
        from: d.value(def, c?.from ?? null),
        to: d.value(def, c?.to ?? null),
      };
    },
  );
  return { text: say('fields', { count: changes.length }), tone: 'gray', changes };
}

export const PRESENTERS: Presenters = {
  'record.created': (e, d) =>
    e.data.from
      ? { text: say('createdFrom', { sop: d.sopName(e.data.from.sopId) }), tone: 'blue' }
      : { text: say('created'), tone: 'blue' },
  'record.handed-off': (e, d) => ({
    text: say('handedOff', { sop: d.sopName(e.data.sopId) }),
    tone: 'purple',
  }),
  'action.performed': (e, d) => ({
    text: say('action', { action: d.actionLabel(e.data.action) }),
    tone: 'blue',
  }),
  'stage.entered': (e, d) => ({
    text: say('entered', { stage: d.stageTitle(e.data.stage) }),
    tone: 'green',
  }),
  'stage.exited': (e, d) => ({
    text: say('exited', { stage: d.stageTitle(e.data.stage) }),
    tone: 'gray',
    minor: true,
  }),
  'fields.changed': fieldsLine,
  'checklist.changed': (e, d) => ({
    text: say('checklist', { stage: d.stageTitle(e.data.stage), count: e.data.done.length }),
    tone: 'gray',
  }),
  'record.assigned': assignedLine,
  'record.handed-over': (e, d) => ({
    text: say('handedOver', { from: d.userName(e.data.from), to: d.userName(e.data.userId) }),
    tone: 'purple',
  }),
  'timer.scheduled': () => ({ text: say('timerScheduled'), tone: 'gray', minor: true }),
  'timer.cancelled': () => ({ text: say('timerCancelled'), tone: 'gray', minor: true }),
  'timer.fired': () => ({ text: say('timerFired'), tone: 'gray', minor: true }),
  'sla.breached': (e, d) => ({
    text: say('breached', { stage: d.stageTitle(e.data.stage) }),
    tone: 'red',
  }),
  'escalation.reminded': (e, d) => ({
    text: say('reminded', { stage: d.stageTitle(e.data.stage) }),
    tone: 'orange',
  }),
  'escalation.notified': (e, d) => ({
    text: say('notified', { stage: d.stageTitle(e.data.stage) }),
    tone: 'red',
  }),
  'escalation.reassigned': (e, d) => ({
    text: say('escalationReassigned', { from: d.userName(e.data.from), to: d.userName(e.data.to) }),
    tone: 'red',
  }),
  'escalation.move-failed': () => ({ text: say('moveFailed'), tone: 'red' }),
  'gate.overridden': (e) => ({ text: say('overridden'), tone: 'orange', detail: e.data.reason }),
  'record.completed': (e) => ({
    text: say('completed', { status: i18n.t(`rep.status.${e.data.status || 'done'}`) }),
    tone: e.data.status === 'lost' ? 'red' : 'green',
  }),
  'record.closed': (e) => ({ text: say('closed'), tone: 'red', detail: e.data.reason }),
  'record.reopened': (e) => ({
    text: say('reopened'),
    tone: 'blue',
    detail: e.data.reason ?? '',
  }),
  'record.migrated': () => ({ text: say('migrated'), tone: 'gray' }),
};

/** A readable line for one history event, in the current language. */
export function describeEvent(e: RecordEvent, d: Describe): EventLine {
  // a type this editor does not know yet (a newer server) shows by its name
  if (!Object.hasOwn(PRESENTERS, e.type)) return { text: e.type, tone: 'gray' };
  const event = e as unknown as EngineEvent;
  return (PRESENTERS[event.type] as (e: EngineEvent, d: Describe) => EventLine)(event, d);
}
