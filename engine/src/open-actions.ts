/**
 * What a person may do with a record now: each open action with its gate's verdict and
 * the fields it still needs, for "Next actions" and the record page.
 */
import { activeStages, type CompiledSop, candidateTransitions } from './compile.ts';
import { evaluate } from './conditions.ts';
import { recordFacts } from './facts.ts';
import type { LocalizedText } from './sop.ts';
import type { GateFailure, RecordState, StepContext } from './types.ts';

export type OpenAction = {
  action: string;
  label: LocalizedText;
  from: string;
  target: string | null;
  /**
   * The outcome the action closes the record with, when its target is a final stage (`lost`
   * marks a losing exit: 丢单, 无法承接); null when the record stays open.
   */
  outcome: 'won' | 'lost' | 'done' | null;
  /** Whether the actor's role may take it. */
  allowed: boolean;
  /** Whether its gate passes with the record as it is. */
  passed: boolean;
  failures: GateFailure[];
  /** Fields the action asks for: its own plus those its failing conditions name. */
  fields: string[];
};

export async function openActions(
  sop: CompiledSop,
  record: RecordState,
  ctx: Pick<StepContext, 'now' | 'actor' | 'calendar'>,
): Promise<OpenAction[]> {
  if (record.status !== 'open') return [];
  const active = activeStages(record.value);
  const seen = new Set<string>();
  const out: OpenAction[] = [];
  for (const t of candidateTransitions(sop, active)) {
    if (seen.has(t.event)) continue;
    seen.add(t.event);
    const roles = t.meta?.roles;
    const allowed = ctx.actor.system === true || !roles?.length || roles.includes(ctx.actor.role);
    const result = t.gate
      ? await evaluate(t.gate, recordFacts(sop, record, t.source || null, ctx), sop.fieldDefs)
      : { passed: true, failures: [] };
    const fields = [
      ...new Set([...(t.meta?.fields ?? []), ...result.failures.flatMap((f) => f.fields)]),
    ];
    out.push({
      action: t.event,
      label: t.meta?.label ?? { 'zh-CN': t.event, en: t.event },
      from: t.source,
      target: t.targets[0] ?? null,
      outcome: outcomeOf(sop, t.targets[0]),
      allowed,
      passed: result.passed,
      failures: result.failures,
      fields,
    });
  }
  return out;
}

function outcomeOf(sop: CompiledSop, target: string | undefined): OpenAction['outcome'] {
  const stage = target ? sop.stageById.get(target) : undefined;
  if (!stage || stage.type !== 'final') return null;
  return stage.outcome ?? 'done';
}
