import {
  chinaCalendar,
  compile,
  parseSop,
  type Roster,
  type SopDocument,
  type StepContext,
  step,
} from '@closeloop/engine';
import { describe, expect, it } from 'vitest';
import { traceGates, traceOwners } from './explain.ts';

const t = (s: string) => ({ 'zh-CN': s, en: s });
const T0 = Date.parse('2026-11-02T09:00:00+08:00');

function doc(rungAssign?: unknown): SopDocument {
  const r = parseSop({
    id: 'explain-test',
    version: 1,
    name: t('explain'),
    fields: [{ key: 'budget', type: 'money', label: t('Budget') }],
    machine: {
      id: 'explain-test',
      initial: 'lead',
      states: {
        lead: {
          meta: {
            stage: {
              title: t('Lead'),
              owner: {
                rules: [
                  {
                    conditions: { all: [{ fact: 'budget', operator: 'greaterThan', value: 100 }] },
                    assign: { team: 'sales', strategy: 'named', user: 'rep2' },
                  },
                ],
                default: { team: 'sales', strategy: 'round-robin' },
              },
              sla: {
                duration: 'PT30M',
                escalations: [
                  {
                    after: 'PT10M',
                    kind: 'reassign',
                    ...(rungAssign ? { assign: rungAssign } : {}),
                  },
                ],
              },
            },
          },
          on: {
            QUALIFY: {
              target: 'won',
              meta: {
                label: t('Qualify'),
                gate: { all: [{ fact: 'budget', operator: 'greaterThan', value: 0 }] },
              },
            },
          },
        },
        won: { type: 'final', meta: { stage: { title: t('Won'), outcome: 'won' } } },
      },
    },
  });
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message.en}`).join('\n'));
  return r.doc;
}

const roster: Roster = {
  teams: [
    {
      id: 'sales',
      managerIds: ['boss'],
      rrCursor: 0,
      members: ['rep1', 'rep2', 'rep3'].map((userId) => ({ userId, active: true, openCount: 0 })),
    },
  ],
};

function ctx(now = T0): StepContext {
  let seq = 0;
  return {
    now,
    actor: { id: 'boss', role: 'manager' },
    newId: () => `e${++seq}`,
    roster,
    calendar: chinaCalendar,
  };
}

describe('simulator explanations', () => {
  it('traces the gate an action checks, with pending fields applied', async () => {
    const sop = compile(doc());
    const made = await step(sop, null, { type: 'create', recordId: 'r', fields: {} }, ctx());
    if (!made.ok) throw new Error(made.rejection.message.en);
    const [blocked] = await traceGates(sop, made.record, 'QUALIFY', ctx());
    expect(blocked?.trace?.passed).toBe(false);
    const root = blocked?.trace?.root;
    expect(root?.kind === 'all' && root.children[0]).toMatchObject({
      fact: 'budget',
      actual: null,
      expected: 0,
      passed: false,
    });
    const [open] = await traceGates(sop, made.record, 'QUALIFY', ctx(), { fields: { budget: 5 } });
    expect(open?.trace?.passed).toBe(true);
    // the engine agrees
    const r = await step(
      sop,
      made.record,
      { type: 'perform', action: 'QUALIFY', fields: { budget: 5 } },
      ctx(),
    );
    expect(r.ok).toBe(true);
  });

  it('explains the owner rule that assigned a new record', async () => {
    const sop = compile(doc());
    const made = await step(
      sop,
      null,
      { type: 'create', recordId: 'r', fields: { budget: 500 } },
      ctx(),
    );
    if (!made.ok) throw new Error(made.rejection.message.en);
    const [d] = await traceOwners(sop, null, made.record, made.events, ctx());
    expect(d).toMatchObject({
      stage: 'lead',
      cause: 'stage-entered',
      trace: { decidedBy: 0, pick: { userId: 'rep2', strategy: 'named' } },
      assigned: { userId: 'rep2', strategy: 'named' },
    });
  });

  it.each([
    ['by the stage rules', undefined, 'default', 'rep2'],
    ['by the rung', { team: 'sales', strategy: 'least-loaded' }, 'none', 'rep2'],
  ])('explains a reassign rung %s, never back to the owner', async (_n, assign, by, to) => {
    const sop = compile(doc(assign));
    const made = await step(sop, null, { type: 'create', recordId: 'r', fields: {} }, ctx());
    if (!made.ok) throw new Error(made.rejection.message.en);
    expect(made.record.ownerId).toBe('rep1');
    const timer = made.record.timers.find((x) => x.kind === 'reassign');
    if (!timer) throw new Error('expected the reassign rung');
    const fired = await step(
      sop,
      made.record,
      { type: 'timer', timerId: timer.id },
      ctx(timer.dueAt),
    );
    if (!fired.ok) throw new Error(fired.rejection.message.en);
    const [d] = await traceOwners(sop, made.record, fired.record, fired.events, ctx(timer.dueAt));
    expect(d).toMatchObject({ cause: 'escalation', trace: { decidedBy: by } });
    expect(d?.trace.pick?.userId).toBe(to);
    expect(d?.assigned?.userId).toBe(fired.record.ownerId);
    expect(fired.record.ownerId).toBe(to);
  });
});
