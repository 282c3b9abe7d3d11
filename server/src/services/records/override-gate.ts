import type { Fields } from '@closeloop/engine';
import { type CommandResult, runCommand } from '../commands/command.ts';
import { envOf, idempotencyOf } from '../commands/env.ts';
import { assertRole } from '../core/access.ts';
import { auditBy } from '../core/audit.ts';
import type { Verb } from '../core/context.ts';

export type OverrideGateInput = {
  recordId: string;
  action: string;
  reason: string;
  fields?: Fields;
  version: number;
  idempotencyKey?: string;
};

/**
 * An admin takes an action past a failed gate. It is its own command: it needs a reason and
 * is recorded as `gate.overridden` with the conditions that were not met.
 */
export const overrideGate: Verb<OverrideGateInput, CommandResult> = async ({ ctx, input }) => {
  assertRole(ctx.user, ['admin'], 'overriding a gate');
  const cmd = {
    type: 'override' as const,
    action: input.action,
    reason: input.reason,
    ...(input.fields ? { fields: input.fields } : {}),
  };
  return runCommand({
    env: envOf(ctx),
    recordId: input.recordId,
    cmd,
    expectedVersion: input.version,
    // the audit entry commits with the override or not at all (it returns one row: a guard)
    guards: [
      auditBy(
        ctx,
        'gate.overridden',
        { type: 'record', id: input.recordId },
        {
          action: input.action,
          reason: input.reason,
          version: input.version,
        },
      ),
    ],
    idempotency: idempotencyOf(ctx, input.idempotencyKey, {
      op: 'overrideGate',
      recordId: input.recordId,
      cmd,
      version: input.version,
    }),
  });
};
