import type { Fields } from '@closeloop/engine';
import type { CommandResult } from '../commands/command.ts';
import { runCallerCommand } from '../commands/env.ts';
import { assertCanSeeRecord, assertWorksRecords } from '../core/access.ts';
import type { Verb } from '../core/context.ts';

export type UpdateRecordFieldsInput = {
  recordId: string;
  fields?: Fields;
  checklist?: Record<string, string[]>;
  version: number;
  idempotencyKey?: string;
};

/** Edits fields and ticks checklist items without moving the record. */
export const updateRecordFields: Verb<UpdateRecordFieldsInput, CommandResult> = async ({
  ctx,
  input,
}) => {
  assertWorksRecords(ctx.user);
  const cmd = {
    type: 'edit' as const,
    ...(input.fields ? { fields: input.fields } : {}),
    ...(input.checklist ? { checklist: input.checklist } : {}),
  };
  return runCallerCommand(ctx, 'updateRecordFields', input, cmd, assertCanSeeRecord);
};
