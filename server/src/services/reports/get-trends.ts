/**
 * getTrends: week by week (Monday-based, in the workspace's time zone) over the period —
 * records created, won, lost and SLA breaches, each counted in the week it happened.
 *
 * The events of the period are joined by hash to the records changed since its start
 * (records_updated_idx), not probed one by one: a record of any age can be won or lost in
 * the period, and every such record has changed since the period began.
 */
import type { Ctx } from '../core/context.ts';
import { TREND_KIND, TREND_TYPES } from './figures.ts';
import { anySopReport } from './report-verb.ts';
import { rollupFor } from './rollup.ts';
import {
  DAY_MS,
  num,
  type Period,
  type ReportFilters,
  ratio,
  reportQuery,
  type SopContext,
  scopeOf,
} from './scope.ts';

const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday; Monday-based weeks start three days earlier. */
const MONDAY_SHIFT = 3 * DAY_MS;

export type TrendWeek = {
  /** The week's Monday, YYYY-MM-DD (local). */
  week: string;
  created: number;
  won: number;
  lost: number;
  breaches: number;
  winRate: number | null;
};

export type Trends = {
  sopId: string | null;
  version: number | null;
  period: Period;
  weeks: TrendWeek[];
};

export async function trendsFor(
  ctx: Ctx,
  input: ReportFilters,
  sop: SopContext | null,
  opts: { live?: boolean } = {},
): Promise<Trends> {
  const off = ctx.calendar.utcOffsetMinutes * 60_000;
  const rolled = sop ? await rollupFor(ctx, input, sop, opts) : null;
  if (rolled) {
    // local days: a day's local midnight is its UTC midnight in local ms
    const weekOf = (day: string) => Math.floor((Date.parse(day) + MONDAY_SHIFT) / WEEK_MS);
    const rows = (await rolled.trends()).map((r) => ({ ...r, w: weekOf(r.day) }));
    return trendsOf(input, rolled.period, off, rows);
  }
  const s = scopeOf(ctx, input, sop);
  const offP = s.params.p(off);
  const from = s.params.ts(s.period.fromMs);
  const to = s.params.ts(s.period.toMs);
  const week = (ts: string) =>
    `floor((date_part('epoch', ${ts}) * 1000 + ${offP}::float8 + ${MONDAY_SHIFT}) / ${WEEK_MS})::int`;
  // records with an event in the period changed since its start: a record's updated_at is
  // its last event's instant (a day's margin for clock skew between server processes)
  const changedSince = s.params.ts(s.period.fromMs - DAY_MS);
  const rows = await reportQuery(
    ctx.db,
    `with changed as materialized (
       select r.id, r.status from records r
        where ${s.recordWhere.join(' and ')} and r.updated_at >= ${changedSince})
     select ${week('r.created_at')} as w, 'created' as kind, count(*)::int as n
       from records r
      where ${s.recordWhere.join(' and ')} and r.created_at >= ${from} and r.created_at < ${to}
      group by 1
     union all
     select ${week('e.at')},
            -- the events' data is not read, so the scan stays in the index
            ${TREND_KIND},
            count(*)::int
       from record_events e
       join changed r on r.id = e.record_id
      where e.workspace_id = ${s.ws}
        and e.type in ${TREND_TYPES}
        and e.at >= ${from} and e.at < ${to}
      group by 1, 2`,
    s.params.values,
  );
  return trendsOf(input, s.period, off, rows);
}

/** Weeks of the period from rows (w: week number, kind, n). */
function trendsOf(
  input: ReportFilters,
  period: Period,
  off: number,
  rows: Array<Record<string, unknown>>,
): Trends {
  const weeks = new Map<number, TrendWeek>();
  const firstWeek = Math.floor((period.fromMs + off + MONDAY_SHIFT) / WEEK_MS);
  const lastWeek = Math.floor((period.toMs - 1 + off + MONDAY_SHIFT) / WEEK_MS);
  for (let w = firstWeek; w <= lastWeek; w++) {
    const monday = new Date(w * WEEK_MS - MONDAY_SHIFT).toISOString().slice(0, 10);
    weeks.set(w, { week: monday, created: 0, won: 0, lost: 0, breaches: 0, winRate: null });
  }
  for (const r of rows) {
    const w = weeks.get(num(r.w));
    if (!w) continue;
    const kind = String(r.kind);
    if (kind === 'created' || kind === 'won' || kind === 'lost' || kind === 'breaches') {
      w[kind] += num(r.n);
    }
  }
  for (const w of weeks.values()) w.winRate = ratio(w.won, w.won + w.lost);
  return {
    sopId: input.sopId ?? null,
    version: input.version ?? null,
    period,
    weeks: [...weeks.values()],
  };
}

/**
 * Weekly counts over the period (at most the weeks it spans).
 *
 * @example
 * const t = await getTrends({ ctx, input: { from: '2026-09-01', to: '2026-11-30' } });
 */
export const getTrends = anySopReport(trendsFor);
