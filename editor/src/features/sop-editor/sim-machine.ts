/**
 * The simulator as an XState machine: one in-memory record driven through the engine's
 * `step()` with a simulated clock. Every command runs as an invoked promise, so commands
 * sent while one is running are ignored rather than interleaved. The record is either a
 * fresh one on the draft or a copy of a live record (`load`); nothing is sent to the server.
 */
import {
  type Actor,
  type Command,
  type CompiledSop,
  chinaCalendar,
  compile,
  type Effect,
  type EngineEvent,
  type Fields,
  type OpenAction,
  openActions,
  type RecordState,
  type Rejection,
  type Roster,
  SIM_START,
  type SopDocument,
  type SopPath,
  type StepContext,
  simRoster,
  step,
} from '@closeloop/engine';
import { assign, fromPromise, setup } from 'xstate';
import {
  type GateTrace,
  type OwnerDecision,
  traceGates,
  traceOpenGates,
  traceOwners,
} from './sim/explain.ts';

export type TraceEntry = {
  at: number;
  /** What was done: an action id, `timer`, `edit`, `create`. */
  what: string;
  ok: boolean;
  /** The replay pushed past a failed gate with an override. */
  overridden?: boolean;
  events: EngineEvent[];
  effects: Effect[];
  rejection?: Rejection;
  /** For an action: each gate it checked, condition by condition. */
  gates?: GateTrace[];
  /** For a move: the owner rules of the stages it entered, and whom they chose. */
  owners?: OwnerDecision[];
};

/** The live record a simulation was copied from. */
export type CloneInfo = { recordId: string; label: string; sopVersion: number };

export type Sim = {
  doc: SopDocument;
  now: number;
  role: Actor['role'];
  record: RecordState | null;
  open: OpenAction[];
  /** The gate trace of each open action, as the record stands. */
  why: Record<string, GateTrace[]>;
  trace: TraceEntry[];
  seq: number;
  clone: CloneInfo | null;
};

export type SimCommand =
  /** A fresh record at the initial stage; `fields` and `from` when started from a live record. */
  | { type: 'start'; fields?: Fields; from?: CloneInfo }
  /** A copy of a live record, already mapped onto the draft (see sim/clone.ts). */
  | { type: 'load'; record: RecordState; now: number; from: CloneInfo }
  | { type: 'perform'; action: string; fields?: Fields; checklist?: Record<string, string[]> }
  | { type: 'edit'; fields?: Fields; checklist?: Record<string, string[]> }
  | { type: 'next-timer' }
  | { type: 'advance'; ms: number }
  | { type: 'replay'; path: SopPath }
  /** Recomputes the open actions (after the role changes). */
  | { type: 'refresh' };

/**
 * The simulated roster, with the record's owner in their team: a copied live record keeps
 * its owner where the SOP says "keep the current owner", as it would on the server.
 */
function rosterFor(sim: Sim): Roster {
  const roster = simRoster(sim.doc);
  const owner = sim.record?.ownerId;
  const teamId = sim.record?.teamId;
  if (!owner || !teamId) return roster;
  const team = roster.teams.find((t) => t.id === teamId);
  const member = { userId: owner, active: true, openCount: 0 };
  if (!team) {
    roster.teams.push({
      id: teamId,
      managerIds: [`${teamId}-manager`],
      rrCursor: 0,
      members: [member],
    });
  } else if (!team.members.some((m) => m.userId === owner)) {
    team.members.push(member);
  }
  return roster;
}

function context(sim: Sim, role: Actor['role'] = sim.role): StepContext {
  let seq = sim.seq;
  return {
    now: sim.now,
    actor: { id: 'sim-user', role },
    newId: () => {
      seq += 1;
      sim.seq = seq;
      return `sim-${seq}`;
    },
    roster: rosterFor(sim),
    calendar: chinaCalendar,
  };
}

async function run(sop: CompiledSop, sim: Sim, cmd: Command, what: string, role?: Actor['role']) {
  const ctx = context(sim, role);
  const before = sim.record;
  const gates =
    cmd.type === 'perform' && before
      ? await traceGates(sop, before, cmd.action, ctx, cmd)
      : undefined;
  const r = await step(sop, before, cmd, ctx);
  if (r.ok) {
    sim.record = r.record;
    // a record created with its owner named runs no owner rule
    const owners =
      cmd.type === 'create' && cmd.ownerId
        ? []
        : await traceOwners(sop, before, r.record, r.events, ctx);
    sim.trace.push({
      at: sim.now,
      what,
      ok: true,
      events: r.events,
      effects: r.effects,
      ...(gates?.length ? { gates } : {}),
      ...(owners.length ? { owners } : {}),
    });
  } else {
    sim.trace.push({
      at: sim.now,
      what,
      ok: false,
      events: [],
      effects: [],
      rejection: r.rejection,
      ...(gates?.length ? { gates } : {}),
    });
  }
  return r.ok;
}

async function fireDue(sop: CompiledSop, sim: Sim, until: number) {
  for (let guard = 0; guard < 100 && sim.record; guard++) {
    const due = [...sim.record.timers].sort((a, b) => a.dueAt - b.dueAt)[0];
    if (!due || due.dueAt > until) break;
    sim.now = Math.max(sim.now, due.dueAt);
    if (!(await run(sop, sim, { type: 'timer', timerId: due.id }, `timer:${due.kind}`))) break;
  }
}

