import type { Command, RecordState } from '@closeloop/engine';
import type { Ctx } from '../core/context.ts';
import { type CommandEnv, type CommandResult, type Idempotency, runCommand } from './command.ts';

/** The command environment for a signed-in caller. */
export function envOf(ctx: Ctx): CommandEnv {
  return {
    db: ctx.db,
    clock: ctx.clock,
    config: ctx.config,
    sops: ctx.sops,
    live: ctx.live,
    outbound: ctx.outbound,
    workspaceId: ctx.user.workspaceId,
    actor: { id: ctx.user.id, role: ctx.user.role },
    now: ctx.now,
    calendar: ctx.calendar,
  };
}

/** Idempotency for a caller's key; the request hash tells a true retry from a reuse. */
export function idempotencyOf(
  ctx: Ctx,
  key: string | undefined,
  request: unknown,
): Idempotency | undefined {
  if (!key) return undefined;
  const hash = new Bun.CryptoHasher('sha256').update(JSON.stringify(request)).digest('hex');
  return { userId: ctx.user.id, key, hash };
}

/**
 * A signed-in caller's command on an existing record at `version`: `authorize` answers who may
 * touch it, and the Idempotency-Key's request is the operation, record, command and version.
 */
export function runCallerCommand(
  ctx: Ctx,
  op: string,
  input: { recordId: string; version: number; idempotencyKey?: string },
  cmd: Command,
  authorize: (user: Ctx['user'], record: RecordState) => void,
  opts: { rosterUsers?: string[] } = {},
): Promise<CommandResult> {
  return runCommand({
    env: envOf(ctx),
    recordId: input.recordId,
    cmd,
    expectedVersion: input.version,
    ...opts,
    authorize: (r) => authorize(ctx.user, r),
    idempotency: idempotencyOf(ctx, input.idempotencyKey, {
      op,
      recordId: input.recordId,
      cmd,
      version: input.version,
    }),
  });
}
