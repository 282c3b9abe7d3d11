/** What the practice page shows of a run: the record, the actions open now, the log. */
import type { LocalizedText, StageInfo, TimerSpec } from '@closeloop/engine';
import { type RecordView, recordView } from '../commands/record-view.ts';
import type { Ctx } from '../core/context.ts';
import type { LoadedSop } from '../sops/sop-cache.ts';
import { trainingPaths } from './paths.ts';
import { type LogEntry, type PracticeAction, practiceActions, type Trainee } from './practice.ts';
import type { AssignmentRow, SessionRow } from './store.ts';

/** The log entries a view carries: the newest, enough for a long run. */
const LOG_IN_VIEW = 200;

export type PracticeView = {
  id: string;
  assignmentId: string;
  status: SessionRow['status'];
  version: number;
  simStart: number;
  simNow: number;
  record: RecordView;
  actions: PracticeAction[];
  nextTimer: TimerSpec | null;
  log: LogEntry[];
  walkedPath: string | null;
};

export type PathView = {
  key: string;
  steps: Array<{ action: string; label: LocalizedText; to: string[] }>;
  final: string;
  finalTitle: LocalizedText;
  walked: boolean;
};

export function traineeOf(ctx: Ctx): Trainee {
  return { id: ctx.user.id, role: ctx.user.role };
}

export async function practiceView(
  ctx: Ctx,
  sop: LoadedSop,
  session: SessionRow,
): Promise<PracticeView> {
  const env = { sop, trainee: { id: session.userId, role: ctx.user.role }, calendar: ctx.calendar };
  const next = [...session.record.timers].sort((a, b) => a.dueAt - b.dueAt)[0] ?? null;
  return {
    id: session.id,
    assignmentId: session.assignmentId,
    status: session.status,
    version: session.version,
    simStart: session.simStart,
    simNow: session.simNow,
    record: recordView(session.record, session.simNow),
    actions: await practiceActions(env, session),
    nextTimer: session.status === 'active' ? next : null,
    log: session.log.slice(-LOG_IN_VIEW),
    walkedPath: session.walkedPath,
  };
}

function labelOf(sop: LoadedSop, action: string): LocalizedText {
  for (const t of sop.compiled.transitionByKey.values()) {
    if (t.event === action && t.meta?.label) return t.meta.label;
  }
  return { 'zh-CN': action, en: action };
}

export function pathViews(sop: LoadedSop, a: AssignmentRow): PathView[] {
  const walked = new Set(a.walkedPaths);
  return trainingPaths(sop.doc).map((p) => ({
    key: p.key,
    steps: p.steps.map((s) => ({ action: s.action, label: labelOf(sop, s.action), to: s.to })),
    final: p.final,
    finalTitle: sop.compiled.stageById.get(p.final)?.meta?.title ?? {
      'zh-CN': p.final,
      en: p.final,
    },
    walked: walked.has(p.key),
  }));
}

export type StageView = Omit<StageInfo, 'children'> & { children: string[] };

export function stageViews(sop: LoadedSop): StageView[] {
  return sop.compiled.stages.map((s) => ({ ...s, children: [...s.children] }));
}
