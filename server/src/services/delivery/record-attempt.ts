/**
 * Records one exchange in one transaction: the log row, the delivery's new state (only while
 * this process still holds the claim of this attempt), the target's failing run, and — on a
 * permanent error or five days of failures — the target disabled, its waiting messages held
 * for replay and the workspace's admins told in-app.
 */
import type { Db } from '../../db/client.ts';
import { alertDisabled } from './disabled-alert.ts';
import type { Exchange } from './exchange.ts';
import { DISABLE_AFTER_MS, retryDelayMs } from './schedule.ts';
import type { Query, Transport } from './transport.ts';

export type ClaimedDelivery = {
  workspaceId: string;
  id: string;
  targetKind: string;
  targetId: string;
  messageId: string;
  eventType: string;
  data: Record<string, unknown>;
  eventAt: number;
  attempt: number;
};

export type AttemptRecord = {
  d: ClaimedDelivery;
  ex: Exchange;
  request: string;
  startedAt: number;
  label: string;
  // biome-ignore lint/suspicious/noExplicitAny: any transport's config
  transport: Transport<any>;
};

type Decided = AttemptRecord & {
  status: 'delivered' | 'pending' | 'failed' | 'held';
  delayMs: number;
  disableReason: string | null;
};

/**
 * Records a round's exchanges in one transaction (one UPDATE and one INSERT for all of
 * them): each delivery's new state while this process still holds that attempt's claim,
 * the log rows, each target's failing run, and the targets to disable.
 */
export async function recordAttempts(
  db: Db,
  items: readonly AttemptRecord[],
  opts: {
    processId: string;
    retryScale: number;
    /** With the test clock on, times are each workspace's (its offset applied). */
    testClock?: boolean;
    now?: () => number;
  },
): Promise<void> {
  if (!items.length) return;
  const wallNow = opts.now ?? Date.now;
  await db.transaction(async (q) => {
    const offsets = new Map<string, number>();
    if (opts.testClock) {
      const rows = await q(
        `select id, clock_offset_ms::float8 as off from workspaces where id = any($1::text[])`,
        [[...new Set(items.map((it) => it.d.workspaceId))]],
      );
      for (const r of rows) offsets.set(String(r.id), Number(r.off) || 0);
    }
    const offsetOf = (ws: string) => offsets.get(ws) ?? 0;
    const byTarget = new Map<string, AttemptRecord[]>();
    for (const it of items) {
      const key = `${it.d.workspaceId}\u0000${it.d.targetKind}\u0000${it.d.targetId}`;
      byTarget.set(key, [...(byTarget.get(key) ?? []), it]);
    }
    const decided: Decided[] = [];
    const disables: Array<{ it: AttemptRecord; reason: string }> = [];
    for (const group of byTarget.values()) {
      const first = group[0];
      if (!first) continue;
      const ok = group.some((g) => g.ex.outcome.kind === 'delivered');
      const offset = offsetOf(first.d.workspaceId);
      const failingSince = await first.transport.health(
        q,
        first.d.workspaceId,
        first.d.targetId,
        ok,
        offset,
      );
      const expired =
        !ok && failingSince !== null && wallNow() + offset - failingSince >= DISABLE_AFTER_MS;
      let reason: string | null = expired ? 'failing for 5 days' : null;
      for (const it of group) {
        const o = it.ex.outcome;
        let status: Decided['status'] = 'delivered';
        let delayMs = 0;
        if (o.kind === 'retry') {
          const delay = o.retryAfterMs ?? retryDelayMs(it.d.attempt, opts.retryScale);
          status = delay === null ? 'failed' : expired ? 'held' : 'pending';
          delayMs = delay ?? 0;
        } else if (o.kind === 'permanent') {
          status = 'held';
          reason = o.reason;
        }
        decided.push({ ...it, status, delayMs, disableReason: reason });
      }
      if (reason) disables.push({ it: first, reason });
    }
    const updated = await q(
      `update deliveries d
          set status = x.s,
              next_attempt_at = case when x.s = 'pending'
                then now() + ((x.off::float8 + x.delay::float8) * interval '1 millisecond')
                else d.next_attempt_at end,
              claimed_by = null, claimed_until = null, last_status = x.code::int,
              last_error = x.err,
              delivered_at = case when x.s = 'delivered' then now() else d.delivered_at end
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $9::text[]) as x(w, i, n, s, delay, code, err, off)
        where d.workspace_id = x.w and d.id = x.i and d.claimed_by = $8
          and d.attempts = x.n::int
        returning d.id, d.next_attempt_at`,
      [
        decided.map((it) => it.d.workspaceId),
        decided.map((it) => it.d.id),
        decided.map((it) => String(it.d.attempt)),
        decided.map((it) => it.status),
        decided.map((it) => String(it.delayMs)),
        decided.map((it) => (it.ex.outcome.status === null ? null : String(it.ex.outcome.status))),
        decided.map(
          (it) => it.ex.error ?? (it.ex.outcome.kind === 'permanent' ? it.ex.outcome.reason : null),
        ),
        opts.processId,
        decided.map((it) => String(offsetOf(it.d.workspaceId))),
      ],
    );
    const next = new Map(updated.map((r) => [String(r.id), r.next_attempt_at]));
    await q(
      `insert into delivery_attempts (workspace_id, id, delivery_id, target_kind, target_id,
              attempt, started_at, duration_ms, request, response_status, response_excerpt,
              outcome, error, next_attempt_at)
       select x.w, gen_random_uuid()::text, x.d, x.k, x.t, x.n::int,
              to_timestamp(x.at::float8 / 1000), x.ms::int, x.req, x.code::int, x.ex, x.o, x.err,
              x.next::timestamptz
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                     $13::text[])
              as x(w, d, k, t, n, at, ms, req, code, ex, o, err, next)`,
      [
        decided.map((it) => it.d.workspaceId),
        decided.map((it) => it.d.id),
        decided.map((it) => it.d.targetKind),
        decided.map((it) => it.d.targetId),
        decided.map((it) => String(it.d.attempt)),
        decided.map((it) => String(it.startedAt)),
        decided.map((it) => String(it.ex.durationMs)),
        decided.map((it) => it.request),
        decided.map((it) => (it.ex.outcome.status === null ? null : String(it.ex.outcome.status))),
        decided.map((it) => it.ex.outcome.excerpt),
        decided.map((it) => it.ex.outcome.kind),
        decided.map((it) => it.ex.error),
        decided.map((it) => {
          const at = it.status === 'pending' ? next.get(it.d.id) : null;
          return at instanceof Date ? at.toISOString() : typeof at === 'string' ? at : null;
        }),
      ],
    );
    for (const { it, reason } of disables)
      await disableTarget(q, it.transport, it.d, reason, it.label, wallNow());
  });
}

/**
 * Disables a target: marks it and tells its people in the app (the transport), holds its
 * waiting messages, and raises `delivery.disabled` on the workspace's other ways out.
 */
export async function disableTarget(
  q: Query,
  // biome-ignore lint/suspicious/noExplicitAny: any transport's config
  transport: Transport<any>,
  d: { workspaceId: string; targetKind: string; targetId: string },
  reason: string,
  label: string,
  now: number,
): Promise<void> {
  const fresh = await transport.disable(q, d.workspaceId, d.targetId, reason);
  await q(
    `update deliveries set status = 'held'
      where workspace_id = $1 and target_kind = $2 and target_id = $3 and status = 'pending'
        and claimed_by is null`,
    [d.workspaceId, d.targetKind, d.targetId],
  );
  if (fresh) await alertDisabled(q, d.workspaceId, { ...d, label, reason }, now);
}
