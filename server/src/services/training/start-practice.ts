import type { Verb } from '../core/context.ts';
import { startRun } from './practice.ts';
import { type PracticeView, practiceView, traineeOf } from './practice-view.ts';
import { insertSession } from './session-store.ts';
import { assertAssignee, loadAssignment, type Progress, progressOf, sessionOf } from './store.ts';

/**
 * Starts a new practice run of the assigned SOP version: a sandbox record on its first
 * stage, owned by the trainee, on a simulated clock that starts at the workspace's now. An
 * unfinished earlier run is abandoned (its walked paths stay credited).
 */
export const startPractice: Verb<
  { assignmentId: string },
  { practice: PracticeView; progress: Progress }
> = async ({ ctx, input }) => {
  const { a } = await loadAssignment(ctx, input.assignmentId);
  assertAssignee(ctx, a);
  const ws = ctx.user.workspaceId;
  const sop = await ctx.sops.get(ws, a.sopId, a.sopVersion);
  const id = crypto.randomUUID();
  const env = { sop, trainee: traineeOf(ctx), calendar: ctx.calendar };
  const state = await startRun(env, `practice-${id}`, ctx.now);
  const row = await ctx.db.transaction(async (q) => {
    await q(
      `update practice_sessions set status = 'abandoned', version = version + 1,
              updated_at = clock_timestamp()
        where workspace_id = $1 and assignment_id = $2 and status = 'active'`,
      [ws, a.id],
    );
    await insertSession(
      q,
      ws,
      { id, assignmentId: a.id, userId: ctx.user.id, sopId: a.sopId, sopVersion: a.sopVersion },
      state,
    );
    return (
      await q('select * from practice_sessions where workspace_id = $1 and id = $2', [ws, id])
    )[0];
  });
  if (!row) throw new Error('practice session not stored');
  return { practice: await practiceView(ctx, sop, sessionOf(row)), progress: progressOf(a, sop) };
};
