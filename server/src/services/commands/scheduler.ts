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
import { type Calendar, chinaCalendar, type Roster } from '@closeloop/engine';
import type { Stmt } from '../../db/client.ts';
import type { Deps } from '../core/context.ts';
import { DomainError } from '../core/errors.ts';
import { POOL_TIMER_KINDS } from '../customers/customer-stmts.ts';
import { firePoolTimer } from '../customers/pool-timers.ts';
import { AlreadyHandled, type CommandEnv, type RunCommand, runCommand } from './command.ts';
import { commitPlans, type Plan, type Preloaded, planCommand } from './command-stages.ts';
import { planHandoffs } from './handoffs.ts';
import { type StoredRecord, storedRecordOf } from './record-store.ts';
import { loadRoster } from './roster.ts';

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

type Claimed = {
  workspaceId: string;
  id: string;
  recordId: string;
  kind: string;
  dueMs: number;
  offsetMs: number;
};

const LEASE_SECONDS = 30;
/** Timers per transaction at the least when a claimed batch is split across connections. */
const BATCH_MIN = 25;

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
        returning u.workspace_id, u.id, u.record_id, u.kind,
                  (extract(epoch from u.due_at) * 1000)::float8 as due_ms,
                  (${offsetExpr.replaceAll('t.workspace_id', 'u.workspace_id')})::float8 as offset_ms`,
      params,
    );
    return rows.map((r) => ({
      workspaceId: String(r.workspace_id),
      id: String(r.id),
      recordId: String(r.record_id),
      kind: String(r.kind),
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

  function markStmt(t: Claimed, status: 'skipped', note: string): Stmt {
    return {
      text: `update timers set status = $4, note = $5, fired_at = now()
              where workspace_id = $1 and id = $2 and status = 'claimed' and claimed_by = $3`,
      params: [t.workspaceId, t.id, processId, status, note.slice(0, 200)],
    };
  }

  async function commandFor(t: Claimed): Promise<RunCommand> {
    const env: CommandEnv = {
      ...deps,
      workspaceId: t.workspaceId,
      actor: { id: 'system', role: 'admin', system: true },
      // a timer takes effect at its due time at the earliest, whatever this clock says
      now: Math.max(deps.clock.now() + t.offsetMs, t.dueMs),
      calendar: await calendarOf(t.workspaceId),
    };
    return {
      env,
      recordId: t.recordId,
      cmd: { type: 'timer', timerId: t.id },
      // row-shaped and keyed by the timer, so a batch's guards merge into one statement; it
      // writes under its record, so a second timer of one record keeps its place after the first
      guards: [
        {
          text: `update timers t set status = 'fired', fired_at = now()
                   from unnest($1::text[], $2::text[], $3::text[]) as x(w, i, p)
                  where t.workspace_id = x.w and t.id = x.i and t.status = 'claimed'
                    and t.claimed_by = x.p
                  returning t.id as k`,
          params: [[t.workspaceId], [t.id], [processId]],
          rows: { keys: [t.id], owns: [t.recordId] },
        },
      ],
      retryOnStale: 8,
    };
  }

  /** Fires one timer in its own transaction (the fallback when a batch cannot commit). */
  async function fire(t: Claimed): Promise<void> {
    try {
      await runCommand(await commandFor(t));
    } catch (e) {
      if (e instanceof AlreadyHandled) return;
      if (e instanceof DomainError) {
        // the engine says the timer no longer applies (stage left, record closed): done
        const skip = markStmt(t, 'skipped', e.code);
        await db.query(skip.text, skip.params);
        return;
      }
      throw e;
    }
  }

  /** The records of a batch in one query, and one roster per workspace for all of them. */
  async function loadBatch(queues: Claimed[][]) {
    const ws = queues.map((q) => q[0]?.workspaceId ?? '');
    const ids = queues.map((q) => q[0]?.recordId ?? '');
    const rows = await db.query(
      `select r.workspace_id, r.id, r.state, r.version, r.event_count
         from unnest($1::text[], $2::text[]) as k(w, i)
         join records r on r.workspace_id = k.w and r.id = k.i`,
      [ws, ids],
    );
    const records = new Map<string, StoredRecord>();
    for (const r of rows) records.set(`${r.workspace_id}\u0000${r.id}`, storedRecordOf(r));
    const teamsByWs = new Map<string, Set<string>>();
    for (const [key, rec] of records) {
      const w = key.slice(0, key.indexOf('\u0000'));
      let teams = teamsByWs.get(w);
      if (!teams) {
        teams = new Set(deps.sops.knownTeams(w));
        teamsByWs.set(w, teams);
      }
      if (rec.state.teamId) teams.add(rec.state.teamId);
      const sop = await deps.sops.get(w, rec.state.sopId, rec.state.sopVersion);
      for (const t of sop.teams) teams.add(t);
    }
    const rosters = new Map<string, Omit<Preloaded, 'stored'>>();
    for (const [w, teams] of teamsByWs) {
      const offset = queues.find((q) => q[0]?.workspaceId === w)?.[0]?.offsetMs ?? 0;
      // without open-record counts (a scan of each member's open records); a timer whose
      // decision may depend on them is decided again on a full roster (see planCommand)
      const roster = await loadRoster(db, w, [...teams], deps.clock.now() + offset, false);
      rosters.set(w, { roster, teams, counts: false });
    }
    return { records, rosters };
  }

  /**
   * Fires the timers of some records in ONE transaction: each record's timers in due order,
   * each stepped on the state the previous one left, all statements sent together. If the
   * transaction cannot commit (a guard missed because a user wrote the record meanwhile, or
   * any error), it is rolled back whole and the timers are fired one by one instead; each
   * timer's guard (claimed by this process) makes either way take effect exactly once.
   */
  async function fireBatch(queues: Claimed[][]): Promise<void> {
    let oneByOne: Claimed[][] = [];
    try {
      const { records, rosters } = await loadBatch(queues);
      const plans: Plan[] = [];
      const skips: Stmt[] = [];
      for (const queue of queues) {
        const first = queue[0];
        if (!first) continue;
        let current = records.get(`${first.workspaceId}\u0000${first.recordId}`) ?? null;
        const r = rosters.get(first.workspaceId) ?? {
          roster: { teams: [] },
          teams: new Set<string>(),
          counts: true,
        };
        for (let i = 0; i < queue.length; i++) {
          const t = queue[i];
          if (!t) continue;
          let p: Plan;
          let handoffs: Plan[];
          try {
            const input = await commandFor(t);
            p = await planCommand(input, { ...r, stored: current });
            // a move whose action hands off starts the target record in the same batch
            handoffs = await planHandoffs(input, p);
          } catch (e) {
            if (e instanceof DomainError) {
              skips.push(markStmt(t, 'skipped', e.code));
              continue;
            }
            oneByOne.push(queue.slice(i));
            break;
          }
          if (p.planned.length === 0) {
            oneByOne.push(queue.slice(i));
            break;
          }
          plans.push(p, ...handoffs);
          trackAssignments(r.roster, p);
          current = p.after;
        }
      }
      // a miss (a user wrote a record meanwhile) rolled the whole batch back
      const committed = await commitPlans(deps, plans, skips);
      if (!committed.ok) oneByOne = queues;
    } catch (e) {
      console.error('timer batch failed; firing one by one', e);
      oneByOne = queues;
    }
    for (const queue of oneByOne) {
      for (const t of queue) {
        try {
          await fire(t);
        } catch (e) {
          // left claimed: the lease lapses and a later round retries it
          console.error(`timer ${t.id} failed`, e);
        }
      }
    }
  }

  /** A 公海 timer (record_id names a customer): fired in its own transaction. */
  async function firePool(t: Claimed): Promise<void> {
    const kind = POOL_TIMER_KINDS.find((k) => k === t.kind);
    if (!kind) return;
    try {
      await firePoolTimer(
        db,
        {
          workspaceId: t.workspaceId,
          id: t.id,
          customerId: t.recordId,
          kind,
          now: Math.max(deps.clock.now() + t.offsetMs, t.dueMs),
        },
        processId,
        await calendarOf(t.workspaceId),
      );
    } catch (e) {
      // left claimed: the lease lapses and a later round retries it
      console.error(`pool timer ${t.id} failed`, e);
    }
  }

  async function runOnce(opts: { workspaceId?: string } = {}): Promise<number> {
    const all = await claim(config.schedulerBatch, opts.workspaceId);
    if (all.length === 0) return 0;
    const claimed = all.filter((t) => !t.kind.startsWith('pool.'));
    for (const t of all) if (t.kind.startsWith('pool.')) await firePool(t);
    if (claimed.length === 0) return all.length;
    // one record's timers in order (they chain on its version); records batched together
    const byRecord = new Map<string, Claimed[]>();
    for (const t of claimed) {
      const k = `${t.workspaceId}\u0000${t.recordId}`;
      const list = byRecord.get(k);
      if (list) list.push(t);
      else byRecord.set(k, [t]);
    }
    // a few transactions in parallel (one on PGlite), each a slice of whole records
    const width = db.kind === 'pglite' ? 1 : Math.max(1, Math.min(4, config.poolSize - 2));
    const queues = [...byRecord.values()];
    const size = Math.max(BATCH_MIN, Math.ceil(claimed.length / width));
    const batches: Claimed[][][] = [];
    let cur: Claimed[][] = [];
    let n = 0;
    for (const q of queues) {
      cur.push(q);
      n += q.length;
      if (n >= size) {
        batches.push(cur);
        cur = [];
        n = 0;
      }
    }
    if (cur.length) batches.push(cur);
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await fireBatch(batches[next++] ?? []);
    };
    await Promise.all(Array.from({ length: Math.min(width, batches.length) }, worker));
    return all.length;
  }

  async function dueLeft(workspaceId: string): Promise<number> {
    const rows = await db.query(
      `select count(*)::int as n from timers t
        where t.workspace_id = $1 and t.status in ('pending', 'claimed') and t.due_at <= ${dueNow}`,
      [workspaceId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async function release(): Promise<number> {
    // a timer locked by a firing transaction still in flight is left to it (fired, or
    // rolled back and retried after the lease); any other claim goes back now. A firing
    // transaction checks `claimed_by` in its guard, so it cannot also fire a released timer
    const rows = await db.query(
      `update timers u set status = 'pending', claimed_by = null, claimed_until = null
         from (select workspace_id, id from timers
                where status = 'claimed' and claimed_by = $1
                for update skip locked) c
        where u.workspace_id = c.workspace_id and u.id = c.id
        returning u.id`,
      [processId],
    );
    return rows.length;
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
    async stop(graceMs) {
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

/**
 * Carries a planned assignment into the batch's shared roster, so the next timer's
 * round-robin and weighted picks see it. (That roster has no open-record counts to adjust: a
 * decision that may depend on them is taken on a full roster, see planCommand. An import's
 * batch, which reads counts, adjusts them itself.)
 */
export function trackAssignments(roster: Roster, p: Plan) {
  for (const fx of p.effects) {
    if (fx.type !== 'assign' || !fx.teamId || fx.rrCursor === undefined) continue;
    const team = roster.teams.find((t) => t.id === fx.teamId);
    if (!team) continue;
    team.rrCursor = Math.max(team.rrCursor, fx.rrCursor);
    if (fx.userId) {
      team.assigned = { ...team.assigned, [fx.userId]: (team.assigned?.[fx.userId] ?? 0) + 1 };
    }
  }
}
