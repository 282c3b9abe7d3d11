/**
 * Training rows and what the API shows of them: an assignment with its progress, a practice
 * session. Progress is counted against the paths of the assigned SOP version.
 */
import type { LocalizedText, RecordState } from '@closeloop/engine';
import type { Row } from '../../db/client.ts';
import type { Ctx } from '../core/context.ts';
import { Forbidden, NotFound } from '../core/errors.ts';
import type { LoadedSop } from '../sops/sop-cache.ts';
import { toMs } from '../sops/sop-common.ts';
import { trainingPaths } from './paths.ts';
import type { LogEntry, PracticeState } from './practice.ts';
import { PASS_MARK, QUIZ_LENGTH } from './quiz.ts';

/** Roles that assign training and follow everyone's progress. */
export const TRAINERS = ['admin', 'manager', 'trainer'] as const;

export type AssignmentRow = {
  id: string;
  sopId: string;
  sopVersion: number;
  userId: string;
  assignedBy: string;
  dueAt: number | null;
  walkedPaths: string[];
  quizAttempts: number;
  quizBestScore: number | null;
  quizPassedAt: number | null;
  completedAt: number | null;
  createdAt: number;
};

export type Progress = {
  pathsWalked: number;
  pathsTotal: number;
  /** Keys of the walked paths that belong to the assigned version. */
  walkedPaths: string[];
  quizPassed: boolean;
  quizAttempts: number;
  quizBestScore: number | null;
  /** 80% for the paths (in proportion), 20% for the quiz; 100 only when both are done. */
  percent: number;
  complete: boolean;
  completedAt: number | null;
};

export type AssignmentView = {
  id: string;
  sop: { sopId: string; version: number; name: LocalizedText };
  user: { id: string; name: string; email: string };
  assignedBy: { id: string; name: string };
  dueAt: number | null;
  overdue: boolean;
  createdAt: number;
  progress: Progress;
};

export const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export function assignmentOf(row: Row): AssignmentRow {
  return {
    id: String(row.id),
    sopId: String(row.sop_id),
    sopVersion: Number(row.sop_version),
    userId: String(row.user_id),
    assignedBy: String(row.assigned_by),
    dueAt: toMs(row.due_at),
    walkedPaths: strings(row.walked_paths),
    quizAttempts: Number(row.quiz_attempts ?? 0),
    quizBestScore: row.quiz_best_score === null ? null : Number(row.quiz_best_score),
    quizPassedAt: toMs(row.quiz_passed_at),
    completedAt: toMs(row.completed_at),
    createdAt: toMs(row.created_at) ?? 0,
  };
}

/** The pass mark for a quiz of `total` questions: four out of five. */
export function passNeeded(total: number): number {
  return Math.ceil((total * PASS_MARK) / QUIZ_LENGTH);
}

export function progressOf(a: AssignmentRow, sop: LoadedSop): Progress {
  const keys = new Set(trainingPaths(sop.doc).map((p) => p.key));
  const walked = a.walkedPaths.filter((k) => keys.has(k));
  const total = keys.size;
  const quizPassed = a.quizPassedAt !== null;
  const pathsPart = total ? walked.length / total : 1;
  const complete = walked.length >= total && quizPassed;
  const percent = complete ? 100 : Math.min(99, Math.floor(80 * pathsPart + (quizPassed ? 20 : 0)));
  return {
    pathsWalked: walked.length,
    pathsTotal: total,
    walkedPaths: walked,
    quizPassed,
    quizAttempts: a.quizAttempts,
    quizBestScore: a.quizBestScore,
    percent,
    complete,
    completedAt: a.completedAt,
  };
}

const ASSIGNMENT_SELECT = `select a.*, u.name as user_name, u.email as user_email,
        b.name as assigned_by_name
   from training_assignments a
   left join users u on u.workspace_id = a.workspace_id and u.id = a.user_id
   left join users b on b.workspace_id = a.workspace_id and b.id = a.assigned_by`;

