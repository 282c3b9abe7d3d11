/**
 * Property tests over random command sequences on the fixture SOP:
 * replay rebuilds state; no record passes a failing gate; every timer ends exactly once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { evolve, replay } from './evolve.ts';
import { openActions } from './open-actions.ts';
import { step } from './step.ts';
import { leadSop, makeCtx } from './testing/fixtures.ts';
import type { Command, EngineEvent, RecordState } from './types.ts';

const sop = compile(leadSop());
const actions = [...new Set([...sop.transitionByKey.values()].map((t) => t.event))];

const fieldPool = fc.record(
  {
    phone: fc.constantFrom('13800138000', '02112345678'),
    company: fc.constantFrom('ACME', 'Initech', ''),
    budget: fc.constantFrom(0, 5000),
    nextFollowUpAt: fc.constantFrom('2026-11-03T10:00:00+08:00', '2026-12-30T10:00:00+08:00'),
    contractNo: fc.constantFrom('HT-1', ''),
  },
  { requiredKeys: [] },
);

/** Values that satisfy every gate of the fixture (early on): lets random runs go deep. */
const goodFields = {
  phone: '13800138000',
  company: 'ACME',
  budget: 5000,
  nextFollowUpAt: '2026-11-03T10:00:00+08:00',
  contractNo: 'HT-1',
};

type Op =
  | Command
  | { type: 'advance'; ms: number }
  /** Perform one of the actions open now (the pick-th, modulo): steers runs deep into the SOP. */
  | { type: 'performOpen'; pick: number; fields?: typeof goodFields };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('perform' as const),
      action: fc.constantFrom(...actions),
      fields: fc.oneof(
        { weight: 3, arbitrary: fc.constant(goodFields) },
        { weight: 1, arbitrary: fieldPool },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('performOpen' as const),
      pick: fc.nat(10),
      fields: fc.option(fc.constant(goodFields), { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('perform' as const),
      action: fc.constant('CALLED'),
      checklist: fc.constant<Record<string, string[]>>({ 'followUp.call': ['intro', 'needs'] }),
    }),
  },
  fc.record({ type: fc.constant('edit' as const), fields: fieldPool }),
  fc.record({
    type: fc.constant('advance' as const),
    ms: fc.integer({ min: 60_000, max: 6 * 3_600_000 }),
  }),
  fc.record({ type: fc.constant('close' as const), reason: fc.constantFrom('价格', '') }),
  fc.constant({ type: 'reopen' as const }),
  fc.record({
    type: fc.constant('reassign' as const),
    toUserId: fc.constantFrom('rep1', 'rep2', undefined),
  }),
);

/** Every stage any run reached: the properties only mean something if runs go deep. */
const reached = new Set<string>();

type Run = { record: RecordState; events: EngineEvent[]; violations: string[] };

/** Runs ops; `advance` fires due timers in order. Checks the gate property on every accepted perform. */
async function runOps(ops: Op[]): Promise<Run> {
  const { ctx, state } = makeCtx();
  const first = await step(sop, null, { type: 'create', recordId: 'p1' }, ctx());
  if (!first.ok) throw new Error('create failed');
  let record = first.record;
  const events = [...first.events];
  const violations: string[] = [];
  for (const raw of ops) {
    let o: Exclude<Op, { type: 'performOpen' }>;
    if (raw.type === 'performOpen') {
      const open = (await openActions(sop, record, ctx('manager'))).filter(
        (a) => a.action !== 'CALLED',
      );
      const a = open[raw.pick % Math.max(1, open.length)];
      if (!a) continue;
      o = { type: 'perform', action: a.action, fields: raw.fields };
    } else o = raw;
    if (o.type === 'advance') {
      const until = state.now + o.ms;
      for (;;) {
        const due = [...record.timers].sort((a, b) => a.dueAt - b.dueAt)[0];
        if (!due || due.dueAt > until) break;
        state.now = Math.max(state.now, due.dueAt);
        const r = await step(
          sop,
          record,
          { type: 'timer', timerId: due.id },
          ctx('admin', 'system'),
        );
        if (!r.ok) throw new Error(`due timer rejected: ${r.rejection.code}`);
        record = r.record;
        events.push(...r.events);
      }
      state.now = until;
      continue;
    }
    const role = o.type === 'perform' && o.action === 'LOSE' ? 'manager' : 'rep';
    const r = await step(sop, record, o, ctx(role));
    if (!r.ok) continue;
    if (o.type === 'perform') {
      // the gate must pass on the record as it stood with the command's edits applied
      let pre = record;
      for (const e of r.events) {
        if (e.type === 'action.performed') break;
        pre = evolve(pre, e);
      }
      const open = await openActions(sop, pre, ctx(role));
      const verdict = open.find((a) => a.action === o.action);
      if (!verdict?.passed)
        violations.push(
          `${o.action} accepted from ${JSON.stringify(pre.value)} with a failing gate`,
        );
    }
    record = r.record;
    events.push(...r.events);
    for (const s of Object.keys(record.stages)) reached.add(s);
    reached.add(record.status);
  }
  return { record, events, violations };
}

describe('engine properties', () => {
  it('replaying the events rebuilds the record', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        const { record, events } = await runOps(ops);
        expect(replay(events)).toEqual(record);
      }),
      { numRuns: 150 },
    );
  });

  it('no record leaves a stage whose gate fails', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        const { violations } = await runOps(ops);
        expect(violations).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('each scheduled timer is cancelled or fired exactly once, or still pending', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        const { record, events } = await runOps(ops);
        const ends = new Map<string, number>();
        const scheduled = new Set<string>();
        for (const e of events) {
          const id =
            e.type === 'timer.scheduled'
              ? e.data.timer.id
              : e.type === 'timer.cancelled' || e.type === 'timer.fired'
                ? e.data.timerId
                : '';
          if (e.type === 'timer.scheduled') {
            expect(scheduled.has(id)).toBe(false);
            scheduled.add(id);
          }
          if (e.type === 'timer.cancelled' || e.type === 'timer.fired')
            ends.set(id, (ends.get(id) ?? 0) + 1);
        }
        const pending = new Set(record.timers.map((t) => t.id));
        for (const id of scheduled) expect((ends.get(id) ?? 0) + (pending.has(id) ? 1 : 0)).toBe(1);
        for (const id of ends.keys()) expect(scheduled.has(id)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('random runs go deep: every kind of stage is reached (fixed seed)', async () => {
    reached.clear();
    for (const ops of fc.sample(fc.array(op, { minLength: 10, maxLength: 40 }), {
      numRuns: 300,
      seed: 20261127,
    })) {
      await runOps(ops);
    }
    expect([...reached]).toEqual(
      expect.arrayContaining([
        'followUp.proposal',
        'contract.legal.approved',
        'contract.finance.check',
        'won',
        'lost',
      ]),
    );
  });
});
