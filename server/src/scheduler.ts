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
import { type Calendar, chinaCalendar } from '@closeloop/engine';
import { AlreadyHandled, type CommandEnv, runCommand } from './services/command.ts';
import type { Deps } from './services/context.ts';
import { DomainError } from './services/errors.ts';

export type Scheduler = {
  /** Claims and fires one batch; returns how many timers it claimed. */
  runOnce(opts?: { workspaceId?: string }): Promise<number>;
  /** Fires until no timer of the workspace is due (test clock, simulator). */
  runUntilIdle(workspaceId: string, timeoutMs?: number): Promise<number>;
  start(): void;
  stop(): Promise<void>;
};

type Claimed = {
  workspaceId: string;
  id: string;
  recordId: string;
  dueMs: number;
  offsetMs: number;
};

const LEASE_SECONDS = 30;

export function createScheduler(deps: Deps, processId = crypto.randomUUID()): Scheduler {
  const { db, config } = deps;
  const offsetExpr = config.testClock
    ? `(select w.clock_offset_ms from workspaces w where w.id = t.workspace_id)`
    : '0';
  // the scheduler's due test: the database's now(), shifted by a workspace's test clock
  const dueNow = config.testClock ? `now() + ${offsetExpr} * interval '1 millisecond'` : 'now()';

  async function claim(limit: number, workspaceId?: string): Promise<Claimed[]> {
    const params: unknown[] = [processId, limit];
    let wsFilter = '';
    if (workspaceId) {
      params.push(workspaceId);
      wsFilter = 'and t.workspace_id = $3';
    }
    const rows = await db.query(
      `update timers u set status = 'claimed', claimed_by = $1,
              claimed_until = now() + interval '${LEASE_SECONDS} seconds'
         from (select t.workspace_id, t.id from timers t
                where t.status in ('pending', 'claimed')
                  and (t.status = 'pending' or t.claimed_until < now())
                  and t.due_at <= ${dueNow} ${wsFilter}
                order by t.due_at
                limit $2
                for update skip locked) d
        where u.workspace_id = d.workspace_id and u.id = d.id
        returning u.workspace_id, u.id, u.record_id,
                  (extract(epoch from u.due_at) * 1000)::float8 as due_ms,
                  (${offsetExpr.replaceAll('t.workspace_id', 'u.workspace_id')})::float8 as offset_ms`,
      params,
    );
    return rows.map((r) => ({
      workspaceId: String(r.workspace_id),
      id: String(r.id),
      recordId: String(r.record_id),
      dueMs: Number(r.due_ms),
      offsetMs: Number(r.offset_ms) || 0,
    }));
  }

  const calendars = new Map<string, { at: number; cal: Calendar }>();
  async function calendarOf(workspaceId: string): Promise<Calendar> {
    const hit = calendars.get(workspaceId);
    if (hit && Date.now() - hit.at < 60_000) return hit.cal;
    const rows = await db.query('select calendar from workspaces where id = $1', [workspaceId]);
    const raw = rows[0]?.calendar;
    const cal = isCalendar(raw) ? raw : chinaCalendar;
    calendars.set(workspaceId, { at: Date.now(), cal });
    return cal;
  }

  async function mark(t: Claimed, status: 'skipped', note: string): Promise<void> {
    await db.query(
      `update timers set status = $4, note = $5, fired_at = now()
        where workspace_id = $1 and id = $2 and status = 'claimed' and claimed_by = $3`,
      [t.workspaceId, t.id, processId, status, note.slice(0, 200)],
    );
  }

  async function fire(t: Claimed): Promise<void> {
    const env: CommandEnv = {
      ...deps,
      workspaceId: t.workspaceId,
      actor: { id: 'system', role: 'admin', system: true },
      // a timer takes effect at its due time at the earliest, whatever this clock says
      now: Math.max(deps.clock.now() + t.offsetMs, t.dueMs),
      calendar: await calendarOf(t.workspaceId),
    };
    try {
      await runCommand({
        env,
        recordId: t.recordId,
        cmd: { type: 'timer', timerId: t.id },
        guards: [
          {
            text: `update timers set status = 'fired', fired_at = now()
                    where workspace_id = $1 and id = $2 and status = 'claimed' and claimed_by = $3
                    returning id`,
            params: [t.workspaceId, t.id, processId],
          },
        ],
        retryOnStale: 8,
      });
    } catch (e) {
      if (e instanceof AlreadyHandled) return;
      if (e instanceof DomainError) {
        // the engine says the timer no longer applies (stage left, record closed): done
        await mark(t, 'skipped', e.code);
        return;
      }
      throw e;
    }
  }

  async function runOnce(opts: { workspaceId?: string } = {}): Promise<number> {
    const claimed = await claim(config.schedulerBatch, opts.workspaceId);
    if (claimed.length === 0) return 0;
    // one record's timers in order (they race for its version); records in parallel
    const byRecord = new Map<string, Claimed[]>();
    for (const t of claimed) {
      const k = `${t.workspaceId}\u0000${t.recordId}`;
      const list = byRecord.get(k);
      if (list) list.push(t);
      else byRecord.set(k, [t]);
    }
    const queues = [...byRecord.values()];
    const width = db.kind === 'pglite' ? 1 : Math.max(1, Math.min(8, config.poolSize - 2));
    let next = 0;
    const worker = async () => {
      while (next < queues.length) {
        const queue = queues[next++] ?? [];
        for (const t of queue) {
          try {
            await fire(t);
          } catch (e) {
            // left claimed: the lease lapses and a later round retries it
            console.error(`timer ${t.id} failed`, e);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, queues.length) }, worker));
    return claimed.length;
  }

  async function dueLeft(workspaceId: string): Promise<number> {
    const rows = await db.query(
      `select count(*)::int as n from timers t
        where t.workspace_id = $1 and t.status in ('pending', 'claimed') and t.due_at <= ${dueNow}`,
      [workspaceId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  return {
    runOnce,
    async runUntilIdle(workspaceId, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      let total = 0;
      for (;;) {
        total += await runOnce({ workspaceId });
        if ((await dueLeft(workspaceId)) === 0) return total;
        if (Date.now() > until) throw new Error('timers still due after the timeout');
        // another process holds some claims; give it a moment
        await Bun.sleep(20);
      }
    },
    start() {
      if (running || config.schedulerIntervalMs === 0) return;
      running = true;
      let lastPurge = 0;
      loop = (async () => {
        while (running) {
          let n = 0;
          try {
            n = await runOnce();
            if (Date.now() - lastPurge > 600_000) {
              lastPurge = Date.now();
              await db.query(
                "delete from idempotency_keys where created_at < now() - interval '24 hours'",
              );
            }
          } catch (e) {
            console.error('scheduler round failed', e);
          }
          if (n < config.schedulerBatch && running) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, config.schedulerIntervalMs);
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
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = null;
    },
  };
}

function isCalendar(v: unknown): v is Calendar {
  return (
    !!v &&
    typeof v === 'object' &&
    'utcOffsetMinutes' in v &&
    'workStart' in v &&
    'weekend' in v &&
    'holidays' in v
  );
}
