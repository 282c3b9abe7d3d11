/**
 * Practice runs, pure: a sandbox record of a published SOP stepped by the engine in-process on
 * a simulated clock, with a roster in which the trainee is the only member. The engine's
 * effects are never carried out: notifications and webhooks become notices shown to the
 * trainee, timers live inside the record and fire when the trainee advances the clock (in due
 * order, as the engine's simulate does). Nothing here touches the database.
 */
import {
  type Actor,
  activeStages,
  type Calendar,
  type CompiledSop,
  type Effect,
  type EngineEvent,
  type Fields,
  type LocalizedText,
  type OpenAction,
  openActions,
  type RecordState,
  type Rejection,
  type Role,
  type Roster,
  type StepContext,
  type StepResult,
  step,
  type TimerSpec,
} from '@closeloop/engine';
import type { LoadedSop } from '../sops/sop-cache.ts';
import { walkedPathKey } from './paths.ts';

/** Managers in a practice roster are placeholders: `practice-manager:<team>`; nobody is told. */
export const PRACTICE_MANAGER = 'practice-manager:';

/** The longest single clock advance, and the most commands one run may take. */
export const MAX_ADVANCE_MS = 400 * 24 * 3600 * 1000;
export const MAX_COMMANDS = 1000;

/** Who a notification would have reached, as the trainee should read it. */
export type Recipient =
  | { kind: 'you' }
  | { kind: 'manager'; team: string }
  | { kind: 'person'; id: string };

/** An effect the engine asked for, shown instead of carried out. */
export type Notice =
  | {
      type: 'notify';
      kind: Extract<Effect, { type: 'notify' }>['kind'];
      to: Recipient[];
      message: LocalizedText;
    }
  | { type: 'webhook'; event: string }
  | { type: 'assign'; to: Recipient | null; team: string | null };

export type FiredTimer = {
  at: number;
  stage: string;
  kind: TimerSpec['kind'];
  rung: number;
  /** Event types the timer produced (escalation.notified, sla.breached…). */
  events: string[];
};

export type LogEntry = {
  at: number;
  kind: 'created' | 'action' | 'edit' | 'timer';
  action?: string;
  label?: LocalizedText;
  /** The role the trainee played when the action is not theirs (a manager's approval). */
  actingAs?: Role;
  timer?: Omit<FiredTimer, 'at' | 'events'>;
  /** Stages entered by this step. */
  entered: string[];
  events: string[];
  notices: Notice[];
};

export type PracticeState = {
  record: RecordState;
  events: EngineEvent[];
  log: LogEntry[];
  simStart: number;
  simNow: number;
  seq: number;
  status: 'active' | 'finished' | 'abandoned';
  walkedPath: string | null;
};

export type PracticeCommand =
  | { type: 'perform'; action: string; fields?: Fields; checklist?: Record<string, string[]> }
  | { type: 'edit'; fields?: Fields; checklist?: Record<string, string[]> }
  /** Move the clock by `ms`, or to the next pending timer when `toNextTimer` is set. */
  | { type: 'advance'; ms?: number; toNextTimer?: boolean };

export type PracticeOutcome = {
  ok: boolean;
  rejection?: Rejection;
  actingAs?: Role;
  fired: FiredTimer[];
  notices: Notice[];
  /** Set when this command brought the record to a final stage. */
  finished: boolean;
  walkedPath: string | null;
};

export type Trainee = { id: string; role: Role };

/** A roster of the SOP's teams with the trainee as the only member and a placeholder manager. */
export function practiceRoster(sop: LoadedSop, traineeId: string): Roster {
  const teams = sop.teams.length ? sop.teams : ['practice'];
  return {
    teams: teams.map((id) => ({
      id,
      managerIds: [`${PRACTICE_MANAGER}${id}`],
      members: [{ userId: traineeId, active: true, openCount: 0 }],
      rrCursor: 0,
    })),
  };
}

function recipient(id: string, trainee: string): Recipient {
  if (id === trainee) return { kind: 'you' };
  if (id.startsWith(PRACTICE_MANAGER))
    return { kind: 'manager', team: id.slice(PRACTICE_MANAGER.length) };
  return { kind: 'person', id };
}

function noticesOf(effects: readonly Effect[], trainee: string): Notice[] {
  const out: Notice[] = [];
  for (const e of effects) {
    if (e.type === 'notify') {
      out.push({
        type: 'notify',
        kind: e.kind,
        to: e.userIds.map((u) => recipient(u, trainee)),
        message: e.message,
      });
    } else if (e.type === 'webhook') out.push({ type: 'webhook', event: e.event });
    else if (e.type === 'assign' && e.strategy !== 'keep') {
      out.push({
        type: 'assign',
        to: e.userId ? recipient(e.userId, trainee) : null,
        team: e.teamId,
      });
    }
  }
  return out;
}

function entered(events: readonly EngineEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'stage.entered' ? [e.data.stage] : []));
}

type Env = { sop: LoadedSop; trainee: Trainee; calendar: Calendar };

function contextAt(env: Env, state: { seq: number }, now: number, role?: Role): StepContext {
  const actor: Actor = { id: env.trainee.id, role: role ?? env.trainee.role };
  return {
    now,
    actor,
    newId: () => `p${++state.seq}`,
    roster: practiceRoster(env.sop, env.trainee.id),
    calendar: env.calendar,
  };
}

/**
 * A fresh practice run: the record is created on the SOP's first stage, owned by the trainee.
 */
