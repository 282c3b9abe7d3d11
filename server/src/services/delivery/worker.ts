/**
 * The delivery worker, one in every server process (like the scheduler): a sliding pool.
 *
 * - A ticker fans out pending outbox rows into deliveries (fanout.ts) every
 *   `deliveryIntervalMs` (and at once on `kick`), batch after batch while rows wait.
 * - A pump keeps up to `deliveryConcurrency` requests in flight: whenever slots are free it
 *   claims that many due deliveries with FOR UPDATE SKIP LOCKED and a lease (one query for
 *   however many slots freed meanwhile), loads each distinct target of the claim once, and
 *   sends each outside any transaction (exchange.ts). A slot frees as soon as its exchange
 *   ends; a claim that comes back short makes the pump wait for the next tick or a fan-out.
 * - A recorder writes finished exchanges (record-attempt.ts), all that finished since its last
 *   write in one transaction.
 *
 * A claim counts the attempt; the outcome is written only while this process still holds
 * that attempt's claim, so two processes never deliver the same attempt at once, and a
 * process that dies mid-delivery (or between a send and its record) leaves a lease that
 * lapses and another process retries it (at least once, same `webhook-id`).
 */
import type { Deps } from '../core/context.ts';
import { exchange, requestExcerpt } from './exchange.ts';
import { fanOutOnce } from './fanout.ts';
import { type AttemptRecord, type ClaimedDelivery, recordAttempts } from './record-attempt.ts';
import type { TargetState } from './transport.ts';
import { TRANSPORTS } from './transports.ts';

export type DeliveryWorker = {
  /** One round: fan out, then send one claim's worth and record it; how many of each. */
  runOnce(): Promise<{ fannedOut: number; sent: number }>;
  /** Rounds until nothing is fanned out or due (tests); returns deliveries sent. */
  runUntilIdle(timeoutMs?: number): Promise<number>;
  /** Asks for a fan-out and a claim now (after a test send or a replay). */
  kick(): void;
  start(): void;
  /** Stops claiming, waits up to `graceMs` for requests in flight and their records, then hands back its claims. */
  stop(graceMs?: number): Promise<void>;
};

const msOf = (v: unknown): number =>
  v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number(v);

/** The claim's lease: the exchange's timeout plus a margin (at least 1 s, at most 15 s). */
export const leaseMs = (timeoutMs: number) =>
  timeoutMs + Math.min(15_000, Math.max(1000, timeoutMs));

/** Claimed deliveries a process holds (in flight and waiting for a slot), per slot. */
const HELD_PER_SLOT = 4;
/** Finished exchanges waiting for the recorder, per slot, before the pump stops claiming. */
const RECORD_BACKLOG_PER_SLOT = 4;
/** Finished exchanges, per slot, that are recorded at once (fewer wait up to RECORD_WAIT_MS). */
const RECORD_BATCH_PER_SLOT = 2;
/** How long a finished exchange may wait for others to be recorded with it. */
const RECORD_WAIT_MS = 20;

// biome-ignore lint/suspicious/noExplicitAny: any transport's config
type AnyTarget = TargetState<any> | null;

type Queued = { d: ClaimedDelivery; target: Promise<AnyTarget>; claimedAt: number };

