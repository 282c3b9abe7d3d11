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
import {
  type AnyTarget,
  type ClaimEnv,
  claimDeliveries,
  loadTargets,
  releaseAllClaims,
  releaseClaim,
  targetKey,
} from './claims.ts';
import { fanOutOnce } from './fanout.ts';
import { type AttemptRecord, type ClaimedDelivery, recordAttempts } from './record-attempt.ts';
import { deliverSafely, type SendEnv } from './send.ts';

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
  const env: SendEnv = { ...deps, processId, leaseMs: lease, testClock: config.testClock };
  const record = recordWith(env);

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
    const claimed = await claimDeliveries(env, slots);
    const targets = loadTargets(db, claimed);
    const done = await Promise.all(
      claimed.map((d) => deliverSafely(env, d, targets.get(targetKey(d)))),
    );
    await record(done.filter((x): x is AttemptRecord => x !== null));
    return { fannedOut, sent: claimed.length };
  }

  // ---- the pool ----
  let stopped = true;
  /** The last claim came back short: claim again after the next tick, fan-out or kick. */
  let dry = false;
  let inFlight = 0;
  /** Claimed, waiting for a slot (the pump holds at most HELD_PER_SLOT rounds). */
  const queue: Queued[] = [];
  const sending = new Set<Promise<void>>();
  const recorder = createRecorder({
    record,
    batch: RECORD_BATCH_PER_SLOT * slots,
    urgent: () => inFlight === 0 || stopped,
    after: () => poke(),
  });
  let wakePump: (() => void) | null = null;
  let pumping: Promise<void> | null = null;
  const ticker = createTicker(config.deliveryIntervalMs, async () => {
    try {
      await fanOutAll();
    } catch (e) {
      console.error('closeloop: delivery fan-out failed', e);
    }
    // retries and Retry-After come due with time: claim again
    dry = false;
    poke();
  });

  function poke() {
    const w = wakePump;
    wakePump = null;
    w?.();
  }

  /** Starts one queued delivery in a free slot. */
  function startOne(item: Queued) {
    inFlight++;
    const one: Promise<void> = (async () => {
      if (performance.now() - item.claimedAt > maxWaitMs) {
        await releaseClaim(env, item.d);
        return null;
      }
      return deliverSafely(env, item.d, item.target);
    })().then((r) => {
      inFlight--;
      sending.delete(one);
      if (r) recorder.push(r);
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
      if (held <= slots && !dry && recorder.backlog() < RECORD_BACKLOG_PER_SLOT * slots) {
        // claim for the free slots and a few rounds ahead, so a freed slot starts at once and
        // each claim is a batch
        const want = HELD_PER_SLOT * slots - held;
        const claimed = await claimQueued(env, want);
        if (claimed.length < want) dry = true;
        queue.push(...claimed);
        continue;
      }
      await new Promise<void>((resolve) => {
        wakePump = resolve;
      });
    }
  }

  return {
    runOnce,
    runUntilIdle: (timeoutMs = 30_000) => untilIdle(runOnce, timeoutMs),
    kick() {
      if (stopped) return;
      dry = false;
      poke();
      ticker.wake();
    },
    start() {
      if (config.deliveryIntervalMs <= 0 || !stopped) return;
      stopped = false;
      recorder.open();
      dry = false;
      pumping = pump();
      ticker.start(() => stopped);
    },
    async stop(graceMs) {
      if (stopped && !pumping) return;
      stopped = true;
      poke();
      ticker.wake();
      const drained = (async () => {
        await Promise.all([pumping, ticker.done()]);
        await Promise.all(sending);
        await recorder.drain();
      })();
      await (graceMs === undefined ? drained : Promise.race([drained, Bun.sleep(graceMs)]));
      pumping = null;
      ticker.forget();
      recorder.close();
      queue.length = 0;
      await releaseAllClaims(env);
    },
  };
}

/** Records finished exchanges, all of them in one transaction; a failure is logged. */
function recordWith(env: SendEnv) {
  const recordOpts = {
    processId: env.processId,
    retryScale: env.config.deliveryRetryScale,
    testClock: env.config.testClock,
    now: () => env.clock.now(),
  };
  return (items: readonly AttemptRecord[]) =>
    recordAttempts(env.db, items, recordOpts).catch((e) =>
      console.error('closeloop: recording deliveries failed', e),
    );
}

/** Claims up to `want` deliveries, each queued with its target (loaded once a claim). */
async function claimQueued(env: ClaimEnv, want: number): Promise<Queued[]> {
  const at = performance.now();
  let claimed: ClaimedDelivery[] = [];
  try {
    claimed = await claimDeliveries(env, want);
  } catch (e) {
    console.error('closeloop: claiming deliveries failed', e);
  }
  const targets = loadTargets(env.db, claimed);
  return claimed.map((d) => ({
    d,
    target: targets.get(targetKey(d)) ?? Promise.resolve(null),
    claimedAt: at,
  }));
}

/** Rounds until nothing is fanned out or sent; the deliveries sent. */
async function untilIdle(
  runOnce: () => Promise<{ fannedOut: number; sent: number }>,
  timeoutMs: number,
): Promise<number> {
  const until = Date.now() + timeoutMs;
  let total = 0;
  for (;;) {
    const { fannedOut, sent } = await runOnce();
    total += sent;
    if (!fannedOut && !sent) return total;
    if (Date.now() > until) throw new Error('delivery did not become idle');
  }
}

/**
 * The recorder: writes what finished at once when `batch` have finished or `urgent()` (nothing
 * else in flight, or stopping), else after at most RECORD_WAIT_MS so that exchanges finishing
 * close together share one transaction. Once closed (stop() handed the claims back), a late
 * exchange is not recorded (it is retried).
 */
function createRecorder(o: {
  record(items: readonly AttemptRecord[]): Promise<void>;
  batch: number;
  urgent(): boolean;
  after(): void;
}) {
  const finished: AttemptRecord[] = [];
  let recording: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  function schedule() {
    if (recording || closed || !finished.length) return;
    if (finished.length >= o.batch || o.urgent()) flush();
    else timer ??= setTimeout(flush, RECORD_WAIT_MS);
  }

  function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (recording || closed || !finished.length) return;
    recording = o.record(finished.splice(0, finished.length)).finally(() => {
      recording = null;
      schedule();
      o.after();
    });
  }

  return {
    push(r: AttemptRecord) {
      finished.push(r);
      schedule();
    },
    backlog: () => finished.length,
    async drain() {
      flush();
      while (recording) await recording;
    },
    open() {
      closed = false;
    },
    close() {
      closed = true;
      finished.length = 0;
    },
  };
}

/** The ticker: runs `round` now and then every `intervalMs` (or at once on wake) until stopped. */
function createTicker(intervalMs: number, round: () => Promise<void>) {
  let wakeTicker: (() => void) | null = null;
  let tickTimer: ReturnType<typeof setTimeout> | null = null;
  let ticking: Promise<void> | null = null;

  async function tick(stopped: () => boolean) {
    while (!stopped()) {
      await round();
      if (stopped()) return;
      await new Promise<void>((resolve) => {
        wakeTicker = resolve;
        tickTimer = setTimeout(resolve, intervalMs);
      });
      if (tickTimer) clearTimeout(tickTimer);
      tickTimer = null;
      wakeTicker = null;
    }
  }

  return {
    start(stopped: () => boolean) {
      ticking = tick(stopped);
    },
    wake: () => wakeTicker?.(),
    done: () => ticking,
    forget() {
      ticking = null;
    },
  };
}
