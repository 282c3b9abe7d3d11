import { type StageMeta, StageMeta as StageMetaSchema } from '@closeloop/engine';
import type { TFunction } from 'i18next';
import { loc } from '../../shared/format/words.ts';
import type { AssignmentDetail, GateFailure, Practice, Timer } from './api.ts';

export const HOUR = 3_600_000;
export type StageIndex = Map<string, { parentId: string | null; meta: StageMeta | null }>;

export function stageIndex(detail: AssignmentDetail): StageIndex {
  return new Map(
    detail.stages.map((s) => {
      const r = StageMetaSchema.safeParse(s.meta);
      return [s.id, { parentId: s.parentId, meta: r.success ? r.data : null }];
    }),
  );
}

export function titleIn(index: StageIndex, id: string | null | undefined): string {
  if (!id) return '';
  return loc(index.get(id)?.meta?.title, id.split('.').pop() ?? id);
}

/** "跟进与转化 › 首次联系": the stage with its ancestors. */
export function breadcrumb(index: StageIndex, id: string): string {
  const parts: string[] = [];
  for (let cur: string | null = id; cur; cur = index.get(cur)?.parentId ?? null)
    parts.unshift(titleIn(index, cur));
  return parts.join(' › ');
}

/** A team's name by id (a new hire knows 华东销售一部, not `sales`). */
export function timerText(index: StageIndex, timer: Pick<Timer, 'kind' | 'stage'>, t: TFunction) {
  return t(`training.timer.${timer.kind}`, { stage: titleIn(index, timer.stage) });
}

export function ancestors(index: StageIndex, id: string): string[] {
  const out: string[] = [];
  for (let cur = index.get(id)?.parentId ?? null; cur; cur = index.get(cur)?.parentId ?? null)
    out.push(cur);
  return out;
}

export function dedupe(failures: GateFailure[]): GateFailure[] {
  const seen = new Set<string>();
  return failures.filter((f) => {
    const k = loc(f.message);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function fieldsByStage(practice: Practice, index: StageIndex): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const placed = new Set<string>();
  const leaves = practice.record.currentStages;
  for (const id of leaves) {
    const keys = (index.get(id)?.meta?.fields ?? []).filter((k) => !placed.has(k));
    for (const k of keys) placed.add(k);
    out.set(id, keys);
  }
  for (const a of practice.actions) {
    const home =
      leaves.find((l) => l === a.from || l.startsWith(`${a.from}.`) || a.from === '') ?? leaves[0];
    if (!home) continue;
    const list = out.get(home) ?? [];
    for (const k of a.fields) {
      if (placed.has(k)) continue;
      placed.add(k);
      list.push(k);
    }
    out.set(home, list);
  }
  return out;
}
