/**
 * getFunnel: of the records created in the period (one SOP, optionally one version), how
 * many entered each stage, and how many of those went on past it.
 *
 * "Went on" (conversion to the next) is defined for state charts, not only straight
 * pipelines: a record converts at stage S when it later entered a stage that comes after
 * S's subtree in document order, lost final stages excluded. So a side branch (nurture)
 * neither inflates nor breaks the main line's ratios.
 */
import type { Verb } from '../core/context.ts';
import { FIGURE, flowParams, statusCountSql, visitFlagsCtes } from './figures.ts';
import { sopReport } from './report-verb.ts';
import { rollupFor, type StageFigures, ZERO } from './rollup.ts';
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

export type FunnelRow = Stage & {
  /** Records of the cohort that entered the stage. */
  entered: number;
  /** Of those, records that later reached a stage beyond this one. */
  converted: number;
  /** converted / entered; null for final stages and stages nobody entered. */
  conversion: number | null;
  /** entered / records started. */
  reach: number | null;
};

export type Funnel = {
  sopId: string;
  version: number | null;
  period: Period;
  /** Records created in the period. */
  started: number;
  outcomes: { open: number; won: number; lost: number; done: number };
  stages: FunnelRow[];
};

export { progressOrder } from './figures.ts';

export async function funnelFor(
  ctx: Parameters<Verb<ReportFilters, Funnel>>[0]['ctx'],
  input: ReportFilters,
  sop: SopContext,
  opts: { live?: boolean } = {},
): Promise<Funnel> {
  const rolled = await rollupFor(ctx, input, sop, opts);
  if (rolled) return funnelOf(input, sop, rolled.period, await rolled.stages(false));
  const s = scopeOf(ctx, input, sop);
  const cohort = cohortCte(s);
  const ev = cohortVisitsCte(s, sop.sopId, 'ev', 'v.record_created_at as ca, v.record_id, v.stage');
  const f = flowParams(s.params, sop);
  // one window over the visits in index order (creation instant, record, stage), so no hash
  // of record ids: the first visit of each stage per record, and how far the record got
  const rows = await reportQuery(
    ctx.db,
    `with ${cohort}, ${ev}, ${visitFlagsCtes('ev', { progress: f })}
     select stage, ${FIGURE.entered} as entered, ${FIGURE.converted} as converted
       from m group by stage
     union all
     select stage, n, 0 from (${statusCountSql('cohort')}) o`,
    s.params.values,
  );
  const byStage = new Map<string, StageFigures>();
  for (const r of rows) {
    byStage.set(String(r.stage), { ...ZERO, entered: num(r.entered), converted: num(r.converted) });
  }
  return funnelOf(input, sop, s.period, byStage);
}

/** The funnel from per-stage figures (and the '#status' rows' `entered`: records by status). */
function funnelOf(
  input: ReportFilters,
  sop: SopContext,
  period: Period,
  byStage: Map<string, StageFigures>,
): Funnel {
  const outcomes = { open: 0, won: 0, lost: 0, done: 0 };
  const figures = new Map<string, StageFigures>();
  for (const [id, v] of byStage) {
    if (id.startsWith('#')) {
      const k = id.slice(1);
      if (k === 'open' || k === 'won' || k === 'lost' || k === 'done') outcomes[k] = v.entered;
      continue;
    }
    figures.set(id, v);
  }
  const started = outcomes.open + outcomes.won + outcomes.lost + outcomes.done;
  const stages = withUnknownStages(sop.stages, figures.keys()).map((st) => {
    const v = figures.get(st.id) ?? ZERO;
    return {
      ...st,
      entered: v.entered,
      converted: v.converted,
      conversion: st.final ? null : ratio(v.converted, v.entered),
      reach: ratio(v.entered, started),
    };
  });
  return {
    sopId: sop.sopId,
    version: input.version ?? null,
    period,
    started,
    outcomes,
    stages,
  };
}

/**
 * The funnel of one SOP for the records created in the period.
 *
 * @example
 * await getFunnel({ ctx, input: { sopId: 'closed-loop', version: 2, from: '2026-10-01', to: '2026-10-31' } })
 */
export const getFunnel = sopReport(funnelFor);
