/**
 * The simulator's explanations, computed by the engine: the trace of each gate an action
 * checks (every condition with its expected and actual value) and of each owner rule that
 * decides who gets a stage. This module only picks which gate or policy to trace and with
 * which facts — the same choice `step()` makes; the evaluation is the engine's
 * (`traceConditions`, `traceOwnerPolicy`).
 */
import {
  type Assignment,
  activeStages,
  type CompiledSop,
  type ConditionsTrace,
  candidateTransitions,
  checkFields,
  type EngineEvent,
  type Fields,
  type LocalizedText,
  type OwnerTrace,
  pickAssignee,
  type RecordState,
  type Roster,
  recordFacts,
  type StepContext,
  traceConditions,
  traceOwnerPolicy,
} from '@closeloop/engine';

export type GateTrace = {
  action: string;
  label: LocalizedText;
  /** The stage the transition leaves (`''` for a machine-level action). */
  from: string;
  target: string | null;
  /** Whether the actor's role may take this transition. */
  allowed: boolean;
  trace: ConditionsTrace | null;
};

export type OwnerDecision = {
  stage: string;
  /** Entering a stage runs its owner rules; a `reassign` escalation rung runs them again. */
  cause: 'stage-entered' | 'escalation';
  /** The rung's own assignment, when the escalation names one instead of the rules. */
  rungAssign?: Assignment;
  /** The owner before the step (whom `keepCurrent` keeps). */
  currentOwnerId: string | null;
  trace: OwnerTrace;
  /** What the engine did: the `record.assigned` event of that step, if any. */
  assigned: { userId: string | null; strategy: string } | null;
};

type Ctx = Pick<StepContext, 'now' | 'actor' | 'calendar'>;

/**
 * Traces the gates of `action` on `record` with the pending field and checklist edits
 * applied, as `step()` evaluates them: every candidate transition of that name from the
 * active stages, deepest first.
 */
export async function traceGates(
  sop: CompiledSop,
  record: RecordState,
  action: string,
  ctx: Ctx,
  pending: { fields?: Fields; checklist?: Record<string, string[]> } = {},
): Promise<GateTrace[]> {
  const checked = pending.fields ? checkFields(sop.fieldDefs, pending.fields) : null;
  const fields = { ...record.fields, ...(checked?.ok ? checked.fields : (pending.fields ?? {})) };
  const checklist = { ...record.checklist, ...pending.checklist };
  const out: GateTrace[] = [];
  for (const t of candidateTransitions(sop, activeStages(record.value), action)) {
    const roles = t.meta?.roles;
    out.push({
      action,
      label: t.meta?.label ?? { 'zh-CN': action, en: action },
      from: t.source,
      target: t.targets[0] ?? null,
      allowed: ctx.actor.system === true || !roles?.length || roles.includes(ctx.actor.role),
      trace: t.gate
        ? await traceConditions(
            t.gate,
            recordFacts(sop, record, t.source || null, ctx, { fields, checklist }),
            sop.fieldDefs,
          )
        : null,
    });
  }
  return out;
}

/** Gate traces for every action open on the record now (for "why is it blocked?"). */
export async function traceOpenGates(
  sop: CompiledSop,
  record: RecordState,
  actions: readonly string[],
  ctx: Ctx,
): Promise<Record<string, GateTrace[]>> {
  const out: Record<string, GateTrace[]> = {};
  for (const a of actions) out[a] = await traceGates(sop, record, a, ctx);
  return out;
}

/**
 * Explains the owner rules of the stages a step entered. `before` is the record as the
 * step found it, `after` as it left it: the rules see the new fields and stages with the
 * old owner, as in `step()`.
 */
export async function traceOwners(
  sop: CompiledSop,
  before: RecordState | null,
  after: RecordState,
  events: readonly EngineEvent[],
  ctx: Ctx & { roster: Roster },
): Promise<OwnerDecision[]> {
  const out: OwnerDecision[] = [];
  const found = events.find((e) => e.type === 'record.assigned');
  const assigned = found
    ? {
        userId: found.data.userId,
        strategy: found.data.strategy,
      }
    : null;
  for (const e of events) {
    if (e.type === 'escalation.reassigned' && before) {
      const d = await traceReassign(sop, before, events, e.data.stage, ctx);
      if (d) out.push({ ...d, assigned });
      continue;
    }
    if (e.type !== 'stage.entered') continue;
    const policy = sop.owners.get(e.data.stage);
    if (!policy) continue;
    const ownerId = before?.ownerId ?? null;
    const facts = recordFacts(
      sop,
      { ...after, ownerId, teamId: before?.teamId ?? null },
      e.data.stage,
      ctx,
    );
    out.push({
      stage: e.data.stage,
      cause: 'stage-entered',
      currentOwnerId: ownerId,
      trace: await traceOwnerPolicy(policy, facts, sop.fieldDefs, ctx.roster, {
        currentOwnerId: ownerId,
      }),
      assigned,
    });
  }
  return out;
}

/**
 * A `reassign` rung, as `step()` handles it: the rung's own assignment if it names one,
 * else the owner rules of the deepest active stage that has them — never the current owner.
 */
async function traceReassign(
  sop: CompiledSop,
  before: RecordState,
  events: readonly EngineEvent[],
  stage: string,
  ctx: Ctx & { roster: Roster },
): Promise<Omit<OwnerDecision, 'assigned'> | null> {
  const fired = events.find((x) => x.type === 'timer.fired');
  const index = fired?.data.rung ?? -1;
  const rung = sop.stageById.get(stage)?.meta?.sla?.escalations?.[index];
  const current = before.ownerId;
  const exclude = current ? [current] : [];
  const base = { stage, cause: 'escalation' as const, currentOwnerId: current };
  if (rung?.assign) {
    return {
      ...base,
      rungAssign: rung.assign,
      trace: {
        rules: [],
        decidedBy: 'none',
        assignment: rung.assign,
        keptCurrent: false,
        pick: pickAssignee(rung.assign, ctx.roster, exclude),
      },
    };
  }
  const deepest = activeStages(before.value)
    .sort((a, b) => b.split('.').length - a.split('.').length)
    .find((id) => sop.owners.has(id));
  const policy = deepest ? sop.owners.get(deepest) : undefined;
  if (!deepest || !policy) return null;
  return {
    ...base,
    stage: deepest,
    trace: await traceOwnerPolicy(
      policy,
      recordFacts(sop, before, deepest, ctx),
      sop.fieldDefs,
      ctx.roster,
      { currentOwnerId: current, exclude },
    ),
  };
}
