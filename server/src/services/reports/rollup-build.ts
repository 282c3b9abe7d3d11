/**
 * What the daily rollup stores and how it is built: the duration buckets and their
 * percentiles, the signature that forces a rebuild, and the statements that recompute runs of
 * cohort days with the live reports' own SQL fragments (figures.ts). See rollup.ts.
 */
import { createHash } from 'node:crypto';
import type { Calendar } from '@closeloop/engine';
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
import { calendarSql, DAY_MS, Params, type SopContext } from './scope.ts';

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
export function histSql(b: string): string {
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
export function orderSignature(sop: SopContext): string {
  return JSON.stringify({
    ids: sop.stages.map((s) => s.id),
    ...progressOrder(sop.stages),
    lost: lostFinalIds(sop),
    reason: sop.reasonField,
  });
}

/** Everything the rows depend on besides the history: a change rebuilds them. */
export function rollupSignature(sop: SopContext, cal: Calendar): string {
  return createHash('sha1')
    .update(JSON.stringify({ order: orderSignature(sop), cal, buckets: BUCKETS, v: 2 }))
    .digest('hex');
}

export const dayNo = (ms: number, offMs: number) => Math.floor((ms + offMs) / DAY_MS);
export const dayStr = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10);

/** Contiguous runs of sorted day numbers, as [first, last]. */
export function runsOf(days: number[]): Array<[number, number]> {
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
export function rebuildStatements(
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
