/** The facts a gate or owner rule sees for a record, from the point of view of one stage. */
import { activeStages, type CompiledSop } from './compile.ts';
import type { FactInput } from './conditions.ts';
import { own } from './own.ts';
import type { Fields, RecordState, StepContext } from './types.ts';

export function recordFacts(
  sop: CompiledSop,
  record: RecordState,
  stage: string | null,
  ctx: Pick<StepContext, 'now' | 'actor' | 'calendar'>,
  pending: { fields?: Fields; checklist?: Record<string, string[]> } = {},
): FactInput {
  const info = stage ? sop.stageById.get(stage) : undefined;
  const st = stage ? own(record.stages, stage) : undefined;
  return {
    fields: pending.fields ?? record.fields,
    ownerId: record.ownerId,
    teamId: record.teamId,
    role: ctx.actor.role,
    activeStages: activeStages(record.value),
    stage,
    stageEnteredAt: st?.enteredAt ?? null,
    fieldsAtEntry: st?.fieldsAtEntry ?? {},
    checklistItems: info?.meta?.checklist?.map((c) => c.id) ?? [],
    checklistDone:
      (stage &&
        ((pending.checklist && own(pending.checklist, stage)) ?? own(record.checklist, stage))) ||
      [],
    now: ctx.now,
    calendar: ctx.calendar,
  };
}
