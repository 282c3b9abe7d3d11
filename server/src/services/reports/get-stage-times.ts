/**
 * getStageTimes: how long the period's records stayed in each stage — median and p90, in
 * wall-clock time and in working time (the workspace calendar: working hours, weekends,
 * holidays, 调休 days).
 *
 * A visit is a stage.entered paired with the stage.exited that ends it: a stage is left
 * before it is entered again, so an entry's exit is the stage's next event in the record.
 * Only finished visits have a duration; visits still open are counted separately (the
 * bottleneck map shows them as "records now").
 */
import type { Ctx, Verb } from '../context.ts';
import {
  assertCanReport,
  calendarSql,
  cohortCte,
  cohortEventsCte,
  loadSopContext,
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
};

export async function stageTimesFor(
  ctx: Ctx,
  input: ReportFilters,
  sop: SopContext,
): Promise<StageTimes> {
  const s = scopeOf(ctx, input, sop);
  const cohort = cohortCte(s);
  const ev = cohortEventsCte(
    s,
    'ev',
    ['stage.entered', 'stage.exited'],
    `e.record_id, e.seq, e.type, e.at, e.data ->> 'stage' as stage`,
  );
  const cal = calendarSql(
    s.params,
    ctx.calendar,
    s.period.fromMs,
    Math.max(ctx.now, s.period.toMs),
  );
  const rows = await reportQuery(
    ctx.db,
    `with ${cohort}, ${ev},
       -- each entry's visit ends at the stage's next event if that is its exit
       n as (select type, stage, at as a,
                    lead(type) over p as next_type, lead(at) over p as next_at
               from ev window p as (partition by record_id collate "C", stage collate "C" order by seq)),
       d as (select stage, a, case when next_type = 'stage.exited' then next_at end as b
               from n where type = 'stage.entered'),
       dl as (select stage, b, ${cal.local('a')} as la, ${cal.local('b')} as lb from d),
       w as (select stage, b,
                    (lb - la) as wall,
                    (${cal.workingAt('lb')} - ${cal.workingAt('la')}) as work
               from dl)
     select stage,
            count(b)::int as visits,
            (count(*) - count(b))::int as open,
            percentile_cont(array[0.5, 0.9]) within group (order by wall) as wall_p,
            percentile_cont(array[0.5, 0.9]) within group (order by work) as work_p
       from w group by stage`,
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
  return { sopId: sop.sopId, version: input.version ?? null, period: s.period, stages };
}

/**
 * Median and p90 time in each stage for the records created in the period.
 *
 * @example
 * const t = await getStageTimes({ ctx, input: { sopId: 'closed-loop' } });
 * t.stages.find((s) => s.id === 'screening')?.workP50 // working ms
 */
export const getStageTimes: Verb<ReportFilters & { sopId: string }, StageTimes> = async ({
  ctx,
  input,
}) => {
  assertCanReport(ctx, input);
  const sop = await loadSopContext(ctx, input.sopId, input.version);
  return stageTimesFor(ctx, input, sop);
};
