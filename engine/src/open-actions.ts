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
      allowed,
      passed: result.passed,
      failures: result.failures,
      fields,
    });
  }
  return out;
}
