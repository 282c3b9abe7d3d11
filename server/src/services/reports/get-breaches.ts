/**
 * getBreaches: the SLA breach rate per stage — of the visits the period's records made to a
 * stage, how many passed the stage's deadline (an `sla.breached` event, recorded on the
 * visit in stage_visits). Each entry schedules at most one deadline, so breaches ≤ visits.
 */
import type { Ctx } from '../core/context.ts';
import { FIGURE } from './figures.ts';
import { sopReport } from './report-verb.ts';
import { rollupFor } from './rollup.ts';
import {
  cohortCte,
  cohortVisitsCte,
  num,
  type Period,
  type ReportFilters,
  ratio,
  reportQuery,
  type SopContext,
  type Stage,
  scopeOf,
  withUnknownStages,
} from './scope.ts';

export type BreachRow = Stage & {
  /** Entries into the stage. */
  visits: number;
  breached: number;
  rate: number | null;
};

export type Breaches = {
  sopId: string;
  version: number | null;
  period: Period;
  visits: number;
  breached: number;
  rate: number | null;
  stages: BreachRow[];
};

export async function breachesFor(
  ctx: Ctx,
  input: ReportFilters,
  sop: SopContext,
  opts: { live?: boolean } = {},
): Promise<Breaches> {
  const rolled = await rollupFor(ctx, input, sop, opts);
  let period: Period;
  let by: Map<string, { visits: number; breached: number }>;
  if (rolled) {
    period = rolled.period;
    by = await rolled.stages(false);
    for (const k of by.keys()) if (k.startsWith('#')) by.delete(k);
  } else {
    const s = scopeOf(ctx, input, sop);
    period = s.period;
    const rows = await reportQuery(
      ctx.db,
      `with ${cohortCte(s)},
         ${cohortVisitsCte(s, sop.sopId, 'ev', 'v.stage, v.breached')}
       select stage, ${FIGURE.visits} as visits, ${FIGURE.breached} as breached
         from ev group by stage`,
      s.params.values,
    );
    by = new Map(
      rows.map((r) => [String(r.stage), { visits: num(r.visits), breached: num(r.breached) }]),
    );
  }
  let visits = 0;
  let breached = 0;
  const stages = withUnknownStages(sop.stages, by.keys()).map((st) => {
    const r = by.get(st.id);
    const v = num(r?.visits);
    const b = num(r?.breached);
    // the overall rate is over stages that have a deadline at all
    if (st.sla || b > 0) {
      visits += v;
      breached += b;
    }
    return { ...st, visits: v, breached: b, rate: ratio(b, v) };
  });
  return {
    sopId: sop.sopId,
    version: input.version ?? null,
    period,
    visits,
    breached,
    rate: ratio(breached, visits),
    stages,
  };
}

/**
 * SLA breach rate per stage for the records created in the period.
 *
 * @example
 * const b = await getBreaches({ ctx, input: { sopId: 'closed-loop', teamId: 'sales' } });
 */
export const getBreaches = sopReport(breachesFor);
