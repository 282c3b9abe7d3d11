import type { Ctx } from '../core/context.ts';
import type { CommandEnv, Idempotency } from './command.ts';

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
