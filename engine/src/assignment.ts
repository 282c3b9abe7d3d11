/**
 * Who gets a record: owner rules (json-rules-engine) choose a team and a strategy; the
 * strategy picks a member from the roster the caller passes in. Deterministic: the same
 * roster and load figures always give the same person.
 */
import {
  type CompiledConditions,
  type ConditionsTrace,
  compileConditions,
  evaluate,
  type FactInput,
  traceConditions,
} from './conditions.ts';
import type { Assignment, FieldDef, OwnerPolicy } from './sop.ts';
import type { Roster, RosterMember, RosterTeam } from './types.ts';

export type Pick = {
  userId: string;
  teamId: string;
  rrCursor: number;
  strategy: Assignment['strategy'];
};

function eligible(m: RosterMember, exclude: readonly string[]): boolean {
  if (!m.active || m.away || exclude.includes(m.userId)) return false;
  return m.cap === undefined || m.openCount < m.cap;
}

/**
 * Picks a member of `assignment.team` by its strategy. Members inactive, away (on leave or
 * out of shift) or at their cap are skipped, as is anyone in `exclude`.
 * Returns null when nobody can take the record.
 */
export function pickAssignee(
  assignment: Assignment,
  roster: Roster,
  exclude: readonly string[] = [],
): Pick | null {
  const team = roster.teams.find((t) => t.id === assignment.team);
  if (!team) return null;
  const done = (m: RosterMember, rrCursor = team.rrCursor): Pick => ({
    userId: m.userId,
    teamId: team.id,
    rrCursor,
    strategy: assignment.strategy,
  });
  switch (assignment.strategy) {
    case 'named': {
      const m = team.members.find((x) => x.userId === assignment.user);
      return m && eligible(m, exclude) ? done(m) : null;
    }
    case 'round-robin':
      return roundRobin(team, exclude, done);
    case 'least-loaded': {
      let best: RosterMember | null = null;
      for (const m of team.members) {
        if (eligible(m, exclude) && (!best || m.openCount < best.openCount)) best = m;
      }
      return best ? done(best) : null;
    }
    case 'weighted':
      return weighted(team, exclude, done);
  }
}

function roundRobin(
  team: RosterTeam,
  exclude: readonly string[],
  done: (m: RosterMember, cursor: number) => Pick,
): Pick | null {
  const n = team.members.length;
  for (let i = 0; i < n; i++) {
    const idx = (team.rrCursor + i) % n;
    const m = team.members[idx];
    if (m && eligible(m, exclude)) return done(m, team.rrCursor + i + 1);
  }
  return null;
}

/**
 * Weighted: the eligible member furthest below their share gets the record, i.e. the one
 * with the smallest (assigned + 1) / weight; ties go to roster order. Over many
 * assignments each member's share converges to weight / total weight.
 */
function weighted(
  team: RosterTeam,
  exclude: readonly string[],
  done: (m: RosterMember, cursor: number) => Pick,
): Pick | null {
  let best: RosterMember | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const m of team.members) {
    const w = m.weight ?? 1;
    if (w <= 0 || !eligible(m, exclude)) continue;
    const score = ((team.assigned?.[m.userId] ?? 0) + 1) / w;
    if (score < bestScore) {
      best = m;
      bestScore = score;
    }
  }
  return best ? done(best, team.rrCursor + 1) : null;
}

/** Whether a strategy compares members' open-record counts (caps are per member, see `eligible`). */
export function readsOpenCounts(assignment: Assignment): boolean {
  return assignment.strategy === 'least-loaded';
}

export type CompiledOwnerPolicy = {
  policy: OwnerPolicy;
  /**
   * Whether one of its assignments ranks members by open-record counts (`least-loaded`), so a
   * caller holding a roster without counts must supply them before trusting a pick.
   */
  needsOpenCounts: boolean;
  rules: Array<{
    conditions: CompiledConditions;
    assign: Assignment;
    priority: number;
    order: number;
  }>;
};

export function compileOwnerPolicy(policy: OwnerPolicy): CompiledOwnerPolicy {
  const assignments = [...policy.rules.map((r) => r.assign), policy.default];
  return {
    policy,
    needsOpenCounts: assignments.some((a) => a !== undefined && readsOpenCounts(a)),
    rules: policy.rules
      .map((r, order) => ({
        conditions: compileConditions(r.conditions),
        assign: r.assign,
        priority: r.priority ?? 1,
        order,
      }))
      .sort((a, b) => b.priority - a.priority || a.order - b.order),
  };
}

