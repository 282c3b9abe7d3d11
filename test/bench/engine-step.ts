/**
 * Benchmark: step() on a 12-stage SOP with gates and assignment, against XState's bare
 * transition() on the same machine and events, in the same run. Reports medians and the
 * ratio (goal: step at most 2x the public transition()). A second baseline, the machine's own
 * `transition` on a kept actor scope, is what step() calls inside, so the second ratio is the
 * engine's own overhead. Writes bench-results/engine-step.json. Nothing is asserted.
 */
import { initialTransition, transition } from 'xstate';
import {
  chinaCalendar,
  compile,
  machineStart,
  machineTransition,
  parseSop,
  type SopDocument,
  type StepContext,
  step,
} from '../../engine/src/index.ts';
import { machineLine, writeResults } from './_results.ts';

const t = (s: string) => ({ 'zh-CN': s, en: s });
const N = 12;

function twelveStageSop(): SopDocument {
  const states: Record<string, unknown> = {};
  for (let i = 1; i <= N; i++) {
    const last = i === N;
    states[`s${i}`] = last
      ? { type: 'final', meta: { stage: { title: t(`Stage ${i}`), outcome: 'won' } } }
      : {
          meta: {
            stage: {
              title: t(`Stage ${i}`),
              owner: {
                rules: [
                  {
                    conditions: { all: [{ fact: 'region', operator: 'equal', value: 'north' }] },
                    assign: { team: 'north', strategy: 'round-robin' },
                  },
                ],
                default: { team: 'sales', strategy: 'least-loaded' },
              },
              sla: {
                duration: 'PT4H',
                clock: 'working',
                escalations: [
                  { after: 'PT2H', kind: 'remind-owner' },
                  { after: 'PT4H', kind: 'notify-manager' },
                ],
              },
            },
          },
          on: {
            NEXT: {
              target: `s${i + 1}`,
              meta: {
                gate: {
                  all: [
                    { fact: 'phone', operator: 'isNotEmpty', value: true },
                    { fact: 'budget', operator: 'greaterThan', value: 1000 },
                    { fact: 'company', operator: 'matchesPattern', value: '^[A-Z]' },
                  ],
                },
              },
            },
            DROP: { target: `s${N}` },
          },
        };
  }
  const r = parseSop({
    id: 'bench-12',
    version: 1,
    name: t('Bench'),
    fields: [
      { key: 'phone', type: 'phone', label: t('Phone') },
      { key: 'budget', type: 'money', label: t('Budget') },
      { key: 'company', type: 'text', label: t('Company') },
      { key: 'region', type: 'text', label: t('Region') },
    ],
    machine: { id: 'bench', initial: 's1', states },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.doc;
}

const sop = compile(twelveStageSop());
let seq = 0;
const ctx: StepContext = {
  now: Date.parse('2026-11-02T09:00:00+08:00'),
  actor: { id: 'rep1', role: 'rep' },
  newId: () => `e${++seq}`,
  calendar: chinaCalendar,
  roster: {
    teams: ['sales', 'north'].map((id) => ({
      id,
      managerIds: ['boss'],
      rrCursor: 0,
      members: [1, 2, 3].map((n) => ({ userId: `${id}${n}`, active: true, openCount: n })),
    })),
  },
};
const fields = { phone: '13800138000', budget: 5000, company: 'ACME', region: 'south' };

async function stepWalk(): Promise<void> {
  const c = await step(sop, null, { type: 'create', recordId: 'r', fields }, ctx);
  if (!c.ok) throw new Error('create rejected');
  let r = c.record;
  for (let i = 1; i < N; i++) {
    const x = await step(sop, r, { type: 'perform', action: 'NEXT' }, ctx);
    if (!x.ok) throw new Error(x.rejection.code);
    r = x.record;
  }
}

function bareWalk(): void {
  let [s] = initialTransition(sop.machine);
  for (let i = 1; i < N; i++)
    [s] = transition(sop.machine, s, { type: 'NEXT', allGates: true } as never);
  if (s.status !== 'done') throw new Error('bare walk did not finish');
}

function keptScopeWalk(): void {
  let s = machineStart(sop.machine);
  for (let i = 1; i < N; i++)
    s = machineTransition(sop.machine, s, { type: 'NEXT', allGates: true });
  if (s.status !== 'done') throw new Error('kept-scope walk did not finish');
}

/** µs per transition of one round of `perRound` walks. */
async function round(fn: () => unknown, perRound: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < perRound; i++) await fn();
  return ((performance.now() - t0) * 1000) / perRound / (N - 1);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

console.log(
  'engine: step() vs XState transition() — 12-stage SOP, 3-condition gate, owner rules, SLA ladder',
);
console.log(`  ${machineLine()}`);
for (let w = 0; w < 100; w++) {
  bareWalk();
  keptScopeWalk();
  await stepWalk();
}
// rounds alternate so machine noise falls on all sides alike; ratios are taken per round
const bare: number[] = [];
const kept: number[] = [];
const full: number[] = [];
const ratios: number[] = [];
const overhead: number[] = [];
for (let r = 0; r < 21; r++) {
  const b = await round(bareWalk, 200);
  const k = await round(keptScopeWalk, 200);
  const f = await round(stepWalk, 200);
  bare.push(b);
  kept.push(k);
  full.push(f);
  ratios.push(f / b);
  overhead.push(f / k);
}
const range = (xs: number[]) =>
  `median ${median(xs).toFixed(2)}x over ${xs.length} rounds (min ${Math.min(...xs).toFixed(2)}x, max ${Math.max(...xs).toFixed(2)}x)`;
console.log(
  `  XState transition() (baseline)      median ${median(bare).toFixed(1)} µs/transition`,
);
console.log(
  `  machine.transition, kept scope      median ${median(kept).toFixed(1)} µs/transition`,
);
console.log(
  `  Closeloop step()                    median ${median(full).toFixed(1)} µs/transition`,
);
console.log(`  step / transition():                ${range(ratios)}; goal ≤ 2x`);
console.log(`  step / kept-scope transition:       ${range(overhead)}`);
const file = writeResults('engine-step', {
  unit: 'µs per transition',
  medians: { transition: median(bare), keptScopeTransition: median(kept), step: median(full) },
  ratios: {
    step_vs_transition: median(ratios),
    step_vs_kept_scope_transition: median(overhead),
  },
  rounds: ratios.length,
});
console.log(`  wrote ${file}`);
