import type { Fields } from '@closeloop/engine';
import type { CommandResult } from '../commands/command.ts';
import { runCallerCommand } from '../commands/env.ts';
import { assertCanSeeRecord, assertWorksRecords } from '../core/access.ts';
import type { Verb } from '../core/context.ts';

export type PerformActionInput = {
  recordId: string;
  action: string;
  fields?: Fields;
  checklist?: Record<string, string[]>;
  version: number;
  idempotencyKey?: string;
};

/**
 * Takes an action on a record: gates, state change guarded by `version`, events, timers and
 * outbox rows in one transaction. A failed gate changes nothing and lists what is missing.
 */
export const performAction: Verb<PerformActionInput, CommandResult> = async ({ ctx, input }) => {
  assertWorksRecords(ctx.user);
  const cmd = {
    type: 'perform' as const,
    action: input.action,
    ...(input.fields ? { fields: input.fields } : {}),
    ...(input.checklist ? { checklist: input.checklist } : {}),
  };
  return runCallerCommand(ctx, 'performAction', input, cmd, assertCanSeeRecord);
};
