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
import { createHash } from 'node:crypto';
import type { Calendar } from '@closeloop/engine';
import type { Db } from '../../db/client.ts';
import type { Ctx } from '../core/context.ts';
import {
  droppedSql,
  EDGE,
  edgeRowsSql,
  FIGURE,
  type FlowParams,
  flowParams,
  lostFinalIds,
  lostReasonsSql,
  progressOrder,
  statusCountSql,
  TREND_KIND,
  TREND_TYPES,
  visitFlagsCtes,
  workSql,
} from './figures.ts';
import {
  calendarSql,
  DAY_MS,
  loadSopContext,
  num,
  Params,
  type Period,
  periodOf,
  type ReportFilters,
  type SopContext,
} from './scope.ts';

/** Reports over periods longer than this many days read the rollup. */
export const LONG_PERIOD_DAYS = 31;
/** Records written this long before the watermark are looked at again (late commits, clock skew). */
export const SLACK_MS = 2 * 60_000;

/**
 * Histogram buckets: 0 is under a minute, then ×2^(1/3) per bucket (±12% around a bucket's
 * geometric middle) up to about three years; the last is open-ended. (50 buckets, up to 45
 * days, left stuck records' visits — closed by hand months later — in the open bucket,
 * where no estimate holds: the property test found it.)
 */
export const BUCKETS = 64;
const MINUTE = 60_000;
const RATIO = 2 ** (1 / 3);

/** The lower bound of bucket i, in ms. */
export function bucketLow(i: number): number {
  return i <= 0 ? 0 : MINUTE * RATIO ** (i - 1);
}

/** The bucket of a duration (ms). */
export function bucketOf(ms: number): number {
  if (!(ms >= MINUTE)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(3 * Math.log2(ms / MINUTE)));
}

/** The same in SQL; null stays null. */
function bucketSql(ms: string): string {
  return `case when ${ms} is null then null when ${ms} < ${MINUTE} then 0
               else least(${BUCKETS - 1}, 1 + floor(3 * ln(${ms} / ${MINUTE}.0) / ln(2.0))::int) end`;
}

/** A histogram aggregate: finished visits per bucket of the bucket column `b`. */
function histSql(b: string): string {
  const cells = Array.from({ length: BUCKETS }, (_, i) => `count(*) filter (where ${b} = ${i})`);
  return `array[${cells.join(', ')}]::int4[]`;
}

/**
 * A percentile (0…1) estimated from a histogram, as `percentile_cont` would interpolate
 * between the two ranks around it; a value of rank j is placed inside its bucket
 * geometrically (linearly in bucket 0, which starts at 0). Null when the histogram is empty.
 */
export function histPercentile(hist: readonly number[], q: number): number | null {
  const n = hist.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const valueAt = (rank: number): number => {
    let below = 0;
    for (let i = 0; i < hist.length; i++) {
      const c = hist[i] ?? 0;
      if (rank < below + c) {
        const t = (rank - below + 0.5) / c;
        if (i === 0) return MINUTE * t;
        const lo = bucketLow(i);
        return lo * RATIO ** t;
      }
      below += c;
    }
    return bucketLow(hist.length - 1);
  };
  const k = q * (n - 1);
  const lo = Math.floor(k);
  const a = valueAt(lo);
  if (k === lo) return a;
  return a + (valueAt(lo + 1) - a) * (k - lo);
}

export type StageFigures = {
  entered: number;
  converted: number;
  visits: number;
  finished: number;
  open: number;
  breached: number;
  dropped: number;
  wallHist: number[] | null;
  workHist: number[] | null;
};

export const ZERO: StageFigures = {
  entered: 0,
  converted: 0,
  visits: 0,
  finished: 0,
  open: 0,
  breached: 0,
  dropped: 0,
  wallHist: null,
  workHist: null,
};

