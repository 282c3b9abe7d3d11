import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileOwnerPolicy, pickAssignee, traceOwnerPolicy } from './assignment.ts';
import { chinaCalendar } from './calendar.ts';
import { compile } from './compile.ts';
import type { FactInput } from './conditions.ts';
import { recordFacts } from './facts.ts';
import type { FieldDef } from './sop.ts';
import { step } from './step.ts';
import { leadSop, makeCtx, roster, T0 } from './testing/fixtures.ts';
import type { Fields, RosterTeam } from './types.ts';

function team(members: RosterTeam['members']): RosterTeam {
  return { id: 't', managerIds: ['m'], rrCursor: 0, members, assigned: {} };
}

/** Makes `n` assignments, updating the roster as the server would. */
function assignMany(
  t: RosterTeam,
  strategy: 'round-robin' | 'weighted' | 'least-loaded',
  n: number,
) {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const p = pickAssignee({ team: 't', strategy }, { teams: [t] });
    if (!p) break;
    counts[p.userId] = (counts[p.userId] ?? 0) + 1;
    t.rrCursor = p.rrCursor;
    t.assigned = { ...t.assigned, [p.userId]: (t.assigned?.[p.userId] ?? 0) + 1 };
    const m = t.members.find((x) => x.userId === p.userId);
    if (m) m.openCount++;
  }
  return counts;
}

describe('assignment strategies', () => {
  it('round-robin rotates over active members, skipping those away or at their cap', () => {
    const t = team([
      { userId: 'a', active: true, openCount: 0 },
      { userId: 'b', active: true, openCount: 0, away: true },
      { userId: 'c', active: false, openCount: 0 },
      { userId: 'd', active: true, openCount: 0, cap: 2 },
    ]);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = pickAssignee({ team: 't', strategy: 'round-robin' }, { teams: [t] });
      order.push(p?.userId ?? '-');
      if (p) {
        t.rrCursor = p.rrCursor;
        const m = t.members.find((x) => x.userId === p.userId);
        if (m) m.openCount++;
      }
    }
    expect(order).toEqual(['a', 'd', 'a', 'd', 'a', 'a']);
  });

  it('weighted shares over 1,000 assignments follow the weights, leave and caps respected', () => {
    const t = team([
      { userId: 'a', active: true, openCount: 0, weight: 3 },
      { userId: 'b', active: true, openCount: 0, weight: 1 },
      { userId: 'c', active: true, openCount: 0, weight: 1 },
      { userId: 'away', active: true, openCount: 0, weight: 5, away: true },
      { userId: 'capped', active: true, openCount: 0, weight: 5, cap: 50 },
    ]);
    const counts = assignMany(t, 'weighted', 1000);
    expect(counts.away).toBeUndefined();
    expect(counts.capped).toBe(50);
    // the remaining 950 split 3:1:1
    expect(Math.abs((counts.a ?? 0) - 570)).toBeLessThanOrEqual(3);
    expect(Math.abs((counts.b ?? 0) - 190)).toBeLessThanOrEqual(3);
    expect(Math.abs((counts.c ?? 0) - 190)).toBeLessThanOrEqual(3);
  });

  it('least-loaded picks the member with the fewest open records', () => {
    const t = team([
      { userId: 'a', active: true, openCount: 5 },
      { userId: 'b', active: true, openCount: 2 },
      { userId: 'c', active: true, openCount: 2 },
    ]);
    expect(pickAssignee({ team: 't', strategy: 'least-loaded' }, { teams: [t] })?.userId).toBe('b');
    expect(
      pickAssignee({ team: 't', strategy: 'least-loaded' }, { teams: [t] }, ['b'])?.userId,
    ).toBe('c');
  });

  it('named takes the user only when active and present', () => {
    const t = team([
      { userId: 'a', active: true, openCount: 0 },
      { userId: 'z', active: false, openCount: 0 },
    ]);
    expect(pickAssignee({ team: 't', strategy: 'named', user: 'a' }, { teams: [t] })?.userId).toBe(
      'a',
    );
    expect(pickAssignee({ team: 't', strategy: 'named', user: 'z' }, { teams: [t] })).toBeNull();
    expect(pickAssignee({ team: 'nope', strategy: 'named', user: 'a' }, { teams: [t] })).toBeNull();
  });

  it('never picks an ineligible member, whatever the roster (property)', () => {
    const member = fc.record({
      userId: fc.constantFrom('a', 'b', 'c', 'd'),
      active: fc.boolean(),
      openCount: fc.nat(5),
      cap: fc.option(fc.nat(5), { nil: undefined }),
      away: fc.boolean(),
      weight: fc.option(fc.nat(4), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(member, { selector: (m) => m.userId, maxLength: 4 }),
        fc.constantFrom('round-robin', 'least-loaded', 'weighted') as fc.Arbitrary<
          'round-robin' | 'least-loaded' | 'weighted'
        >,
        fc.nat(10),
        (members, strategy, cursor) => {
          const t = { ...team(members), rrCursor: cursor };
          const p = pickAssignee({ team: 't', strategy }, { teams: [t] });
          const eligible = members.filter(
            (m) =>
              m.active &&
              !m.away &&
              (m.cap === undefined || m.openCount < m.cap) &&
              (strategy !== 'weighted' || (m.weight ?? 1) > 0),
          );
          if (p === null) expect(eligible).toEqual([]);
          else expect(eligible.map((m) => m.userId)).toContain(p.userId);
        },
      ),
    );
  });
});