/** Applies one simulator command to a copy of the simulation. */
export async function execute(input: Sim, cmd: SimCommand): Promise<Sim> {
  const sop = compile(input.doc);
  const sim: Sim = { ...input, trace: [...input.trace] };
  switch (cmd.type) {
    case 'start':
      sim.record = null;
      sim.trace = [];
      sim.now = SIM_START;
      sim.clone = cmd.from ?? null;
      await run(
        sop,
        sim,
        { type: 'create', recordId: 'sim-record', ownerId: 'sim-user', fields: cmd.fields },
        'create',
      );
      break;
    case 'load':
      sim.record = cmd.record;
      sim.trace = [];
      sim.now = cmd.now;
      sim.clone = cmd.from;
      break;
    case 'perform':
      await run(
        sop,
        sim,
        { type: 'perform', action: cmd.action, fields: cmd.fields, checklist: cmd.checklist },
        cmd.action,
      );
      break;
    case 'edit':
      await run(sop, sim, { type: 'edit', fields: cmd.fields, checklist: cmd.checklist }, 'edit');
      break;
    case 'next-timer': {
      const due = sim.record
        ? [...sim.record.timers].sort((a, b) => a.dueAt - b.dueAt)[0]
        : undefined;
      if (due) await fireDue(sop, sim, due.dueAt);
      break;
    }
    case 'advance':
      await fireDue(sop, sim, sim.now + cmd.ms);
      sim.now += cmd.ms;
      break;
    case 'refresh':
      break;
    case 'replay': {
      sim.record = null;
      sim.clone = null;
      sim.trace = [];
      sim.now = SIM_START;
      if (
        !(await run(
          sop,
          sim,
          { type: 'create', recordId: 'sim-record', ownerId: 'sim-user' },
          'create',
        ))
      )
        break;
      for (const s of cmd.path.steps) {
        sim.now += 60_000;
        const ok = await run(sop, sim, { type: 'perform', action: s.action }, s.action);
        if (ok) continue;
        // a gate (or role) blocks the path: record why, then push through as a system move
        sim.trace.pop();
        const r = await step(
          sop,
          sim.record,
          { type: 'override', action: s.action, reason: 'simulator replay' },
          { ...context(sim, 'admin'), actor: { id: 'sim-admin', role: 'admin' } },
        );
        if (!r.ok) {
          sim.trace.push({
            at: sim.now,
            what: s.action,
            ok: false,
            events: [],
            effects: [],
            rejection: r.rejection,
          });
          break;
        }
        sim.record = r.record;
        sim.trace.push({
          at: sim.now,
          what: s.action,
          ok: true,
          overridden: true,
          events: r.events,
          effects: r.effects,
        });
      }
      break;
    }
  }
  const actorCtx = {
    now: sim.now,
    actor: { id: 'sim-user', role: sim.role },
    calendar: chinaCalendar,
  };
  sim.open = sim.record ? await openActions(sop, sim.record, actorCtx) : [];
  sim.why = sim.record
    ? await traceOpenGates(
        sop,
        sim.record,
        sim.open.map((a) => a.action),
        actorCtx,
      )
    : {};
  return sim;
}

export const simMachine = setup({
  types: {
    context: {} as { sim: Sim; error: string | null; pending: SimCommand | null },
    input: {} as { doc: SopDocument; role: Actor['role'] },
    events: {} as
      | { type: 'RUN'; cmd: SimCommand }
      | { type: 'SET_DOC'; doc: SopDocument }
      | { type: 'SET_ROLE'; role: Actor['role'] },
  },
  actors: {
    exec: fromPromise(({ input }: { input: { sim: Sim; cmd: SimCommand } }) =>
      execute(input.sim, input.cmd),
    ),
  },
}).createMachine({
  id: 'simulator',
  context: ({ input }) => ({
    sim: {
      doc: input.doc,
      now: SIM_START,
      role: input.role,
      record: null,
      open: [],
      why: {},
      trace: [],
      seq: 0,
      clone: null,
    },
    error: null,
    pending: null,
  }),
  initial: 'ready',
  on: {
    SET_DOC: {
      actions: assign({ sim: ({ context, event }) => ({ ...context.sim, doc: event.doc }) }),
    },
  },
  states: {
    ready: {
      on: {
        RUN: {
          target: 'running',
          actions: assign({ pending: ({ event }) => event.cmd, error: null }),
        },
        SET_ROLE: {
          target: 'running',
          actions: assign({
            sim: ({ context, event }) => ({ ...context.sim, role: event.role }),
            pending: { type: 'refresh' },
          }),
        },
      },
    },
    running: {
      invoke: {
        src: 'exec',
        input: ({ context }) => ({ sim: context.sim, cmd: context.pending ?? { type: 'start' } }),
        onDone: {
          target: 'ready',
          actions: assign({ sim: ({ event }) => event.output, pending: null }),
        },
        onError: {
          target: 'ready',
          actions: assign({
            error: ({ event }) =>
              event.error instanceof Error ? event.error.message : String(event.error),
            pending: null,
          }),
        },
      },
    },
  },
});
