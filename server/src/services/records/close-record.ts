import type { CommandResult } from '../commands/command.ts';
import { runCallerCommand } from '../commands/env.ts';
import { assertCanSeeRecord, assertWorksRecords } from '../core/access.ts';
import type { Verb } from '../core/context.ts';

export type CloseRecordInput = {
  recordId: string;
  reason: string;
  version: number;
  idempotencyKey?: string;
};

/** Closes a record as lost, with a reason; its timers are cancelled. */
export const closeRecord: Verb<CloseRecordInput, CommandResult> = async ({ ctx, input }) => {
  assertWorksRecords(ctx.user);
  const cmd = { type: 'close' as const, reason: input.reason };
  return runCallerCommand(ctx, 'closeRecord', input, cmd, assertCanSeeRecord);
};
