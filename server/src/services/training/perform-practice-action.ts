import type { Verb } from '../core/context.ts';
import { Conflict, Forbidden, Invalid, NotFound, StaleVersion } from '../core/errors.ts';
import {
  applyCommand,
  MAX_COMMANDS,
  type PracticeCommand,
  type PracticeOutcome,
} from './practice.ts';
import { type PracticeView, practiceView, traineeOf } from './practice-view.ts';
import { creditPath, updateSession } from './session-store.ts';
import { assignmentOf, type Progress, progressOf, type SessionRow, sessionOf } from './store.ts';

export type PerformPracticeActionInput = {
  sessionId: string;
  /** The session version the trainee saw; a stale one gets 409. */
  version: number;
  command: PracticeCommand;
};

export type PerformPracticeActionResult = {
  practice: PracticeView;
  outcome: PracticeOutcome;
  progress: Progress;
};

/**
 * Takes a step in a practice run: perform an action, edit fields and the checklist, or
 * advance the simulated clock (firing due escalations in order). A failed gate is a normal
 * outcome here — the run is unchanged and the outcome lists what is missing — not an error.
 * When the run reaches a final stage its path is credited to the assignment.
 */
export const performPracticeAction: Verb<
  PerformPracticeActionInput,
  PerformPracticeActionResult
> = async ({ ctx, input }) => {
  const ws = ctx.user.workspaceId;
  const found = await ctx.db.query(
    'select * from practice_sessions where workspace_id = $1 and id = $2',
    [ws, input.sessionId],
  );
  const first = found[0];
  if (!first) throw new NotFound('practice session', input.sessionId);
  const peek = sessionOf(first);
  if (peek.userId !== ctx.user.id) throw new Forbidden('this practice run belongs to someone else');
  const sop = await ctx.sops.get(ws, String(first.sop_id), Number(first.sop_version));
  const env = { sop, trainee: traineeOf(ctx), calendar: ctx.calendar };

  const result = await ctx.db.transaction(async (q) => {
    const rows = await q(
      'select * from practice_sessions where workspace_id = $1 and id = $2 for update',
      [ws, input.sessionId],
    );
    const row = rows[0];
    if (!row) throw new NotFound('practice session', input.sessionId);
    const session = sessionOf(row);
    if (session.version !== input.version) {
      throw new StaleVersion({ sessionId: session.id }, input.version, session.version);
    }
    if (session.status !== 'active') {
      throw new Conflict('record-closed', 'this practice run has ended; start a new one');
    }
    if (session.log.length >= MAX_COMMANDS) {
      throw new Invalid('invalid-command', `a practice run takes at most ${MAX_COMMANDS} steps`);
    }
    const { state, outcome } = await applyCommand(env, session, input.command);
    let next: SessionRow = session;
    if (outcome.ok) {
      if (!(await updateSession(q, ws, session.id, session.version, state))) {
        throw new StaleVersion({ sessionId: session.id }, input.version, session.version + 1);
      }
      next = { ...session, ...state, version: session.version + 1 };
    }
    const credited = outcome.finished
      ? await creditPath(q, ws, session.assignmentId, sop, outcome.walkedPath, ctx.now)
      : null;
    const assignment =
      credited ??
      (
        await q('select * from training_assignments where workspace_id = $1 and id = $2', [
          ws,
          session.assignmentId,
        ])
      ).map(assignmentOf)[0];
    if (!assignment) throw new NotFound('training assignment', session.assignmentId);
    return { next, outcome, assignment };
  });
  return {
    practice: await practiceView(ctx, sop, result.next),
    outcome: result.outcome,
    progress: progressOf(result.assignment, sop),
  };
};
