/** Sending one claimed delivery through its target kind's transport, outside any transaction. */
import type { Deps } from '../core/context.ts';
import { type AnyTarget, type ClaimEnv, settleClaim } from './claims.ts';
import { exchange, requestExcerpt } from './exchange.ts';
import type { AttemptRecord, ClaimedDelivery } from './record-attempt.ts';
import { TRANSPORTS } from './transports.ts';

export type SendEnv = ClaimEnv & Pick<Deps, 'clock' | 'config'>;

/** Sends one claimed delivery; what to record, or null when it was settled without a send. */
async function deliver(
  env: SendEnv,
  d: ClaimedDelivery,
  target: AnyTarget,
): Promise<AttemptRecord | null> {
  const transport = TRANSPORTS[d.targetKind as keyof typeof TRANSPORTS];
  if (!transport) return null;
  if (!target) {
    await settleClaim(env, d, 'failed', 'target deleted');
    return null;
  }
  if (!target.enabled) {
    await settleClaim(env, d, 'held', 'target disabled');
    return null;
  }
  const startedAt = env.clock.now();
  const req = await transport.build(
    target.config,
    {
      id: d.messageId,
      workspaceId: d.workspaceId,
      type: d.eventType,
      timestamp: d.eventAt,
      data: d.data,
    },
    startedAt,
  );
  const ex = await exchange(transport, req, {
    timeoutMs: env.config.deliveryTimeoutMs,
    allowHosts: env.config.outboundAllowHosts,
    now: () => env.clock.now(),
  });
  return { d, ex, request: requestExcerpt(req), startedAt, label: target.label, transport };
}

/** Sends one claimed delivery; what to record, or null (settled, or failed: the lease lapses). */
export async function deliverSafely(
  env: SendEnv,
  d: ClaimedDelivery,
  target: Promise<AnyTarget> | undefined,
): Promise<AttemptRecord | null> {
  try {
    return await deliver(env, d, (await target) ?? null);
  } catch (e) {
    // the claim lapses and another claim retries it
    console.error(`closeloop: delivery ${d.id} failed`, e);
    return null;
  }
}
