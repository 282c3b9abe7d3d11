/**
 * The daily rollup behind long-period reports (docs/reports.md, *Rollup*).
 *
 * `report_days` holds, per cohort day (the records' local creation day), SOP version, team
 * and stage, the counts the funnel, breaches, stage times and the map add up, plus
 * histograms of the finished visits' wall and working durations; `report_day_edges` the
 * map's edges. They are computed with the live reports' own SQL fragments (figures.ts), so
 * the counts are the live ones; percentiles come from the histograms and are approximate.
 *
 * Freshness: every record write moves records.updated_at, so a refresh recomputes the cohort
 * days of the records written since its watermark (less two minutes for transactions that
 * commit late) in one transaction, under an advisory lock per (workspace, SOP). A report
 * whose period is longer than 31 days refreshes before it reads.
 */
import type { Db } from '../../db/client.ts';
import type { Ctx } from '../core/context.ts';
import {
  BUCKETS,
  dayNo,
  dayStr,
  LONG_PERIOD_DAYS,
  orderSignature,
  rebuildStatements,
  rollupSignature,
  runsOf,
  SLACK_MS,
  type StageFigures,
} from './rollup-build.ts';
import {
  DAY_MS,
  loadSopContext,
  num,
  Params,
  type Period,
  periodOf,
  type ReportFilters,
  type SopContext,
} from './scope.ts';

export {
  bucketLow,
  bucketOf,
  histPercentile,
  LONG_PERIOD_DAYS,
  SLACK_MS,
  type StageFigures,
  ZERO,
} from './rollup-build.ts';

export type RefreshResult = {
  rebuilt: boolean;
  days: number;
  ms: number;
  /** Left undone: over the budget, or another refresh of this SOP is running. */
  deferred?: 'budget' | 'busy';
};

/**
 * A report refreshes the rollup itself only when the days to recompute hold at most this
 * many records (about 200 ms of work); more — the first build, or a day of scattered writes
 * to old records — is done in the background while the report answers from the live SQL.
 */
export const INLINE_RECORDS = 3000;

