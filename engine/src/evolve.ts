/**
 * The fold: a record's state is its events applied in order. step() decides events and
 * applies them with `evolve`, so replaying the stored history rebuilds the same state.
 */
import type { EngineEvent, Fields, RecordState, RecordStatus, TimerSpec } from './types.ts';

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
  const st = r.stages[stage];
  if (!st) return r.stages;
  const { dueAt: _old, ...rest } = st;
  return { ...r.stages, [stage]: dueAt === undefined ? rest : { ...rest, dueAt } };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Applies one event to a record (null before `record.created`). Pure; never mutates its input. */
export function evolve(record: RecordState | null, e: EngineEvent): RecordState {
  if (e.type === 'record.created') {
    const d = e.data;
    return {
      id: str(d.recordId),
      sopId: str(d.sopId),
      sopVersion: typeof d.sopVersion === 'number' ? d.sopVersion : 0,
      status: 'open',
      value: d.value,
      fields: { ...(d.fields as Fields) },
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
  if (!record) throw new Error(`event ${e.type} before record.created`);
  const r: RecordState = { ...record, version: e.version, updatedAt: e.at };
  const d = e.data;
  switch (e.type) {
    case 'fields.changed': {
      const changes = d.changes as Record<string, { to: Fields[string] }>;
      r.fields = { ...r.fields };
      for (const [k, c] of Object.entries(changes)) r.fields[k] = c.to;
      break;
    }
    case 'checklist.changed':
      r.checklist = { ...r.checklist, [str(d.stage)]: [...(d.done as string[])] };
      break;
    case 'action.performed':
    case 'record.migrated':
      r.value = d.to;
      if (e.type === 'record.migrated' && typeof d.toVersion === 'number')
        r.sopVersion = d.toVersion;
      break;
    case 'stage.entered':
      r.stages = {
        ...r.stages,
        [str(d.stage)]: { enteredAt: e.at, entry: Number(d.entry), fieldsAtEntry: { ...r.fields } },
      };
      break;
    case 'stage.exited': {
      const { [str(d.stage)]: _gone, ...rest } = r.stages;
      r.stages = rest;
      break;
    }
    case 'record.assigned':
    case 'record.handed-over':
      r.ownerId = (d.userId as string | null) ?? null;
      r.teamId = (d.teamId as string | null) ?? r.teamId;
      break;
    case 'timer.scheduled': {
      const timer = d.timer as TimerSpec;
      r.timers = [...r.timers, timer];
      if (timer.kind === 'deadline') r.stages = withStageDue(r, timer.stage, timer.dueAt);
      break;
    }
    case 'timer.cancelled': {
      const timer = r.timers.find((t) => t.id === d.timerId);
      r.timers = r.timers.filter((t) => t.id !== d.timerId);
      if (timer?.kind === 'deadline') r.stages = withStageDue(r, timer.stage, undefined);
      break;
    }
    case 'timer.fired':
      // a fired deadline leaves the stage's dueAt in place: the stage is now overdue
      r.timers = r.timers.filter((t) => t.id !== d.timerId);
      break;
    case 'record.closed':
      r.status = 'lost';
      r.lostReason = str(d.reason);
      break;
    case 'record.completed':
      r.status = d.status as RecordStatus;
      r.lostReason = typeof d.reason === 'string' ? d.reason : r.lostReason;
      break;
    case 'record.reopened':
      r.status = 'open';
      r.lostReason = null;
      break;
    default:
      // sla.breached, escalation.*, gate.overridden, …: history only
      break;
  }
  if (DUE_EVENTS.has(e.type)) r.dueAt = earliestDeadline(r);
  return r;
}

/** The events that can move a record's earliest deadline. */
const DUE_EVENTS = new Set([
  'timer.scheduled',
  'timer.cancelled',
  'stage.entered',
  'stage.exited',
  'record.closed',
  'record.completed',
  'record.reopened',
]);

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
