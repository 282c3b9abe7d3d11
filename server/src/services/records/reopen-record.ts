import type { CommandResult } from '../commands/command.ts';
import { runCallerCommand } from '../commands/env.ts';
import { assertCanManageRecord } from '../core/access.ts';
import type { Verb } from '../core/context.ts';

export type ReopenRecordInput = {
  recordId: string;
  version: number;
  reason?: string;
  idempotencyKey?: string;
};

/** Reopens a record closed as lost (managers and admins); its stage's SLA starts again. */
export const reopenRecord: Verb<ReopenRecordInput, CommandResult> = async ({ ctx, input }) => {
  const cmd = { type: 'reopen' as const, ...(input.reason ? { reason: input.reason } : {}) };
  return runCallerCommand(ctx, 'reopenRecord', input, cmd, assertCanManageRecord);
};
