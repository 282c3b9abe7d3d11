/**
 * getStageTimes: how long the period's records stayed in each stage — median and p90, in
 * wall-clock time and in working time (the workspace calendar: working hours, weekends,
 * holidays, 调休 days).
 *
 * A visit is a row of stage_visits: written at the stage's entry and closed at its exit by
 * the command path, with its wall-clock and working duration. Only finished visits have a
 * duration; visits still open are counted separately (the bottleneck map shows them as
 * "records now").
 */
import type { Ctx } from '../core/context.ts';
import { FIGURE, workSql } from './figures.ts';
import { sopReport } from './report-verb.ts';
import { histPercentile, rollupFor } from './rollup.ts';
import {
  calendarSql,
  cohortCte,
  cohortVisitsCte,
  num,
  numOrNull,
  type Period,
  type ReportFilters,
  reportQuery,
  type SopContext,
  type Stage,
  scopeOf,
  withUnknownStages,
} from './scope.ts';

export type StageTimeRow = Stage & {
  /** Finished visits. */
  visits: number;
  /** Visits entered and not left (yet). */
  open: number;
  wallP50: number | null;
  wallP90: number | null;
  workP50: number | null;
  workP90: number | null;
};

export type StageTimes = {
  sopId: string;
  version: number | null;
  period: Period;
  /** Milliseconds throughout. */
  stages: StageTimeRow[];
  /**
   * The percentiles are estimated from duration histograms (periods over 31 days read the
   * daily rollup); the counts are exact either way.
   */
  approximate: boolean;
};

export { workSql };

export async function stageTimesFor(
  ctx: Ctx,
  input: ReportFilters,
  sop: SopContext,
  opts: { live?: boolean } = {},
): Promise<StageTimes> {
  const rolled = await rollupFor(ctx, input, sop, opts);
  if (rolled) {
    const by = await rolled.stages(true);
    const stages = withUnknownStages(
      sop.stages,
      [...by.keys()].filter((k) => !k.startsWith('#')),
    ).map((st) => {
      const r = by.get(st.id);
      const wall = r?.wallHist ?? [];
      const work = r?.workHist ?? [];
      return {
        ...st,
        visits: r?.finished ?? 0,
        open: r?.open ?? 0,
        wallP50: histPercentile(wall, 0.5),
        wallP90: histPercentile(wall, 0.9),
        workP50: histPercentile(work, 0.5),
        workP90: histPercentile(work, 0.9),
      };
    });
    const period = rolled.period;
    return { sopId: sop.sopId, version: input.version ?? null, period, stages, approximate: true };
  }
  const s = scopeOf(ctx, input, sop);
  const cohort = cohortCte(s);
  const cal = calendarSql(
    s.params,
    ctx.calendar,
    s.period.fromMs,
    Math.max(ctx.now, s.period.toMs),
  );
  const work = workSql(cal);
  const ev = cohortVisitsCte(
    s,
    sop.sopId,
    'ev',
    `v.stage, v.exited_at, v.wall_ms as wall, case when v.exited_at is not null then ${work} end as work`,
  );
  const rows = await reportQuery(
    ctx.db,
    `with ${cohort}, ${ev}
     select stage,
            ${FIGURE.finished} as visits, ${FIGURE.open} as open,
            percentile_cont(array[0.5, 0.9]) within group (order by wall) as wall_p,
            percentile_cont(array[0.5, 0.9]) within group (order by work) as work_p
       from ev group by stage`,
    s.params.values,
  );
  const by = new Map(rows.map((r) => [String(r.stage), r]));
  const stages = withUnknownStages(sop.stages, by.keys()).map((st) => {
    const r = by.get(st.id);
    const wall = Array.isArray(r?.wall_p) ? r.wall_p : [];
    const work = Array.isArray(r?.work_p) ? r.work_p : [];
    return {
      ...st,
      visits: num(r?.visits),
      open: num(r?.open),
      wallP50: numOrNull(wall[0]),
      wallP90: numOrNull(wall[1]),
      workP50: numOrNull(work[0]),
      workP90: numOrNull(work[1]),
    };
  });
  return {
    sopId: sop.sopId,
    version: input.version ?? null,
    period: s.period,
    stages,
    approximate: false,
  };
}

/**
 * Median and p90 time in each stage for the records created in the period.
 *
 * @example
 * const t = await getStageTimes({ ctx, input: { sopId: 'closed-loop' } });
 * t.stages.find((s) => s.id === 'screening')?.workP50 // working ms
 */
export const getStageTimes = sopReport(stageTimesFor);