export async function startRun(env: Env, recordId: string, now: number): Promise<PracticeState> {
  const counter = { seq: 0 };
  const r = await step(
    env.sop.compiled,
    null,
    { type: 'create', recordId, ownerId: env.trainee.id },
    contextAt(env, counter, now),
  );
  if (!r.ok) throw new Error(`practice record not created: ${r.rejection.message.en}`);
  return {
    record: r.record,
    events: r.events,
    log: [
      {
        at: now,
        kind: 'created',
        entered: entered(r.events),
        events: r.events.map((e) => e.type),
        notices: noticesOf(r.effects, env.trainee.id),
      },
    ],
    simStart: now,
    simNow: now,
    seq: counter.seq,
    status: r.record.status === 'open' ? 'active' : 'finished',
    walkedPath: null,
  };
}

function candidates(sop: CompiledSop, record: RecordState, action: string) {
  return ['', ...activeStages(record.value)].flatMap((source) =>
    (sop.transitionsBySource.get(source) ?? []).filter((t) => t.event === action),
  );
}

/**
 * The role the trainee acts in: their own when it may take the action, else the first role
 * the action names (practice lets a rep play the manager who approves, and says so).
 */
export function roleFor(sop: CompiledSop, record: RecordState, action: string, trainee: Trainee) {
  const list = candidates(sop, record, action);
  const roles = list.flatMap((t) => t.meta?.roles ?? []);
  const open = list.some((t) => !t.meta?.roles?.length);
  if (open || roles.length === 0 || roles.includes(trainee.role)) return undefined;
  return roles[0];
}

function labelOf(sop: CompiledSop, record: RecordState, action: string): LocalizedText {
  const t = candidates(sop, record, action).find((x) => x.meta?.label);
  return t?.meta?.label ?? { 'zh-CN': action, en: action };
}

function finish(state: PracticeState, outcome: PracticeOutcome): void {
  if (state.status === 'active' && state.record.status !== 'open') {
    state.status = 'finished';
    state.walkedPath = walkedPathKey(state.events);
    outcome.finished = true;
    outcome.walkedPath = state.walkedPath;
  }
}

function accept(
  state: PracticeState,
  r: Extract<StepResult, { ok: true }>,
  entry: Omit<LogEntry, 'events' | 'notices' | 'entered'>,
  trainee: string,
): Notice[] {
  const notices = noticesOf(r.effects, trainee);
  state.record = r.record;
  state.events.push(...r.events);
  state.log.push({
    ...entry,
    entered: entered(r.events),
    events: r.events.map((e) => e.type),
    notices,
  });
  return notices;
}

/**
 * Applies one command to a run and returns the new state (a copy) with what happened. A
 * rejected command changes nothing but is reported, with the gate's failures.
 */
export async function applyCommand(
  env: Env,
  current: PracticeState,
  cmd: PracticeCommand,
): Promise<{ state: PracticeState; outcome: PracticeOutcome }> {
  const state: PracticeState = {
    ...current,
    events: [...current.events],
    log: [...current.log],
  };
  const outcome: PracticeOutcome = {
    ok: true,
    fired: [],
    notices: [],
    finished: false,
    walkedPath: null,
  };
  const sop = env.sop.compiled;
  const trainee = env.trainee.id;

  if (cmd.type === 'advance') {
    const pending = [...state.record.timers].sort((a, b) => a.dueAt - b.dueAt);
    const until = cmd.toNextTimer
      ? (pending[0]?.dueAt ?? state.simNow)
      : state.simNow + Math.min(Math.max(0, cmd.ms ?? 0), MAX_ADVANCE_MS);
    for (;;) {
      if (state.record.status !== 'open') break;
      const due = [...state.record.timers].sort((a, b) => a.dueAt - b.dueAt)[0];
      if (!due || due.dueAt > until) break;
      const at = Math.max(state.simNow, due.dueAt);
      state.simNow = at;
      const r = await step(
        sop,
        state.record,
        { type: 'timer', timerId: due.id },
        contextAt(env, state, at),
      );
      if (!r.ok) break;
      const timer = { stage: due.stage, kind: due.kind, rung: due.rung };
      outcome.notices.push(...accept(state, r, { at, kind: 'timer', timer }, trainee));
      outcome.fired.push({ at, ...timer, events: r.events.map((e) => e.type) });
    }
    state.simNow = Math.max(state.simNow, until);
    finish(state, outcome);
    return { state, outcome };
  }

  const actingAs =
    cmd.type === 'perform' ? roleFor(sop, state.record, cmd.action, env.trainee) : undefined;
  const ctx = contextAt(env, state, state.simNow, actingAs);
  const r = await step(sop, state.record, cmd, ctx);
  if (!r.ok) {
    return { state: current, outcome: { ...outcome, ok: false, rejection: r.rejection } };
  }
  const entry: Omit<LogEntry, 'events' | 'notices' | 'entered'> =
    cmd.type === 'perform'
      ? {
          at: state.simNow,
          kind: 'action',
          action: cmd.action,
          label: labelOf(sop, current.record, cmd.action),
          ...(actingAs ? { actingAs } : {}),
        }
      : { at: state.simNow, kind: 'edit' };
  outcome.notices.push(...accept(state, r, entry, trainee));
  if (actingAs) outcome.actingAs = actingAs;
  finish(state, outcome);
  return { state, outcome };
}

export type PracticeAction = OpenAction & {
  /** Set when the trainee's own role may not take it: practice plays this role. */
  actingAs?: Role;
};

/** The actions open now, as the trainee sees them (with the role they would play). */
export async function practiceActions(env: Env, state: PracticeState): Promise<PracticeAction[]> {
  if (state.status !== 'active') return [];
  const ctx = contextAt(env, { seq: state.seq }, state.simNow);
  const list = await openActions(env.sop.compiled, state.record, ctx);
  return list.map((a) => {
    const role = roleFor(env.sop.compiled, state.record, a.action, env.trainee);
    return role ? { ...a, allowed: true, actingAs: role } : a;
  });
}
