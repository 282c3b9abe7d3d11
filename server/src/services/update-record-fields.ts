import type { Fields } from '@closeloop/engine';
import { assertCanSeeRecord, assertWorksRecords } from './access.ts';
import { type CommandResult, runCommand } from './command.ts';
import type { Verb } from './context.ts';
import { envOf, idempotencyOf } from './env.ts';

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
  return runCommand({
    env: envOf(ctx),
    recordId: input.recordId,
    cmd,
    expectedVersion: input.version,
    authorize: (r) => assertCanSeeRecord(ctx.user, r),
    idempotency: idempotencyOf(ctx, input.idempotencyKey, {
      op: 'updateRecordFields',
      recordId: input.recordId,
      cmd,
      version: input.version,
    }),
  });
};