type Query = (text: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;
type Changed = { id: string; version: number; at: number; day: number };

/**
 * Per database and (workspace, SOP): the record versions this process's last refresh took
 * in within the slack before its watermark. Valid only while the stored watermark is that
 * refresh's (a refresh elsewhere moves it and the slack is scanned in full again).
 */
/** Another refresh of the SOP held the lock past lock_timeout. */
class LockBusy extends Error {}

/** A Postgres error's SQLSTATE, if it has one. */
function pgCode(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e ? String(e.code) : undefined;
}

const SEEN = new WeakMap<Db, Map<string, { watermark: number; versions: Map<string, number> }>>();
function seenBy(db: Db) {
  let m = SEEN.get(db);
  if (!m) {
    m = new Map();
    SEEN.set(db, m);
  }
  return m;
}

/**
 * Brings the rollup of one SOP up to date: all of it when it has never been built or the
 * calendar or the reference version's stage order changed, else the cohort days of the
 * records written since the watermark. One transaction; concurrent refreshes of the same SOP
 * wait for each other (advisory lock) and the second finds little left to do.
 */
/** What one refresh works on. */
type Scope = {
  ctx: Ctx;
  sop: SopContext;
  ws: string;
  offMs: number;
  key: string;
  signature: string;
};

/** The records of the SOP written since `since`, with their cohort day. */
async function changedSince(s: Scope, q: Query, since: number): Promise<Changed[]> {
  const rows = await q(
    `select id, version, date_part('epoch', updated_at) * 1000 as at,
            floor((date_part('epoch', created_at) * 1000 + $3::float8) / ${DAY_MS})::int as d
       from records
      where workspace_id = $1 and updated_at >= $2::timestamptz and sop_id = $4`,
    [s.ws, new Date(since).toISOString(), s.offMs, s.sop.sopId],
  );
  return rows.map((r) => ({
    id: String(r.id),
    version: num(r.version),
    at: num(r.at),
    day: num(r.d),
  }));
}

/** What a refresh has to do: rebuild all, or recompute these runs of days (maybe none). */
async function planRefresh(s: Scope, q: Query) {
  const [state] = await q(
    `select watermark, utc_offset_minutes, signature from report_rollup_state
      where workspace_id = $1 and sop_id = $2`,
    [s.ws, s.sop.sopId],
  );
  const rebuilt =
    !state ||
    num(state.utc_offset_minutes) !== s.ctx.calendar.utcOffsetMinutes ||
    state.signature !== s.signature;
  if (rebuilt) {
    const [range] = await q(
      `select min(created_at) as lo, max(created_at) as hi from records
        where workspace_id = $1 and sop_id = $2`,
      [s.ws, s.sop.sopId],
    );
    const runs: Array<[number, number]> = range?.lo
      ? [
          [
            dayNo(new Date(String(range.lo)).getTime(), s.offMs),
            dayNo(new Date(String(range.hi)).getTime(), s.offMs),
          ],
        ]
      : [];
    return { rebuilt, runs, recentRows: null };
  }
  const watermark = new Date(state.watermark as string | Date).getTime();
  const rows = await changedSince(s, q, watermark - SLACK_MS);
  // the records this process already took in at the same watermark are not done again
  // (else every report in the two minutes after a write would redo its day)
  const prev = seenBy(s.ctx.db).get(s.key);
  const known = prev?.watermark === watermark ? prev.versions : null;
  const days = [
    ...new Set(rows.filter((r) => known?.get(r.id) !== r.version).map((r) => r.day)),
  ].sort((a, b) => a - b);
  return { rebuilt, runs: runsOf(days), recentRows: rows };
}

/** Whether the days to recompute hold more records than a report may refresh inline. */
async function overBudget(
  s: Scope,
  q: Query,
  runs: Array<[number, number]>,
  budget: number,
): Promise<boolean> {
  const [n] = await q(
    `select count(*)::int as n from (
       select 1 from unnest($3::text[]::timestamptz[], $4::text[]::timestamptz[]) as d(s, e)
         join records r on r.workspace_id = $1 and r.sop_id = $2
                       and r.created_at >= d.s and r.created_at < d.e
        limit $5) x`,
    [
      s.ws,
      s.sop.sopId,
      runs.map(([a]) => new Date(a * DAY_MS - s.offMs).toISOString()),
      runs.map(([, b]) => new Date((b + 1) * DAY_MS - s.offMs).toISOString()),
      budget + 1,
    ],
  );
  return num(n?.n) > budget;
}

/** Deletes the rows about to be recomputed: all of the SOP's, or those of the runs' days. */
async function clearDays(s: Scope, q: Query, rebuilt: boolean, runs: Array<[number, number]>) {
  const tables = ['report_days', 'report_day_edges', 'report_day_events'];
  if (rebuilt) {
    for (const table of tables) {
      await q(`delete from ${table} where workspace_id = $1 and sop_id = $2`, [s.ws, s.sop.sopId]);
    }
  } else if (runs.length) {
    const list = runs.flatMap(([a, b]) =>
      Array.from({ length: b - a + 1 }, (_, i) => dayStr(a + i)),
    );
    for (const table of tables) {
      await q(
        `delete from ${table} where workspace_id = $1 and sop_id = $2 and day = any($3::text[]::date[])`,
        [s.ws, s.sop.sopId, list],
      );
    }
  }
}

/**
 * Brings the rollup of one SOP up to date: all of it when it has never been built or the
 * calendar or the reference version's stage order changed, else the cohort days of the
 * records written since the watermark. One transaction; concurrent refreshes of the same SOP
 * wait for each other (advisory lock) and the second finds little left to do.
 */
export async function refreshRollup(
  ctx: Ctx,
  sop: SopContext,
  opts: { budget?: number } = {},
): Promise<RefreshResult> {
  const t0 = performance.now();
  const ws = ctx.user.workspaceId;
  const s: Scope = {
    ctx,
    sop,
    ws,
    offMs: ctx.calendar.utcOffsetMinutes * 60_000,
    key: `${ws}\u0000${sop.sopId}`,
    signature: rollupSignature(sop, ctx.calendar),
  };
  // records.updated_at is stamped with the writers' clock (the same as ctx.now), so the
  // watermark is read from it too, at the start of the transaction
  const start = ctx.now;
  /** The refresh's transaction; a report that timed out waiting for the lock is deferred. */
  const refreshIn = async <T>(
    work: (q: Query) => Promise<T>,
  ): Promise<T | { deferred: 'busy' }> => {
    try {
      return await ctx.db.transaction(work);
    } catch (e) {
      if (e instanceof LockBusy) return { deferred: 'busy' };
      throw e;
    }
  };
  const plan = (q: Query) => planRefresh(s, q);
  if (opts.budget !== undefined) {
    // a report's usual case, nothing to redo, is answered without a transaction or the lock,
    // so the dashboard's panels, asked for at once, do not wait for each other
    const pre = await plan((text, params) => ctx.db.query(text, params));
    if (!pre.rebuilt && pre.runs.length === 0) {
      return { rebuilt: false, days: 0, ms: performance.now() - t0 };
    }
  }
  const result = await refreshIn(async (q) => {
    if (ctx.db.kind === 'postgres') {
      await q("select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)");
      // a report waits a moment for another report's small refresh, not for a large one
      // running in the background: past a second it answers from the live SQL
      if (opts.budget !== undefined) await q("select set_config('lock_timeout', '1s', true)");
    }
    try {
      await q('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', [ws, sop.sopId]);
    } catch (e) {
      // the transaction is aborted: leave it, and answer from the live SQL
      if (opts.budget !== undefined && pgCode(e) === '55P03') throw new LockBusy();
      throw e;
    }
    // again under the lock: a refresh that held it may have done the work
    const { rebuilt, runs, recentRows } = await plan(q);
    if (opts.budget !== undefined && runs.length && (await overBudget(s, q, runs, opts.budget)))
      return { deferred: 'budget' as const };
    await clearDays(s, q, rebuilt, runs);
    if (runs.length) {
      for (const st of rebuildStatements(ctx, sop, runs)) await q(st.text, st.params);
    }
    await q(
      `insert into report_rollup_state (workspace_id, sop_id, watermark, utc_offset_minutes, signature, built_at)
       values ($1, $2, $3::timestamptz, $4, $5, $3::timestamptz)
       on conflict (workspace_id, sop_id) do update
          set watermark = excluded.watermark, utc_offset_minutes = excluded.utc_offset_minutes,
              signature = excluded.signature,
              built_at = case when $6 then excluded.built_at else report_rollup_state.built_at end`,
      [
        ws,
        sop.sopId,
        new Date(start).toISOString(),
        ctx.calendar.utcOffsetMinutes,
        s.signature,
        rebuilt,
      ],
    );
    const recent = recentRows ?? (await changedSince(s, q, start - SLACK_MS));
    return { rebuilt, days: runs.reduce((a, [x, y]) => a + y - x + 1, 0), recent };
  });
  if ('deferred' in result) {
    return { rebuilt: false, days: 0, ms: performance.now() - t0, deferred: result.deferred };
  }
  const versions = new Map<string, number>();
  for (const r of result.recent) if (r.at >= start - SLACK_MS) versions.set(r.id, r.version);
  seenBy(ctx.db).set(s.key, { watermark: start, versions });
  return { rebuilt: result.rebuilt, days: result.days, ms: performance.now() - t0 };
}

/** Refreshes in flight in this process, per database and (workspace, SOP). */
const RUNNING = new WeakMap<Db, Set<string>>();

/**
 * Starts a full refresh that the caller does not wait for (at most one per SOP in this
 * process; other processes skip it while the advisory lock is held). Its failure is logged,
 * not thrown: the next long report tries again, and reports answer live meanwhile.
 */
export function refreshInBackground(ctx: Ctx, sop: SopContext): Promise<void> {
  let running = RUNNING.get(ctx.db);
  if (!running) {
    running = new Set();
    RUNNING.set(ctx.db, running);
  }
  const key = `${ctx.user.workspaceId}\u0000${sop.sopId}`;
  if (running.has(key)) return Promise.resolve();
  running.add(key);
  const set = running;
  return refreshRollup(ctx, sop)
    .then(
      () => {},
      (e: unknown) => {
        console.error(`report rollup refresh of ${sop.sopId} failed:`, e);
      },
    )
    .finally(() => set.delete(key));
}

/** Sum the histograms in SQL (one sum per bucket) or in the process; see docs/reports.md, Figures. */
export const rollupOptions = { sumInSql: true };

export type Rollup = {
  period: Period;
  /** Per-stage figures (and '#status' rows: `entered` = records by status). */
  stages(hist: boolean): Promise<Map<string, StageFigures>>;
  /** Records and times per (source, target) of the visits: `source\u0000target`. */
  edges(): Promise<Map<string, { records: number; taken: number }>>;
  /** getTrends' rows: records created per local day, and its events per day they happened on. */
  trends(): Promise<Array<{ day: string; kind: string; n: number }>>;
};

/**
 * The rollup for this report, refreshed, or null when the live SQL must answer: periods of
 * up to 31 days, owner and source filters (they narrow the cohort below a cell), a manager
 * who owns records outside their teams, and a SOP version whose stage order differs from the
 * one the rollup was computed with.
 */
export async function rollupFor(
  ctx: Ctx,
  input: ReportFilters,
  sop: SopContext,
  opts: { live?: boolean } = {},
): Promise<Rollup | null> {
  if (opts.live) return null;
  const period = periodOf(input, ctx.now, ctx.calendar);
  if (period.toMs - period.fromMs <= LONG_PERIOD_DAYS * DAY_MS) return null;
  if (input.ownerId || (input.source !== undefined && input.source !== '')) return null;
  const user = ctx.user;
  if (user.role !== 'admin' && user.role !== 'manager') return null;
  const ws = ctx.user.workspaceId;
  if (user.role === 'manager') {
    const own = await ctx.db.query(
      `select 1 from records where workspace_id = $1 and owner_id = $2 and sop_id = $3
          and (team_id is null or not (team_id = any($4::text[]))) limit 1`,
      [ws, user.id, sop.sopId, user.teamIds],
    );
    if (own.length) return null;
  }
  const ref = input.version === undefined ? sop : await loadSopContext(ctx, sop.sopId);
  if (orderSignature(ref) !== orderSignature(sop)) return null;
  const fresh = await refreshRollup(ctx, ref, { budget: INLINE_RECORDS });
  if (fresh.deferred) {
    if (fresh.deferred === 'budget') refreshInBackground(ctx, ref);
    return null;
  }

  const where = (params = new Params(), dayCol = 'day') => {
    const w = [
      `workspace_id = ${params.p(ws)}`,
      `sop_id = ${params.p(sop.sopId)}`,
      `${dayCol} >= ${params.p(period.from)}::date`,
      `${dayCol} <= ${params.p(period.to)}::date`,
    ];
    if (input.version !== undefined) w.push(`sop_version = ${params.p(input.version)}::int`);
    if (input.teamId) w.push(`team_id = ${params.p(input.teamId)}`);
    if (user.role === 'manager') w.push(`team_id = any(${params.p(user.teamIds)}::text[])`);
    return { params, sql: w.join(' and ') };
  };
  const COUNTS = ['entered', 'converted', 'visits', 'finished', 'open', 'breached', 'dropped'];
  const sums = COUNTS.map((c) => `coalesce(sum(${c}), 0)::int as ${c}`).join(', ');
  const counts = (r: Record<string, unknown>) => ({
    entered: num(r.entered),
    converted: num(r.converted),
    visits: num(r.visits),
    finished: num(r.finished),
    open: num(r.open),
    breached: num(r.breached),
    dropped: num(r.dropped),
  });
  return {
    period,
    async stages(hist) {
      const w = where();
      const out = new Map<string, StageFigures>();
      if (!hist || rollupOptions.sumInSql) {
        const histCols = (col: string) =>
          `array[${Array.from({ length: BUCKETS }, (_, i) => `coalesce(sum(${col}[${i + 1}]), 0)`).join(', ')}]::float8[] as ${col}`;
        const rows = await ctx.db.query(
          `select stage, ${sums}${hist ? `, ${histCols('wall_hist')}, ${histCols('work_hist')}` : ''}
             from report_days where ${w.sql} group by stage`,
          w.params.values,
        );
        for (const r of rows) {
          out.set(String(r.stage), {
            ...counts(r),
            wallHist: hist ? (r.wall_hist as unknown[]).map(num) : null,
            workHist: hist ? (r.work_hist as unknown[]).map(num) : null,
          });
        }
        return out;
      }
      const rows = await ctx.db.query(
        `select stage, ${COUNTS.join(', ')}, wall_hist, work_hist from report_days where ${w.sql}`,
        w.params.values,
      );
      const add = (acc: number[] | null, h: unknown): number[] | null => {
        if (!Array.isArray(h)) return acc;
        const a = acc ?? new Array<number>(BUCKETS).fill(0);
        for (let i = 0; i < BUCKETS; i++) a[i] = (a[i] ?? 0) + num(h[i]);
        return a;
      };
      for (const r of rows) {
        const key = String(r.stage);
        const c = counts(r);
        const cur = out.get(key);
        if (!cur) {
          out.set(key, {
            ...c,
            wallHist: add(null, r.wall_hist),
            workHist: add(null, r.work_hist),
          });
          continue;
        }
        for (const k of COUNTS as Array<keyof typeof c>) cur[k] += c[k];
        cur.wallHist = add(cur.wallHist, r.wall_hist);
        cur.workHist = add(cur.workHist, r.work_hist);
      }
      return out;
    },
    async edges() {
      const w = where();
      const rows = await ctx.db.query(
        `select source, target, sum(records)::int as records, sum(taken)::int as taken
           from report_day_edges where ${w.sql} group by source, target`,
        w.params.values,
      );
      return new Map(
        rows.map((r) => [
          `${String(r.source)}\u0000${String(r.target)}`,
          { records: num(r.records), taken: num(r.taken) },
        ]),
      );
    },
    async trends() {
      const params = new Params();
      const created = where(params);
      const events = where(params, 'at_day');
      const rows = await ctx.db.query(
        `select day::text as day, 'created' as kind, sum(entered)::int as n from report_days
          where ${created.sql} and stage in ('#open', '#won', '#lost', '#done') group by day
         union all
         select at_day::text, kind, sum(n)::int from report_day_events
          where ${events.sql} group by at_day, kind`,
        params.values,
      );
      return rows.map((r) => ({ day: String(r.day), kind: String(r.kind), n: num(r.n) }));
    },
  };
}
