/**
 * simulate(doc, commands): runs an SOP on an in-memory record with a simulated clock —
 * for the editor's simulator, training practice, the CLI and tests. Paths: paths.ts.
 */
import { chinaCalendar } from './calendar.ts';
import { compile } from './compile.ts';
import type { SopDocument } from './sop.ts';
import { step } from './step.ts';
import type {
  Actor,
  Calendar,
  Effect,
  EngineEvent,
  Fields,
  RecordState,
  Rejection,
  Roster,
  StepContext,
} from './types.ts';

export type SimCommand =
  | {
      type: 'perform';
      action: string;
      fields?: Fields;
      checklist?: Record<string, string[]>;
      role?: Actor['role'];
    }
  | { type: 'edit'; fields?: Fields; checklist?: Record<string, string[]> }
  | { type: 'advance'; ms: number }
  | { type: 'close'; reason: string }
  | { type: 'reopen'; reason?: string }
  | { type: 'reassign'; toUserId?: string };

export type SimStep = {
  command: SimCommand | { type: 'timer'; timerId: string };
  at: number;
  ok: boolean;
  events: EngineEvent[];
  effects: Effect[];
  rejection?: Rejection;
};

export type Simulation = {
  ok: boolean;
  record: RecordState | null;
  trace: SimStep[];
  rejection?: Rejection;
  now: number;
};

export type SimOptions = {
  /** Simulated start time; default 2026-11-02T09:00+08:00 (a Monday). */
  start?: number;
  roster?: Roster;
  calendar?: Calendar;
  actor?: Actor;
  fields?: Fields;
  /** Continue after a rejected command instead of stopping. */
  keepGoing?: boolean;
};

export const SIM_START = Date.parse('2026-11-02T09:00:00+08:00');

/** A roster with two reps and a manager in every team the SOP's owner rules name. */
export function simRoster(doc: SopDocument): Roster {
  const teams = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.team === 'string' && typeof o.strategy === 'string') teams.add(o.team);
      for (const x of Object.values(o)) walk(x);
    }
  };
  walk(doc.machine);
  if (teams.size === 0) teams.add('sales');
  return {
    teams: [...teams].map((id) => ({
      id,
      managerIds: [`${id}-manager`],
      rrCursor: 0,
      members: [1, 2].map((n) => ({ userId: `${id}-rep${n}`, active: true, openCount: 0 })),
    })),
  };
}

/**
 * Runs `commands` against a fresh record of `doc`. `advance` moves the simulated clock and
 * fires every timer that falls due on the way, each at its own due time.
 */
export async function simulate(
  doc: SopDocument,
  commands: SimCommand[],
  opts: SimOptions = {},
): Promise<Simulation> {
  const sop = compile(doc);
  let now = opts.start ?? SIM_START;
  let seq = 0;
  const roster = opts.roster ?? simRoster(doc);
  const ctxAt = (at: number, role?: Actor['role']): StepContext => ({
    now: at,
    actor: role
      ? { ...(opts.actor ?? { id: 'sim-user', role }), role }
      : (opts.actor ?? { id: 'sim-user', role: 'manager' }),
    newId: () => `sim-${++seq}`,
    roster,
    calendar: opts.calendar ?? chinaCalendar,
  });
  const trace: SimStep[] = [];
  const created = await step(
    sop,
    null,
    { type: 'create', recordId: 'sim-record', fields: opts.fields },
    ctxAt(now),
  );
  if (!created.ok) return { ok: false, record: null, trace, rejection: created.rejection, now };
  let record = created.record;
  trace.push({
    command: { type: 'perform', action: '(create)' },
    at: now,
    ok: true,
    events: created.events,
    effects: created.effects,
  });

  for (const cmd of commands) {
    if (cmd.type === 'advance') {
      const until = now + Math.max(0, cmd.ms);
      for (;;) {
        const due = [...record.timers].sort((a, b) => a.dueAt - b.dueAt)[0];
        if (!due || due.dueAt > until) break;
        now = Math.max(now, due.dueAt);
        const r = await step(sop, record, { type: 'timer', timerId: due.id }, ctxAt(now));
        if (!r.ok) break;
        record = r.record;
        trace.push({
          command: { type: 'timer', timerId: due.id },
          at: now,
          ok: true,
          events: r.events,
          effects: r.effects,
        });
      }
      now = until;
      continue;
    }
    const role = cmd.type === 'perform' ? cmd.role : undefined;
    const r = await step(
      sop,
      record,
      cmd.type === 'reopen' ? { type: 'reopen', reason: cmd.reason } : cmd,
      ctxAt(now, role),
    );
    if (!r.ok) {
      trace.push({
        command: cmd,
        at: now,
        ok: false,
        events: [],
        effects: [],
        rejection: r.rejection,
      });
      if (!opts.keepGoing) return { ok: false, record, trace, rejection: r.rejection, now };
      continue;
    }
    record = r.record;
    trace.push({ command: cmd, at: now, ok: true, events: r.events, effects: r.effects });
  }
  return { ok: true, record, trace, now };
}
