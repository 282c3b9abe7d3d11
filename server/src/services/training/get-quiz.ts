import type { Verb } from '../core/context.ts';
import { generateQuiz, type QuizQuestion } from './quiz.ts';
import { assertAssignee, loadAssignment, passNeeded } from './store.ts';

export type QuizView = { attempt: number; passNeeded: number; questions: QuizQuestion[] };

/** The seed of an attempt: the same assignment and attempt always give the same quiz. */
export const quizSeed = (assignmentId: string, attempt: number) => `${assignmentId}:${attempt}`;

/** The quiz of the hire's next attempt, without its answers. */
export const getQuiz: Verb<{ assignmentId: string }, QuizView> = async ({ ctx, input }) => {
  const { a } = await loadAssignment(ctx, input.assignmentId);
  assertAssignee(ctx, a);
  const sop = await ctx.sops.get(ctx.user.workspaceId, a.sopId, a.sopVersion);
  const attempt = a.quizAttempts + 1;
  const quiz = generateQuiz(sop.compiled, quizSeed(a.id, attempt));
  return { attempt, passNeeded: passNeeded(quiz.questions.length), questions: quiz.questions };
};
