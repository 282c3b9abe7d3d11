import type { Verb } from '../core/context.ts';
import { type AssignmentView, assignmentViews, queryAssignments } from './store.ts';

/**
 * Assignments with each hire's progress (paths walked of all, quiz, percent). Trainers,
 * managers and admins see everyone's; anyone else sees their own.
 */
export const listTrainingAssignments: Verb<
  { userId?: string; sopId?: string },
  { items: AssignmentView[] }
> = async ({ ctx, input }) => ({
  items: await assignmentViews(ctx, await queryAssignments(ctx, input)),
});
