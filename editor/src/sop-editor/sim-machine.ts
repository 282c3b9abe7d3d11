/**
 * The simulator as an XState machine: one in-memory record driven through the engine's
 * `step()` with a simulated clock. Every command runs as an invoked promise, so commands
 * sent while one is running are ignored rather than interleaved.
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
  SIM_START,
  type SopDocument,
  type SopPath,
  type StepContext,
  simRoster,
  step,
} from '@closeloop/engine';
import { assign, fromPromise, setup } from 'xstate';

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
};

export type Sim = {
  doc: SopDocument;
  now: number;
  role: Actor['role'];
  record: RecordState | null;
  open: OpenAction[];
  trace: TraceEntry[];
  seq: number;
};

export type SimCommand =
  | { type: 'start' }
  | { type: 'perform'; action: string; fields?: Fields; checklist?: Record<string, string[]> }
  | { type: 'edit'; fields?: Fields; checklist?: Record<string, string[]> }
  | { type: 'next-timer' }
  | { type: 'advance'; ms: number }
  | { type: 'replay'; path: SopPath }
  /** Recomputes the open actions (after the role changes). */
  | { type: 'refresh' };

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
    roster: simRoster(sim.doc),
    calendar: chinaCalendar,
  };
}

async function run(sop: CompiledSop, sim: Sim, cmd: Command, what: string, role?: Actor['role']) {
  const r = await step(sop, sim.record, cmd, context(sim, role));
  if (r.ok) {
    sim.record = r.record;
    sim.trace.push({ at: sim.now, what, ok: true, events: r.events, effects: r.effects });
  } else {
    sim.trace.push({
      at: sim.now,
      what,
      ok: false,
      events: [],
      effects: [],
      rejection: r.rejection,
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
      await run(
        sop,
        sim,
        { type: 'create', recordId: 'sim-record', ownerId: 'sim-user' },
        'create',
      );
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
  sim.open = sim.record
    ? await openActions(sop, sim.record, {
        now: sim.now,
        actor: { id: 'sim-user', role: sim.role },
        calendar: chinaCalendar,
      })
    : [];
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
      trace: [],
      seq: 0,
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