export async function assignmentViews(ctx: Ctx, rows: Row[]): Promise<AssignmentView[]> {
  const out: AssignmentView[] = [];
  for (const row of rows) {
    const a = assignmentOf(row);
    const sop = await ctx.sops.get(ctx.user.workspaceId, a.sopId, a.sopVersion);
    const progress = progressOf(a, sop);
    out.push({
      id: a.id,
      sop: { sopId: a.sopId, version: a.sopVersion, name: sop.doc.name },
      user: {
        id: a.userId,
        name: String(row.user_name ?? a.userId),
        email: String(row.user_email ?? ''),
      },
      assignedBy: { id: a.assignedBy, name: String(row.assigned_by_name ?? a.assignedBy) },
      dueAt: a.dueAt,
      overdue: !progress.complete && a.dueAt !== null && a.dueAt < ctx.now,
      createdAt: a.createdAt,
      progress,
    });
  }
  return out;
}

/** Assignments the caller may see, filtered; a hire sees only their own. */
export async function queryAssignments(
  ctx: Ctx,
  filter: { userId?: string; sopId?: string; id?: string },
): Promise<Row[]> {
  const params: unknown[] = [ctx.user.workspaceId];
  const where = ['a.workspace_id = $1'];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (!isTrainer(ctx)) add('a.user_id = ?', ctx.user.id);
  if (filter.userId) add('a.user_id = ?', filter.userId);
  if (filter.sopId) add('a.sop_id = ?', filter.sopId);
  if (filter.id) add('a.id = ?', filter.id);
  return ctx.db.query(
    `${ASSIGNMENT_SELECT} where ${where.join(' and ')} order by a.created_at desc, a.id limit 1000`,
    params,
  );
}

export function isTrainer(ctx: Ctx): boolean {
  return (TRAINERS as readonly string[]).includes(ctx.user.role);
}

/** The assignment, when the caller may see it: their own, or any for a trainer. */
export async function loadAssignment(
  ctx: Ctx,
  id: string,
): Promise<{ row: Row; a: AssignmentRow }> {
  const rows = await queryAssignments(ctx, { id });
  const row = rows[0];
  if (!row) throw new NotFound('training assignment', id);
  return { row, a: assignmentOf(row) };
}

/** Practice and the quiz are the hire's own: nobody else acts on their assignment. */
export function assertAssignee(ctx: Ctx, a: AssignmentRow): void {
  if (a.userId !== ctx.user.id) throw new Forbidden('only the assigned person practises this SOP');
}

// ---------------------------------------------------------------- practice sessions

export type SessionRow = PracticeState & {
  id: string;
  assignmentId: string;
  userId: string;
  version: number;
};

function isRecordState(v: unknown): v is RecordState {
  return !!v && typeof v === 'object' && 'id' in v && 'value' in v && 'timers' in v;
}

export function sessionOf(row: Row): SessionRow {
  if (!isRecordState(row.record)) throw new Error(`practice session ${String(row.id)} is damaged`);
  const status = row.status === 'finished' || row.status === 'abandoned' ? row.status : 'active';
  return {
    id: String(row.id),
    assignmentId: String(row.assignment_id),
    userId: String(row.user_id),
    version: Number(row.version),
    record: row.record,
    events: Array.isArray(row.events) ? row.events : [],
    log: Array.isArray(row.log) ? (row.log as LogEntry[]) : [],
    simStart: Number(row.sim_start),
    simNow: Number(row.sim_now),
    seq: Number(row.seq),
    status,
    walkedPath: typeof row.walked_path === 'string' ? row.walked_path : null,
  };
}

export async function latestSession(ctx: Ctx, assignmentId: string): Promise<SessionRow | null> {
  const rows = await ctx.db.query(
    `select * from practice_sessions where workspace_id = $1 and assignment_id = $2
      order by created_at desc, id desc limit 1`,
    [ctx.user.workspaceId, assignmentId],
  );
  const row = rows[0];
  return row ? sessionOf(row) : null;
}
