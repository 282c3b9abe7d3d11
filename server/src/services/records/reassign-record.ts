import { type CommandResult, runCommand } from '../commands/command.ts';
import { envOf, idempotencyOf } from '../commands/env.ts';
import { assertCanManageRecord } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
import { Forbidden } from '../core/errors.ts';

export type ReassignRecordInput = {
  recordId: string;
  toUserId: string;
  version: number;
  reason?: string;
  idempotencyKey?: string;
};

/** Gives a record to another active team member (managers and admins). */
export const reassignRecord: Verb<ReassignRecordInput, CommandResult> = async ({ ctx, input }) => {
  if (ctx.user.role !== 'admin') {
    const rows = await ctx.db.query(
      'select team_id from memberships where workspace_id = $1 and user_id = $2',
      [ctx.user.workspaceId, input.toUserId],
    );
    if (!rows.some((r) => ctx.user.teamIds.includes(String(r.team_id)))) {
      throw new Forbidden('you may hand records only to members of your teams');
    }
  }
  const cmd = {
    type: 'reassign' as const,
    toUserId: input.toUserId,
    ...(input.reason ? { reason: input.reason } : {}),
  };
  return runCommand({
    env: envOf(ctx),
    recordId: input.recordId,
    cmd,
    expectedVersion: input.version,
    rosterUsers: [input.toUserId],
    authorize: (r) => assertCanManageRecord(ctx.user, r),
    idempotency: idempotencyOf(ctx, input.idempotencyKey, {
      op: 'reassignRecord',
      recordId: input.recordId,
      cmd,
      version: input.version,
    }),
  });
};
