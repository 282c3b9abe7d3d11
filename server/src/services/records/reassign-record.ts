import { type CommandResult, runCommand } from '../commands/command.ts';
import { envOf, idempotencyOf } from '../commands/env.ts';
import { assertCanManageRecord } from '../core/access.ts';
import type { Verb } from '../core/context.ts';
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
  await assertMayRoute(ctx, { ownerId: input.toUserId }, { ownerId: 'toUserId', teamId: '' });
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
