/**
 * The fold: a record's state is its events applied in order. step() decides events and
 * applies them with `evolve`, so replaying the stored history rebuilds the same state.
 */
import type { EngineEvent, EngineEventOf, EngineEventType } from './events.ts';
import type { RecordState } from './types.ts';

/** The earliest deadline of the active stages, breached ones included; null unless open. */
function earliestDeadline(r: RecordState): number | null {
  if (r.status !== 'open') return null;
  let min: number | null = null;
  for (const st of Object.values(r.stages)) {
    if (st.dueAt !== undefined && (min === null || st.dueAt < min)) min = st.dueAt;
  }
  return min;
}

function withStageDue(
  r: RecordState,
  stage: string,
  dueAt: number | undefined,
): RecordState['stages'] {
  const st = Object.hasOwn(r.stages, stage) ? r.stages[stage] : undefined;
  if (!st) return r.stages;
  const { dueAt: _old, ...rest } = st;
  return { ...r.stages, [stage]: dueAt === undefined ? rest : { ...rest, dueAt } };
}

function created(e: EngineEventOf<'record.created'>): RecordState {
  const d = e.data;
  return {
    id: d.recordId,
    sopId: d.sopId,
    sopVersion: d.sopVersion,
    status: 'open',
    value: d.value,
    fields: { ...d.fields },
    ownerId: null,
    teamId: null,
    stages: {},
    checklist: {},
    timers: [],
    dueAt: null,
    lostReason: null,
    version: e.version,
    createdAt: e.at,
    updatedAt: e.at,
  };
}

/** How each event after `record.created` changes a record (a fresh copy, safe to change). */
type Fold = { [T in EngineEventType]: (r: RecordState, e: EngineEventOf<T>) => void };

const history = () => {
  // sla.breached, escalation.*, gate.overridden: history only
};

const FOLD: Omit<Fold, 'record.created'> = {
  'fields.changed': (r, e) => {
    r.fields = { ...r.fields };
    for (const [k, c] of Object.entries(e.data.changes)) r.fields[k] = c.to;
  },
  'checklist.changed': (r, e) => {
    r.checklist = { ...r.checklist, [e.data.stage]: [...e.data.done] };
  },
  'action.performed': (r, e) => {
    r.value = e.data.to;
  },
  'record.migrated': (r, e) => {
    r.value = e.data.to;
    r.sopVersion = e.data.toVersion;
  },
  'stage.entered': (r, e) => {
    r.stages = {
      ...r.stages,
      [e.data.stage]: { enteredAt: e.at, entry: e.data.entry, fieldsAtEntry: { ...r.fields } },
    };
  },
  'stage.exited': (r, e) => {
    const { [e.data.stage]: _gone, ...rest } = r.stages;
    r.stages = rest;
  },
  'record.assigned': (r, e) => {
    r.ownerId = e.data.userId ?? null;
    r.teamId = e.data.teamId ?? r.teamId;
  },
  'record.handed-over': (r, e) => {
    r.ownerId = e.data.userId ?? null;
    r.teamId = e.data.teamId ?? r.teamId;
  },
  'timer.scheduled': (r, e) => {
    const timer = e.data.timer;
    r.timers = [...r.timers, timer];
    if (timer.kind === 'deadline') r.stages = withStageDue(r, timer.stage, timer.dueAt);
  },
  'timer.cancelled': (r, e) => {
    const timer = r.timers.find((t) => t.id === e.data.timerId);
    r.timers = r.timers.filter((t) => t.id !== e.data.timerId);
    if (timer?.kind === 'deadline') r.stages = withStageDue(r, timer.stage, undefined);
  },
  'timer.fired': (r, e) => {
    // a fired deadline leaves the stage's dueAt in place: the stage is now overdue
    r.timers = r.timers.filter((t) => t.id !== e.data.timerId);
  },
  'record.closed': (r, e) => {
    r.status = 'lost';
    r.lostReason = e.data.reason;
  },
  'record.completed': (r, e) => {
    r.status = e.data.status;
  },
  'record.reopened': (r) => {
    r.status = 'open';
    r.lostReason = null;
  },
  'sla.breached': history,
  'escalation.reminded': history,
  'escalation.notified': history,
  'escalation.reassigned': history,
  'escalation.move-failed': history,
  'gate.overridden': history,
  'record.handed-off': history,
};

/** The events that can move a record's earliest deadline. */
const DUE_EVENTS = new Set<EngineEventType>([
  'timer.scheduled',
  'timer.cancelled',
  'stage.entered',
  'stage.exited',
  'record.closed',
  'record.completed',
  'record.reopened',
]);

/** Applies one event to a record (null before `record.created`). Pure; never mutates its input. */
export function evolve(record: RecordState | null, e: EngineEvent): RecordState {
  if (e.type === 'record.created') return created(e);
  if (!record) throw new Error(`event ${e.type} before record.created`);
  const r: RecordState = { ...record, version: e.version, updatedAt: e.at };
  // a type this engine does not know (a newer history) changes nothing, as before
  if (Object.hasOwn(FOLD, e.type)) (FOLD[e.type] as (r: RecordState, e: EngineEvent) => void)(r, e);
  if (DUE_EVENTS.has(e.type)) r.dueAt = earliestDeadline(r);
  return r;
}

/**
 * Rebuilds a record from its full event history.
 *
 * @example
 * const rebuilt = replay(await listEvents(recordId));
 * assert.deepEqual(rebuilt, storedRecord);
 */
export function replay(events: readonly EngineEvent[]): RecordState {
  let r: RecordState | null = null;
  for (const e of events) r = evolve(r, e);
  if (!r) throw new Error('no events to replay');
  return r;
}