describe('traceOwnerPolicy', () => {
  const facts = (fields: Fields): FactInput => ({
    fields,
    ownerId: null,
    teamId: null,
    role: 'rep',
    activeStages: ['lead'],
    stage: 'lead',
    stageEnteredAt: T0,
    fieldsAtEntry: {},
    checklistItems: [],
    checklistDone: [],
    now: T0,
    calendar: chinaCalendar,
  });
  const defs = new Map<string, FieldDef>();
  const policy = compileOwnerPolicy({
    rules: [
      {
        conditions: { all: [{ fact: 'source', operator: 'equal', value: 'expo' }] },
        assign: { team: 'marketing', strategy: 'round-robin' },
      },
      {
        conditions: { all: [{ fact: 'budget', operator: 'greaterThan', value: 100 }] },
        assign: { team: 'sales', strategy: 'named', user: 'rep2' },
        priority: 5,
      },
    ],
    default: { team: 'sales', strategy: 'least-loaded' },
    keepCurrent: true,
  });

  it('names the rule that matched, by priority, and whom its strategy picked', async () => {
    const t = await traceOwnerPolicy(
      policy,
      facts({ source: 'expo', budget: 500 }),
      defs,
      roster(),
      {
        currentOwnerId: null,
      },
    );
    expect(t.rules.map((r) => [r.index, r.passed, r.skipped])).toEqual([
      [1, true, false],
      [0, true, true],
    ]);
    expect(t.decidedBy).toBe(1);
    expect(t.assignment).toEqual({ team: 'sales', strategy: 'named', user: 'rep2' });
    expect(t.pick).toMatchObject({ userId: 'rep2', strategy: 'named' });
    const leaf = t.rules[0]?.conditions.root;
    expect(leaf?.kind === 'all' && leaf.children[0]).toMatchObject({ actual: 500, expected: 100 });
  });

  it('falls back to the default, and keeps a current owner who is in the team', async () => {
    const d = await traceOwnerPolicy(policy, facts({ source: 'web' }), defs, roster(), {
      currentOwnerId: null,
    });
    expect(d.decidedBy).toBe('default');
    expect(d.pick?.userId).toBe('rep2'); // least-loaded: rep2 holds 1, rep1 holds 3
    const kept = await traceOwnerPolicy(policy, facts({ source: 'web' }), defs, roster(), {
      currentOwnerId: 'rep1',
    });
    expect(kept).toMatchObject({ keptCurrent: true, pick: null });
  });

  it('agrees with the owner step() assigns on entering a stage', async () => {
    const sop = compile(leadSop());
    for (const source of ['web', 'expo']) {
      const { ctx } = makeCtx();
      const r = await step(
        sop,
        null,
        { type: 'create', recordId: 'r1', fields: { source } },
        ctx(),
      );
      if (!r.ok) throw new Error(r.rejection.message.en);
      const owners = sop.owners.get('lead');
      if (!owners) throw new Error('the fixture has an owner policy on lead');
      const t = await traceOwnerPolicy(
        owners,
        recordFacts(sop, { ...r.record, ownerId: null, teamId: null }, 'lead', ctx()),
        sop.fieldDefs,
        roster(),
        { currentOwnerId: null },
      );
      expect(t.pick?.userId).toBe(r.record.ownerId);
      expect(t.decidedBy).toBe(source === 'expo' ? 0 : 'default');
    }
  });
});

describe('needsOpenCounts', () => {
  it('is set when an owner policy or an escalation can assign least-loaded', () => {
    const rr = { team: 'sales', strategy: 'round-robin' as const };
    const ll = { team: 'sales', strategy: 'least-loaded' as const };
    expect(compileOwnerPolicy({ rules: [], default: rr }).needsOpenCounts).toBe(false);
    expect(compileOwnerPolicy({ rules: [], default: ll }).needsOpenCounts).toBe(true);
    expect(
      compileOwnerPolicy({
        rules: [{ conditions: { all: [] }, assign: ll }],
        default: rr,
      }).needsOpenCounts,
    ).toBe(true);
    // the lead SOP's qualifying stage assigns least-loaded by default
    expect(compile(leadSop()).needsOpenCounts).toBe(true);
  });
});
