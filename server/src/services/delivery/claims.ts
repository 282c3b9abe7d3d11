/**
 * The delivery worker's leases: claiming due deliveries FOR UPDATE SKIP LOCKED (the claim
 * counts the attempt), loading each claimed target once, and handing claims back uncounted.
 */
import type { Db } from '../../db/client.ts';
import type { ClaimedDelivery } from './record-attempt.ts';
import type { TargetState } from './transport.ts';
import { TRANSPORTS } from './transports.ts';

// biome-ignore lint/suspicious/noExplicitAny: any transport's config
export type AnyTarget = TargetState<any> | null;

/** Who claims, for how long (ms) and on which clock "due" is measured. */
export type ClaimEnv = { db: Db; processId: string; leaseMs: number; testClock: boolean };

const msOf = (v: unknown): number =>
  v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number(v);

/** Claims up to `limit` due deliveries of the known target kinds, a lease each. */
export async function claimDeliveries(env: ClaimEnv, limit: number): Promise<ClaimedDelivery[]> {
  // with the test clock on, "due" is measured on each workspace's clock (docs/delivery.md)
  const dueNow = env.testClock
    ? `now() + (select w.clock_offset_ms from workspaces w where w.id = deliveries.workspace_id)
             * interval '1 millisecond'`
    : 'now()';
  const rows = await env.db.query(
    `update deliveries u set claimed_by = $1, attempts = u.attempts + 1,
            claimed_until = now() + ($3::float8 * interval '1 millisecond')
       from (select workspace_id, id from deliveries
              where status = 'pending' and next_attempt_at <= ${dueNow}
                and (claimed_until is null or claimed_until < now())
                and target_kind = any($4::text[])
              order by next_attempt_at limit $2 for update skip locked) d
      where u.workspace_id = d.workspace_id and u.id = d.id
      returning u.workspace_id, u.id, u.target_kind, u.target_id, u.message_id,
                u.event_type, u.data, u.event_at, u.attempts`,
    [env.processId, limit, env.leaseMs, Object.keys(TRANSPORTS)],
  );
  return rows.map((r) => ({
    workspaceId: String(r.workspace_id),
    id: String(r.id),
    targetKind: String(r.target_kind),
    targetId: String(r.target_id),
    messageId: String(r.message_id),
    eventType: String(r.event_type),
    data: r.data && typeof r.data === 'object' ? (r.data as Record<string, unknown>) : {},
    eventAt: msOf(r.event_at),
    attempt: Number(r.attempts),
  }));
}

export const targetKey = (d: ClaimedDelivery) =>
  `${d.workspaceId}\u0000${d.targetKind}\u0000${d.targetId}`;

/** Each distinct target of a claim, loaded once (a claim is one moment's view of them). */
export function loadTargets(
  db: Db,
  claimed: readonly ClaimedDelivery[],
): Map<string, Promise<AnyTarget>> {
  const targets = new Map<string, Promise<AnyTarget>>();
  for (const d of claimed) {
    const key = targetKey(d);
    if (targets.has(key)) continue;
    const transport = TRANSPORTS[d.targetKind as keyof typeof TRANSPORTS];
    targets.set(
      key,
      transport ? transport.load(db.query, d.workspaceId, d.targetId) : Promise.resolve(null),
    );
  }
  return targets;
}

/** Gives a claim back without counting it (the target is off, gone or has no transport). */
export async function settleClaim(
  env: ClaimEnv,
  d: ClaimedDelivery,
  status: 'held' | 'failed',
  note: string,
) {
  await env.db.query(
    `update deliveries set status = $4, claimed_by = null, claimed_until = null,
            attempts = attempts - 1, last_error = $5
      where workspace_id = $1 and id = $2 and claimed_by = $3`,
    [d.workspaceId, d.id, env.processId, status, note],
  );
}

/** Hands one claim back uncounted (it waited too long for a slot to be sent safely). */
export async function releaseClaim(env: ClaimEnv, d: ClaimedDelivery) {
  await env.db
    .query(
      `update deliveries set claimed_by = null, claimed_until = null, attempts = attempts - 1
        where workspace_id = $1 and id = $2 and claimed_by = $3 and attempts = $4`,
      [d.workspaceId, d.id, env.processId, d.attempt],
    )
    .catch((e) => console.error(`closeloop: releasing delivery ${d.id} failed`, e));
}

/** Hands back every pending claim this process still holds, uncounted. */
export async function releaseAllClaims(env: ClaimEnv) {
  await env.db
    .query(
      `update deliveries set claimed_by = null, claimed_until = null, attempts = attempts - 1
        where claimed_by = $1 and status = 'pending'`,
      [env.processId],
    )
    .catch(() => {});
}
