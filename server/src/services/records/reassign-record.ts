import type { CommandResult } from '../commands/command.ts';
import { runCallerCommand } from '../commands/env.ts';
import { assertCanManageRecord } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { NotFound } from '../core/errors.ts';
import { assertMayRoute } from './routing-check.ts';

export type ReassignRecordInput = {
  recordId: string;
  toUserId: string;
  version: number;
  reason?: string;
  idempotencyKey?: string;
};

/** Gives a record to another active team member (managers and admins). */
export const reassignRecord: Verb<ReassignRecordInput, CommandResult> = async ({ ctx, input }) => {
  // who may touch the record is answered first (404/403), then where it may go (403/422)
  const found = await ctx.db.query(
    'select owner_id, team_id from records where workspace_id = $1 and id = $2',
    [ctx.user.workspaceId, input.recordId],
  );
  const rec = found[0];
  if (!rec) throw new NotFound('record', input.recordId);
  assertCanManageRecord(ctx.user, {
    ownerId: rec.owner_id === null ? null : String(rec.owner_id),
    teamId: rec.team_id === null ? null : String(rec.team_id),
  });
  await assertMayRoute(ctx, { ownerId: input.toUserId }, { ownerId: 'toUserId', teamId: '' });
  const cmd = {
    type: 'reassign' as const,
    toUserId: input.toUserId,
    ...(input.reason ? { reason: input.reason } : {}),
  };
  return runCallerCommand(ctx, 'reassignRecord', input, cmd, assertCanManageRecord, {
    rosterUsers: [input.toUserId],
  });
};