export function createDeliveryWorker(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  processId: string = crypto.randomUUID(),
): DeliveryWorker {
  const { db, config } = deps;
  const lease = leaseMs(config.deliveryTimeoutMs);
  const slots = config.deliveryConcurrency;
  /**
   * How long a claimed delivery may wait for a slot: half the lease's margin, so the send
   * (at most the timeout) and its record still end inside the lease; later it is handed back.
   */
  const maxWaitMs = (lease - config.deliveryTimeoutMs) / 2;
  const kinds = Object.keys(TRANSPORTS);
  // with the test clock on, "due" is measured on each workspace's clock (docs/delivery.md)
  const dueNow = config.testClock
    ? `now() + (select w.clock_offset_ms from workspaces w where w.id = deliveries.workspace_id)
             * interval '1 millisecond'`
    : 'now()';

  async function claim(limit: number): Promise<ClaimedDelivery[]> {
    const rows = await db.query(
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
      [processId, limit, lease, kinds],
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

  const targetKey = (d: ClaimedDelivery) =>
    `${d.workspaceId}\u0000${d.targetKind}\u0000${d.targetId}`;

  /** Each distinct target of a claim, loaded once (a claim is one moment's view of them). */
  function loadTargets(claimed: readonly ClaimedDelivery[]): Map<string, Promise<AnyTarget>> {
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
  async function settle(d: ClaimedDelivery, status: 'held' | 'failed', note: string) {
    await db.query(
      `update deliveries set status = $4, claimed_by = null, claimed_until = null,
              attempts = attempts - 1, last_error = $5
        where workspace_id = $1 and id = $2 and claimed_by = $3`,
      [d.workspaceId, d.id, processId, status, note],
    );
  }

  /** Sends one claimed delivery; what to record, or null when it was settled without a send. */
  async function deliver(d: ClaimedDelivery, target: AnyTarget): Promise<AttemptRecord | null> {
    const transport = TRANSPORTS[d.targetKind as keyof typeof TRANSPORTS];
    if (!transport) return null;
    if (!target) {
      await settle(d, 'failed', 'target deleted');
      return null;
    }
    if (!target.enabled) {
      await settle(d, 'held', 'target disabled');
      return null;
    }
    const startedAt = deps.clock.now();
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
      timeoutMs: config.deliveryTimeoutMs,
      allowHosts: config.outboundAllowHosts,
      now: () => deps.clock.now(),
    });
    return { d, ex, request: requestExcerpt(req), startedAt, label: target.label, transport };
  }

  /** Sends one claimed delivery; what to record, or null (settled, or failed: the lease lapses). */
  async function deliverSafely(
    d: ClaimedDelivery,
    target: Promise<AnyTarget> | undefined,
  ): Promise<AttemptRecord | null> {
    try {
      return await deliver(d, (await target) ?? null);
    } catch (e) {
      // the claim lapses and another claim retries it
      console.error(`closeloop: delivery ${d.id} failed`, e);
      return null;
    }
  }

  /** Hands one claim back uncounted (it waited too long for a slot to be sent safely). */
  async function release(d: ClaimedDelivery) {
    await db
      .query(
        `update deliveries set claimed_by = null, claimed_until = null, attempts = attempts - 1
          where workspace_id = $1 and id = $2 and claimed_by = $3 and attempts = $4`,
        [d.workspaceId, d.id, processId, d.attempt],
      )
      .catch((e) => console.error(`closeloop: releasing delivery ${d.id} failed`, e));
  }

  const recordOpts = {
    processId,
    retryScale: config.deliveryRetryScale,
    testClock: config.testClock,
    now: () => deps.clock.now(),
  };
  const record = (items: readonly AttemptRecord[]) =>
    recordAttempts(db, items, recordOpts).catch((e) =>
      console.error('closeloop: recording deliveries failed', e),
    );

  async function fanOutAll(): Promise<number> {
    let fannedOut = 0;
    for (;;) {
      const n = await fanOutOnce(db, config.deliveryBatch);
      fannedOut += n;
      if (n) {
        dry = false;
        poke();
      }
      if (n < config.deliveryBatch || stopped) return fannedOut;
    }
  }

  async function runOnce() {
    const fannedOut = await fanOutAll();
    const claimed = await claim(slots);
    const targets = loadTargets(claimed);
    const done = await Promise.all(claimed.map((d) => deliverSafely(d, targets.get(targetKey(d)))));
    await record(done.filter((x): x is AttemptRecord => x !== null));
    return { fannedOut, sent: claimed.length };
  }

  // ---- the pool ----
  let stopped = true;
  let closed = false;
  /** The last claim came back short: claim again after the next tick, fan-out or kick. */
  let dry = false;
  let inFlight = 0;
  /** Claimed, waiting for a slot (the pump holds at most HELD_PER_SLOT rounds). */
  const queue: Queued[] = [];
  const sending = new Set<Promise<void>>();
  const finished: AttemptRecord[] = [];
  let recording: Promise<void> | null = null;
  let recordTimer: ReturnType<typeof setTimeout> | null = null;
  let wakePump: (() => void) | null = null;
  let wakeTicker: (() => void) | null = null;
  let tickTimer: ReturnType<typeof setTimeout> | null = null;
  let pumping: Promise<void> | null = null;
  let ticking: Promise<void> | null = null;

  function poke() {
    const w = wakePump;
    wakePump = null;
    w?.();
  }

  /**
   * Records what finished: at once when two rounds' worth have finished, nothing else is in
   * flight or the worker is stopping, else after at most RECORD_WAIT_MS so that exchanges
   * finishing close together share one transaction.
   */
  function recordFinished() {
    if (recording || closed || !finished.length) return;
    if (finished.length >= RECORD_BATCH_PER_SLOT * slots || inFlight === 0 || stopped)
      flushFinished();
    else recordTimer ??= setTimeout(flushFinished, RECORD_WAIT_MS);
  }

  function flushFinished() {
    if (recordTimer) clearTimeout(recordTimer);
    recordTimer = null;
    // after stop() handed the claims back, a late exchange is not recorded (it is retried)
    if (recording || closed || !finished.length) return;
    recording = record(finished.splice(0, finished.length)).finally(() => {
      recording = null;
      recordFinished();
      poke();
    });
  }

  /** Starts one queued delivery in a free slot. */
  function startOne(item: Queued) {
    inFlight++;
    const one: Promise<void> = (async () => {
      if (performance.now() - item.claimedAt > maxWaitMs) {
        await release(item.d);
        return null;
      }
      return deliverSafely(item.d, item.target);
    })().then((r) => {
      inFlight--;
      sending.delete(one);
      if (r) {
        finished.push(r);
        recordFinished();
      }
      poke();
    });
    sending.add(one);
  }

  async function pump() {
    while (!stopped) {
      while (inFlight < slots) {
        const item = queue.shift();
        if (!item) break;
        startOne(item);
      }
      const held = inFlight + queue.length;
      if (held <= slots && !dry && finished.length < RECORD_BACKLOG_PER_SLOT * slots) {
        // claim for the free slots and a few rounds ahead, so a freed slot starts at once and
        // each claim is a batch
        const want = HELD_PER_SLOT * slots - held;
        const at = performance.now();
        let claimed: ClaimedDelivery[] = [];
        try {
          claimed = await claim(want);
        } catch (e) {
          console.error('closeloop: claiming deliveries failed', e);
        }
        if (claimed.length < want) dry = true;
        const targets = loadTargets(claimed);
        for (const d of claimed)
          queue.push({
            d,
            target: targets.get(targetKey(d)) ?? Promise.resolve(null),
            claimedAt: at,
          });
        continue;
      }
      await new Promise<void>((resolve) => {
        wakePump = resolve;
      });
    }
  }

  async function tick() {
    while (!stopped) {
      try {
        await fanOutAll();
      } catch (e) {
        console.error('closeloop: delivery fan-out failed', e);
      }
      // retries and Retry-After come due with time: claim again
      dry = false;
      poke();
      if (stopped) return;
      await new Promise<void>((resolve) => {
        wakeTicker = resolve;
        tickTimer = setTimeout(resolve, config.deliveryIntervalMs);
      });
      if (tickTimer) clearTimeout(tickTimer);
      tickTimer = null;
      wakeTicker = null;
    }
  }

  return {
    runOnce,
    async runUntilIdle(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      let total = 0;
      for (;;) {
        const { fannedOut, sent } = await runOnce();
        total += sent;
        if (!fannedOut && !sent) return total;
        if (Date.now() > until) throw new Error('delivery did not become idle');
      }
    },
    kick() {
      if (stopped) return;
      dry = false;
      poke();
      wakeTicker?.();
    },
    start() {
      if (config.deliveryIntervalMs <= 0 || !stopped) return;
      stopped = false;
      closed = false;
      dry = false;
      pumping = pump();
      ticking = tick();
    },
    async stop(graceMs) {
      if (stopped && !pumping) return;
      stopped = true;
      poke();
      wakeTicker?.();
      const drained = (async () => {
        await Promise.all([pumping, ticking]);
        await Promise.all(sending);
        flushFinished();
        while (recording) await recording;
      })();
      await (graceMs === undefined ? drained : Promise.race([drained, Bun.sleep(graceMs)]));
      pumping = null;
      ticking = null;
      closed = true;
      finished.length = 0;
      queue.length = 0;
      await db
        .query(
          `update deliveries set claimed_by = null, claimed_until = null, attempts = attempts - 1
            where claimed_by = $1 and status = 'pending'`,
          [processId],
        )
        .catch(() => {});
    },
  };
}