/** What the stage order contributes to the figures: two SOP versions with equal ones agree. */
function orderSignature(sop: SopContext): string {
  return JSON.stringify({
    ids: sop.stages.map((s) => s.id),
    ...progressOrder(sop.stages),
    lost: lostFinalIds(sop),
    reason: sop.reasonField,
  });
}

/** Everything the rows depend on besides the history: a change rebuilds them. */
function rollupSignature(sop: SopContext, cal: Calendar): string {
  return createHash('sha1')
    .update(JSON.stringify({ order: orderSignature(sop), cal, buckets: BUCKETS, v: 2 }))
    .digest('hex');
}

const dayNo = (ms: number, offMs: number) => Math.floor((ms + offMs) / DAY_MS);
const dayStr = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10);

/** Contiguous runs of sorted day numbers, as [first, last]. */
function runsOf(days: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const d of days) {
    const last = out[out.length - 1];
    if (last && d === last[1] + 1) last[1] = d;
    else out.push([d, d]);
  }
  return out;
}

/**
 * The statements that recompute the rows of the given runs of local days: stage figures
 * (and the '#status' record counts) from one pass over the visits, edges from a second.
 */
function rebuildStatements(
  ctx: Ctx,
  sop: SopContext,
  runs: Array<[number, number]>,
): Array<{ text: string; params: unknown[] }> {
  const offMs = ctx.calendar.utcOffsetMinutes * 60_000;
  const starts = runs.map(([a]) => new Date(a * DAY_MS - offMs).toISOString());
  const ends = runs.map(([, b]) => new Date((b + 1) * DAY_MS - offMs).toISOString());
  const build = (what: 'days' | 'edges' | 'events') => {
    const params = new Params();
    const ws = params.p(ctx.user.workspaceId);
    const sopP = params.p(sop.sopId);
    // text[] parameters: postgres.js has no serialiser for timestamptz[] or date[]
    const d = `unnest(${params.p(starts)}::text[]::timestamptz[], ${params.p(ends)}::text[]::timestamptz[]) as d(s, e)`;
    const off = params.p(offMs);
    const day = (ts: string) =>
      `(date '1970-01-01' + floor((date_part('epoch', ${ts}) * 1000 + ${off}::float8) / ${DAY_MS})::int)`;
    const cell = `${day('r.created_at')} as day, r.sop_version as ver, coalesce(r.team_id, '') as team`;
    // a lateral per run of days, so each run is its own range scan of both covering indexes
    // (joined, the planner hashes all of the SOP's visits and filters by the runs afterwards;
    // offset 0 keeps it from pulling the subquery up into that join)
    const visits = (columns: string) => `ev as (
      select x.* from ${d} cross join lateral (
        select ${cell}, ${columns}
          from stage_visits v
          join records r on r.workspace_id = v.workspace_id and r.created_at = v.record_created_at
                        and r.id = v.record_id
         where v.workspace_id = ${ws} and v.sop_id = ${sopP}
           and v.record_created_at >= d.s and v.record_created_at < d.e
           and r.workspace_id = ${ws} and r.sop_id = ${sopP}
           and r.created_at >= d.s and r.created_at < d.e
        offset 0) x)`;
    // no event of the cohort precedes its first creation instant (a parameter only when used)
    const from = () => `${params.p(starts[0])}::timestamptz`;
    // the cohort's records, one range scan per run
    const rc = `rc as (select ${cell}, r.id, r.status, r.stage from ${d}
                        join records r on r.workspace_id = ${ws} and r.sop_id = ${sopP}
                                      and r.created_at >= d.s and r.created_at < d.e)`;
    if (what === 'events') {
      return {
        text: `insert into report_day_events (workspace_id, sop_id, day, sop_version, team_id, at_day, kind, n)
               with ${rc}
               select ${ws}, ${sopP}, r.day, r.ver, r.team, ${day('e.at')} as at_day, ${TREND_KIND} as kind,
                      count(*)::int
                 from rc r
                 join record_events e on e.workspace_id = ${ws} and e.record_id = r.id
                where e.type in ${TREND_TYPES} and e.at >= ${from()}
                group by 1, 2, 3, 4, 5, 6, 7`,
        params: params.values,
      };
    }
    if (what === 'edges') {
      return {
        text: `insert into report_day_edges (workspace_id, sop_id, day, sop_version, team_id,
                                             source, target, records, taken)
               with ${visits('v.record_id, v.stage, v.next')}
               select ${ws}, ${sopP}, x.day, x.ver, x.team, x.stage, x.target, ${EDGE.records}, ${EDGE.taken}
                 from ${edgeRowsSql('ev', 'ev.day, ev.ver, ev.team, ')} x
                group by x.day, x.ver, x.team, x.stage, x.target`,
        params: params.values,
      };
    }
    const f: FlowParams = flowParams(params, sop);
    const lo = Math.min(...runs.map(([a]) => a)) * DAY_MS - offMs;
    const cal = calendarSql(params, ctx.calendar, lo, Math.max(ctx.now, Date.now()));
    const reasons = lostReasonsSql({
      cohort: 'rc',
      keys: ['day', 'ver', 'team'],
      ws,
      from: '',
      reasonKey: params.p(sop.reasonField),
      lostFinals: f.lostFinals(),
      closings: 'lookup',
    });
    return {
      text: `insert into report_days (workspace_id, sop_id, day, sop_version, team_id, stage, entered,
                                      converted, visits, finished, open, breached, dropped,
                                      wall_hist, work_hist)
             with ${visits(`v.record_created_at as ca, v.record_id, v.stage, v.next, v.breached, v.exited_at,
                    ${bucketSql('v.wall_ms')} as wb,
                    case when v.exited_at is not null then ${bucketSql(workSql(cal))} end as kb,
                    ${droppedSql(f.lostFinals())} as dropped`)},
               ${visitFlagsCtes('ev', { progress: f, dropped: true })},
               ${rc}, ${reasons.ctes}
             select ${ws}, ${sopP}, day, ver, team, stage, ${FIGURE.entered}, ${FIGURE.converted},
                    ${FIGURE.visits}, ${FIGURE.finished}, ${FIGURE.open}, ${FIGURE.breached},
                    ${FIGURE.dropped}, ${histSql('wb')}, ${histSql('kb')}
               from m group by day, ver, team, stage
             union all
             select ${ws}, ${sopP}, day, ver, team, stage, n, 0, 0, 0, 0, 0, 0, null, null
               from (${statusCountSql('rc', 'rc.day, rc.ver, rc.team, ')}) o
             union all
             -- '#closed:<reason>' ('#closed' when none was typed), '#field:<value>', '#stage:<id>'
             -- (values cut at 1000 characters: a key must fit a btree page)
             select ${ws}, ${sopP}, day, ver, team, '#' || kind || coalesce(':' || left(value, 1000), ''),
                    n, 0, 0, 0, 0, 0, 0, null, null
               from (${reasons.select}) lr`,
      params: params.values,
    };
  };
  return [build('days'), build('edges'), build('events')];
}

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
export async function refreshRollup(
  ctx: Ctx,
  sop: SopContext,
  opts: { budget?: number } = {},
): Promise<RefreshResult> {
  const t0 = performance.now();
  const ws = ctx.user.workspaceId;
  const offMs = ctx.calendar.utcOffsetMinutes * 60_000;
  const signature = rollupSignature(sop, ctx.calendar);
  // records.updated_at is stamped with the writers' clock (the same as ctx.now), so the
  // watermark is read from it too, at the start of the transaction
  const start = ctx.now;
  const key = `${ws}\u0000${sop.sopId}`;
  const changedSince = async (q: Query, since: number): Promise<Changed[]> => {
    const rows = await q(
      `select id, version, date_part('epoch', updated_at) * 1000 as at,
              floor((date_part('epoch', created_at) * 1000 + $3::float8) / ${DAY_MS})::int as d
         from records
        where workspace_id = $1 and updated_at >= $2::timestamptz and sop_id = $4`,
      [ws, new Date(since).toISOString(), offMs, sop.sopId],
    );
    return rows.map((r) => ({
      id: String(r.id),
      version: num(r.version),
      at: num(r.at),
      day: num(r.d),
    }));
  };
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
  /** What a refresh has to do: rebuild all, or recompute these runs of days (maybe none). */
  const plan = async (q: Query) => {
    const [state] = await q(
      `select watermark, utc_offset_minutes, signature from report_rollup_state
        where workspace_id = $1 and sop_id = $2`,
      [ws, sop.sopId],
    );
    const rebuilt =
      !state ||
      num(state.utc_offset_minutes) !== ctx.calendar.utcOffsetMinutes ||
      state.signature !== signature;
    if (rebuilt) {
      const [range] = await q(
        `select min(created_at) as lo, max(created_at) as hi from records
          where workspace_id = $1 and sop_id = $2`,
        [ws, sop.sopId],
      );
      const runs: Array<[number, number]> = range?.lo
        ? [
            [
              dayNo(new Date(String(range.lo)).getTime(), offMs),
              dayNo(new Date(String(range.hi)).getTime(), offMs),
            ],
          ]
        : [];
      return { rebuilt, runs, recentRows: null };
    }
    const watermark = new Date(state.watermark as string | Date).getTime();
    const rows = await changedSince(q, watermark - SLACK_MS);
    // the records this process already took in at the same watermark are not done again
    // (else every report in the two minutes after a write would redo its day)
    const prev = seenBy(ctx.db).get(key);
    const known = prev?.watermark === watermark ? prev.versions : null;
    const days = [
      ...new Set(rows.filter((r) => known?.get(r.id) !== r.version).map((r) => r.day)),
    ].sort((a, b) => a - b);
    return { rebuilt, runs: runsOf(days), recentRows: rows };
  };
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
    if (opts.budget !== undefined && runs.length) {
      const [n] = await q(
        `select count(*)::int as n from (
           select 1 from unnest($3::text[]::timestamptz[], $4::text[]::timestamptz[]) as d(s, e)
             join records r on r.workspace_id = $1 and r.sop_id = $2
                           and r.created_at >= d.s and r.created_at < d.e
            limit $5) x`,
        [
          ws,
          sop.sopId,
          runs.map(([a]) => new Date(a * DAY_MS - offMs).toISOString()),
          runs.map(([, b]) => new Date((b + 1) * DAY_MS - offMs).toISOString()),
          opts.budget + 1,
        ],
      );
      if (num(n?.n) > opts.budget) return { deferred: 'budget' as const };
    }
    if (rebuilt) {
      for (const table of ['report_days', 'report_day_edges', 'report_day_events']) {
        await q(`delete from ${table} where workspace_id = $1 and sop_id = $2`, [ws, sop.sopId]);
      }
    } else if (runs.length) {
      const list = runs.flatMap(([a, b]) =>
        Array.from({ length: b - a + 1 }, (_, i) => dayStr(a + i)),
      );
      for (const table of ['report_days', 'report_day_edges', 'report_day_events']) {
        await q(
          `delete from ${table} where workspace_id = $1 and sop_id = $2 and day = any($3::text[]::date[])`,
          [ws, sop.sopId, list],
        );
      }
    }
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
        signature,
        rebuilt,
      ],
    );
    const recent = recentRows ?? (await changedSince(q, start - SLACK_MS));
    return { rebuilt, days: runs.reduce((a, [x, y]) => a + y - x + 1, 0), recent };
  });
  if ('deferred' in result) {
    return { rebuilt: false, days: 0, ms: performance.now() - t0, deferred: result.deferred };
  }
  const versions = new Map<string, number>();
  for (const r of result.recent) if (r.at >= start - SLACK_MS) versions.set(r.id, r.version);
  seenBy(ctx.db).set(key, { watermark: start, versions });
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
