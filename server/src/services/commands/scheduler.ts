/**
 * Durable time. Each server process runs one scheduler that claims due timers with
 * FOR UPDATE SKIP LOCKED (so processes never wait on or share a timer), then fires each one
 * as an ordinary engine command. Due times are compared with the database's now(), never
 * this process's clock.
 *
 * Exactly once: a claim is a lease (status `claimed`, `claimed_until`); the firing
 * transaction marks the timer `fired` only if this process still holds the claim, in the same
 * transaction as the record change, so a timer takes effect once even when a process dies
 * mid-batch (its lease lapses and another process claims the timer again).
 */
import type { Deps } from '../core/context.ts';
import {
  type Claimed,
  claimTimers,
  countDue,
  dueSql,
  releaseClaims,
  sliceByRecord,
} from './timer-claims.ts';
import { createCalendarCache, type FiringEnv, fireBatch, firePool } from './timer-firing.ts';

export type Scheduler = {
  /** Claims and fires one batch; returns how many timers it claimed. */
  runOnce(opts?: { workspaceId?: string }): Promise<number>;
  /** Fires until no timer of the workspace is due (test clock, simulator). */
  runUntilIdle(workspaceId: string, timeoutMs?: number): Promise<number>;
  start(): void;
  /**
   * Ends the loop: waits up to `graceMs` (default: no limit) for the round in progress, then
   * hands back every timer this process still holds claimed, so another process fires it
   * now instead of after the lease.
   */
  stop(graceMs?: number): Promise<void>;
  /** Returns this process's claimed, unfired timers to pending; how many. */
  release(): Promise<number>;
};

/** Timers per transaction at the least when a claimed batch is split across connections. */
const BATCH_MIN = 25;
/** How often the loop purges idempotency keys older than a day. */
const PURGE_EVERY_MS = 600_000;

export function createScheduler(deps: Deps, processId = crypto.randomUUID()): Scheduler {
  const { db, config } = deps;
  const sql = dueSql(config.testClock);
  const env: FiringEnv = { deps, processId, calendarOf: createCalendarCache(db) };
  // a few transactions in parallel (one on PGlite), each a slice of whole records
  const width = db.kind === 'pglite' ? 1 : Math.max(1, Math.min(4, config.poolSize - 2));

  async function runOnce(opts: { workspaceId?: string } = {}): Promise<number> {
    const all = await claimTimers(db, sql, processId, config.schedulerBatch, opts.workspaceId);
    if (all.length === 0) return 0;
    const claimed = all.filter((t) => !t.kind.startsWith('pool.'));
    for (const t of all) if (t.kind.startsWith('pool.')) await firePool(env, t);
    if (claimed.length === 0) return all.length;
    await fireInParallel(env, sliceByRecord(claimed, width, BATCH_MIN), width);
    return all.length;
  }

  const release = () => releaseClaims(db, processId);
  const loop = createLoop({
    intervalMs: config.schedulerIntervalMs,
    batch: config.schedulerBatch,
    async round() {
      return runOnce();
    },
    async purge() {
      await db.query("delete from idempotency_keys where created_at < now() - interval '24 hours'");
    },
  });

  return {
    runOnce,
    async runUntilIdle(workspaceId, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      let total = 0;
      for (;;) {
        total += await runOnce({ workspaceId });
        if ((await countDue(db, sql, workspaceId)) === 0) return total;
        if (Date.now() > until) throw new Error('timers still due after the timeout');
        // another process holds some claims; give it a moment
        await Bun.sleep(20);
      }
    },
    start: loop.start,
    async stop(graceMs) {
      await loop.stop(graceMs);
      try {
        const n = await release();
        if (n) console.log(`scheduler: released ${n} claimed timer(s)`);
      } catch (e) {
        // the leases lapse by themselves; another process fires the timers then
        console.error('scheduler: could not release claimed timers', e);
      }
    },
    release,
  };
}

/** Fires the slices on at most `width` transactions at once. */
async function fireInParallel(env: FiringEnv, batches: Claimed[][][], width: number) {
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await fireBatch(env, batches[next++] ?? []);
  };
  await Promise.all(Array.from({ length: Math.min(width, batches.length) }, worker));
}

/**
 * The scheduler's loop: a round, then (unless the round was full) a sleep of `intervalMs`
 * that stop() cuts short; every PURGE_EVERY_MS the purge too. An interval of 0 never starts.
 */
function createLoop(o: {
  intervalMs: number;
  batch: number;
  round(): Promise<number>;
  purge(): Promise<void>;
}) {
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  return {
    start() {
      if (running || o.intervalMs === 0) return;
      running = true;
      let lastPurge = 0;
      loop = (async () => {
        while (running) {
          let n = 0;
          try {
            n = await o.round();
            if (Date.now() - lastPurge > PURGE_EVERY_MS) {
              lastPurge = Date.now();
              await o.purge();
            }
          } catch (e) {
            console.error('scheduler round failed', e);
          }
          if (n < o.batch && running) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, o.intervalMs);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = null;
          }
        }
      })();
    },
    /** Ends the loop, waiting up to `graceMs` (default: no limit) for the round in progress. */
    async stop(graceMs?: number) {
      running = false;
      wake?.();
      if (loop) {
        const round = loop.then(() => true);
        const done =
          graceMs === undefined
            ? await round
            : await Promise.race([round, Bun.sleep(graceMs).then(() => false)]);
        if (!done)
          console.error('scheduler: round still running at shutdown; releasing its claims');
      }
      loop = null;
    },
  };
}