/** The assignment an owner policy chooses for these facts: the first matching rule, else the default. */
export async function chooseAssignment(
  compiled: CompiledOwnerPolicy,
  facts: FactInput,
  fieldDefs: ReadonlyMap<string, FieldDef>,
): Promise<Assignment | null> {
  for (const r of compiled.rules) {
    const { passed } = await evaluate(r.conditions, facts, fieldDefs);
    if (passed) return r.assign;
  }
  return compiled.policy.default ?? null;
}

/**
 * Whether an owner policy with `keepCurrent` keeps the record's current owner: they are not
 * excluded and are an active member of the assignment's team.
 */
export function keepsCurrentOwner(
  compiled: CompiledOwnerPolicy,
  assignment: Assignment,
  roster: Roster,
  current: string | null,
  exclude: readonly string[],
): boolean {
  return (
    compiled.policy.keepCurrent === true &&
    current !== null &&
    !exclude.includes(current) &&
    roster.teams.some(
      (t) => t.id === assignment.team && t.members.some((m) => m.userId === current && m.active),
    )
  );
}

export type OwnerRuleTrace = {
  /** Index of the rule in the policy as written. */
  index: number;
  priority: number;
  assign: Assignment;
  /** Whether its conditions hold (checked even when an earlier rule already matched). */
  passed: boolean;
  /** An earlier rule (by priority, then order) matched first, so this one did not decide. */
  skipped: boolean;
  conditions: ConditionsTrace;
};

export type OwnerTrace = {
  /** The rules in the order the engine tries them: priority, then as written. */
  rules: OwnerRuleTrace[];
  /** Which rule decided: its index, `default` (no rule matched), or `none` (no default either). */
  decidedBy: number | 'default' | 'none';
  assignment: Assignment | null;
  /** `keepCurrent` is on and the current owner is an active member of the chosen team. */
  keptCurrent: boolean;
  /** Whom the strategy picked from the roster (null when kept, or when nobody can take it). */
  pick: Pick | null;
};

/**
 * Explains an owner decision: every rule's conditions with their trace, which rule matched
 * (the first by priority then order, as `chooseAssignment`), the assignment it makes, and
 * whom its strategy picks from `roster` — or that the current owner is kept.
 *
 * @example
 * const t = await traceOwnerPolicy(sop.owners.get('lead'), facts, sop.fieldDefs, roster, { currentOwnerId: null });
 * // t.decidedBy === 0, t.assignment.strategy === 'round-robin', t.pick.userId === 'sales-rep1'
 */
export async function traceOwnerPolicy(
  compiled: CompiledOwnerPolicy,
  facts: FactInput,
  fieldDefs: ReadonlyMap<string, FieldDef>,
  roster: Roster,
  opts: { currentOwnerId: string | null; exclude?: readonly string[] },
): Promise<OwnerTrace> {
  const rules: OwnerRuleTrace[] = [];
  let decidedBy: OwnerTrace['decidedBy'] = 'none';
  for (const r of compiled.rules) {
    const conditions = await traceConditions(r.conditions, facts, fieldDefs);
    const skipped = decidedBy !== 'none';
    if (!skipped && conditions.passed) decidedBy = r.order;
    rules.push({
      index: r.order,
      priority: r.priority,
      assign: r.assign,
      passed: conditions.passed,
      skipped,
      conditions,
    });
  }
  let assignment: Assignment | null = null;
  if (typeof decidedBy === 'number') {
    assignment = compiled.policy.rules[decidedBy]?.assign ?? null;
  } else if (compiled.policy.default) {
    decidedBy = 'default';
    assignment = compiled.policy.default;
  }
  if (!assignment) return { rules, decidedBy, assignment, keptCurrent: false, pick: null };
  const exclude = opts.exclude ?? [];
  const keptCurrent = keepsCurrentOwner(compiled, assignment, roster, opts.currentOwnerId, exclude);
  return {
    rules,
    decidedBy,
    assignment,
    keptCurrent,
    pick: keptCurrent ? null : pickAssignee(assignment, roster, exclude),
  };
}
