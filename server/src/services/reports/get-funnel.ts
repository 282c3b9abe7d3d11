/**
 * getFunnel: of the records created in the period (one SOP, optionally one version), how
 * many entered each stage, and how many of those went on past it.
 *
 * "Went on" (conversion to the next) is defined for state charts, not only straight
 * pipelines: a record converts at stage S when it later entered a stage that comes after
 * S's subtree in document order, lost final stages excluded. So a side branch (nurture)
 * neither inflates nor breaks the main line's ratios.
 */
import type { Verb } from '../context.ts';
import {
  assertCanReport,
  cohortCte,
  cohortVisitsCte,
  loadSopContext,
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

/** Index of the first stage after each stage's subtree; lost finals never count as progress. */
export function progressOrder(stages: Stage[]): { idx: number[]; next: number[] } {
  const idx: number[] = [];
  const next: number[] = [];
  stages.forEach((s, i) => {
    idx.push(s.final && s.outcome === 'lost' ? -1 : i);
    let j = i + 1;
    while (j < stages.length && stages[j]?.id.startsWith(`${s.id}.`)) j++;
    next.push(s.final ? Number.MAX_SAFE_INTEGER : j);
  });
  return { idx, next };
}

export async function funnelFor(
  ctx: Parameters<Verb<ReportFilters, Funnel>>[0]['ctx'],
  input: ReportFilters,
  sop: SopContext,
): Promise<Funnel> {
  const s = scopeOf(ctx, input, sop);
  const cohort = cohortCte(s);
  const ev = cohortVisitsCte(s, sop.sopId, 'ev', 'v.record_created_at as ca, v.record_id, v.stage');
  const stageIds = s.params.p(sop.stages.map((x) => x.id));
  const { idx, next } = progressOrder(sop.stages);
  const idxP = s.params.p(idx);
  const nextP = s.params.p(next);
  // one window over the visits in index order (creation instant, record, stage), so no hash
  // of record ids: the first visit of each stage per record, and how far the record got
  const rows = await reportQuery(
    ctx.db,
    `with ${cohort}, ${ev},
       p as (select ev.*, array_position(${stageIds}::text[], ev.stage) as pos from ev),
       m as (select p.stage, p.stage is distinct from lag(p.stage) over w as first,
                    (${nextP}::bigint[])[p.pos] as nxt,
                    max((${idxP}::int[])[p.pos]) over w as maxidx
               from p
             window w as (partition by p.ca, p.record_id order by p.stage
                          rows between unbounded preceding and unbounded following))
     select stage, count(*) filter (where first)::int as entered,
            count(*) filter (where first and maxidx >= nxt)::int as converted
       from m group by stage
     union all
     select '#' || c.status, count(*)::int, 0 from cohort c group by c.status`,
    s.params.values,
  );
  const byStage = new Map<string, { entered: number; converted: number }>();
  const outcomes = { open: 0, won: 0, lost: 0, done: 0 };
  for (const r of rows) {
    const id = String(r.stage);
    if (id.startsWith('#')) {
      const k = id.slice(1);
      if (k === 'open' || k === 'won' || k === 'lost' || k === 'done') outcomes[k] = num(r.entered);
      continue;
    }
    byStage.set(id, { entered: num(r.entered), converted: num(r.converted) });
  }
  const started = outcomes.open + outcomes.won + outcomes.lost + outcomes.done;
  const stages = withUnknownStages(sop.stages, byStage.keys()).map((st) => {
    const v = byStage.get(st.id) ?? { entered: 0, converted: 0 };
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
    period: s.period,
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
export const getFunnel: Verb<ReportFilters & { sopId: string }, Funnel> = async ({
  ctx,
  input,
}) => {
  assertCanReport(ctx, input);
  const sop = await loadSopContext(ctx, input.sopId, input.version);
  return funnelFor(ctx, input, sop);
};
