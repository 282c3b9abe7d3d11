import type { Verb } from '../core/context.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { quizSeed } from './get-quiz.ts';
import { trainingPaths } from './paths.ts';
import { generateQuiz, gradeQuiz, type QuizGrade } from './quiz.ts';
import {
  assertAssignee,
  assignmentOf,
  loadAssignment,
  type Progress,
  passNeeded,
  progressOf,
} from './store.ts';

export type SubmitQuizInput = {
  assignmentId: string;
  /** The attempt the answers belong to (from getQuiz). */
  attempt: number;
  /** Question id → option id. */
  answers: Record<string, string>;
};

export type SubmitQuizResult = QuizGrade & {
  attempt: number;
  passed: boolean;
  passNeeded: number;
  progress: Progress;
};

/**
 * Grades an attempt on the server by generating its quiz again from the seed. Each attempt
 * is graded once; the next attempt gets new questions.
 */
export const submitQuiz: Verb<SubmitQuizInput, SubmitQuizResult> = async ({ ctx, input }) => {
  const { a } = await loadAssignment(ctx, input.assignmentId);
  assertAssignee(ctx, a);
  const ws = ctx.user.workspaceId;
  const sop = await ctx.sops.get(ws, a.sopId, a.sopVersion);
  const quiz = generateQuiz(sop.compiled, quizSeed(a.id, input.attempt));
  const grade = gradeQuiz(quiz, input.answers);
  const needed = passNeeded(grade.total);
  const passed = grade.total > 0 && grade.correct >= needed;
  const score = grade.total ? Math.round((100 * grade.correct) / grade.total) : 0;
  const pathKeys = trainingPaths(sop.doc).map((p) => p.key);

  const updated = await ctx.db.transaction(async (q) => {
    const rows = await q(
      'select * from training_assignments where workspace_id = $1 and id = $2 for update',
      [ws, a.id],
    );
    const row = rows[0];
    if (!row) throw new NotFound('training assignment', a.id);
    const current = assignmentOf(row);
    if (input.attempt !== current.quizAttempts + 1) {
      throw new Conflict(
        'stale-version',
        `attempt ${input.attempt} is not the next one (${current.quizAttempts + 1}); load the quiz again`,
      );
    }
    await q(
      `insert into quiz_attempts (workspace_id, assignment_id, attempt, score, total, passed, answers, submitted_at)
       values ($1, $2, $3, $4, $5, $6, $7::text::jsonb, to_timestamp($8::float8 / 1000))`,
      [
        ws,
        a.id,
        input.attempt,
        grade.correct,
        grade.total,
        passed,
        JSON.stringify(input.answers),
        ctx.now,
      ],
    );
    const quizPassedAt = current.quizPassedAt ?? (passed ? ctx.now : null);
    const complete =
      quizPassedAt !== null && pathKeys.every((k) => current.walkedPaths.includes(k));
    const completedAt = current.completedAt ?? (complete ? ctx.now : null);
    const best = Math.max(current.quizBestScore ?? 0, score);
    await q(
      `update training_assignments set quiz_attempts = $3, quiz_best_score = $4,
              quiz_passed_at = to_timestamp($5::float8 / 1000),
              completed_at = to_timestamp($6::float8 / 1000),
              updated_at = to_timestamp($7::float8 / 1000)
        where workspace_id = $1 and id = $2`,
      [ws, a.id, input.attempt, best, quizPassedAt, completedAt, ctx.now],
    );
    return {
      ...current,
      quizAttempts: input.attempt,
      quizBestScore: best,
      quizPassedAt,
      completedAt,
    };
  });
  return {
    ...grade,
    attempt: input.attempt,
    passed,
    passNeeded: needed,
    progress: progressOf(updated, sop),
  };
};
