/**
 * getBottleneckMap: the figures the SOP diagram is coloured by.
 *
 * Per stage: open records in it now (not bound to the period), and, for the records
 * created in the period, the median time in it, its SLA breach rate and its drop-off —
 * the share of records that entered the stage and were lost from it (closed while in it,
 * or moved from it straight to a lost final stage).
 * Per edge (a transition of an action): how many of the period's records took it.
 */
import type { LocalizedText } from '@closeloop/engine';
import type { Ctx } from '../core/context.ts';
import {
  droppedSql,
  EDGE,
  edgeRowsSql,
  FIGURE,
  lostFinalIds,
  visitFlagsCtes,
  workSql,
} from './figures.ts';
import { sopReport } from './report-verb.ts';
import { histPercentile, type Rollup, rollupFor } from './rollup.ts';
import {
  calendarSql,
  cohortCte,
  cohortEventsCte,
  cohortVisitsCte,
  num,
  numOrNull,
  type Period,
  periodOf,
  type ReportFilters,
  ratio,
  reportQuery,
  type SopContext,
  type Stage,
  scopeOf,
  withUnknownStages,
} from './scope.ts';

export type MapStage = Stage & {
  /** Open records in the stage now. */
  now: number;
  /** Of those, past their deadline. */
  overdueNow: number;
  /** Records of the period that entered the stage. */
  entered: number;
  wallP50: number | null;
  workP50: number | null;
  breachRate: number | null;
  dropped: number;
  dropOff: number | null;
};

export type MapEdge = {
  /** The engine's transition key: `source#ACTION#index`. */
  key: string;
  source: string;
  targets: string[];
  action: string;
  label: LocalizedText | null;
  /** Records of the period that took it. */
  records: number;
  /** Times it was taken (a record may loop). */
  taken: number;
};

export type BottleneckMap = {
  sopId: string;
  version: number;
  period: Period;
  stages: MapStage[];
  edges: MapEdge[];
  /** The medians are estimated from duration histograms (periods over 31 days); counts are exact. */
  approximate: boolean;
};

async function nowCounts(ctx: Ctx, input: ReportFilters, sop: SopContext) {
  const s = scopeOf(ctx, input, sop);
  const now = s.params.ts(ctx.now);
  const rows = await reportQuery(
    ctx.db,
    `select st.stage, count(*)::int as n,
            count(*) filter (where r.due_at <= ${now})::int as overdue
       from records r cross join lateral unnest(r.stages) as st(stage)
      where ${s.recordWhere.join(' and ')} and r.status = 'open'
      group by st.stage`,
    s.params.values,
  );
  return new Map(rows.map((r) => [String(r.stage), { n: num(r.n), overdue: num(r.overdue) }]));
}

type Counts = { records: number; taken: number };

/** The transitions as (key, source, single target), or null when visits cannot tell them apart. */
function plainTransitions(sop: SopContext) {
  const transitions = [...sop.compiled.transitionByKey.values()];
  const pairs = new Map<string, string[]>();
  for (const t of transitions) {
    const k = `${t.source}\u0000${t.targets.join(',')}`;
    pairs.set(k, [...(pairs.get(k) ?? []), t.key]);
  }
  const ambiguous =
    transitions.some((t) => t.targets.length !== 1) ||
    [...pairs.values()].some((k) => k.length > 1);
  return ambiguous ? null : transitions;
}

/**
 * Every per-stage figure of the map from one pass over the cohort's visits, in index order:
 * - entered / dropped: per (record, stage), its first visit, and whether a visit dropped it —
 *   a lost record dropped from the stages whose visit ended in the command that took it into
 *   a lost final stage, or, when it was closed by hand, from the stages it is still in;
 * - median wall and working time of the finished visits, and breached visits over visits.
 */
async function visitFigures(ctx: Ctx, input: ReportFilters, sop: SopContext) {
  const s = scopeOf(ctx, input, sop);
  const lost = `${s.params.p(lostFinalIds(sop))}::text[]`;
  const cal = calendarSql(
    s.params,
    ctx.calendar,
    s.period.fromMs,
    Math.max(ctx.now, s.period.toMs),
  );
  const ev = cohortVisitsCte(
    s,
    sop.sopId,
    'ev',
    `v.record_created_at as ca, v.record_id, v.stage, v.next, v.breached, v.wall_ms as wall,
     case when v.exited_at is not null then ${workSql(cal)} end as work,
     ${droppedSql(lost)} as dropped`,
    { cohort: true },
  );
  const rows = await reportQuery(
    ctx.db,
    `with ${ev}, ${visitFlagsCtes('ev', { dropped: true })}
     select m.stage as key,
            ${FIGURE.entered} as entered, ${FIGURE.dropped} as dropped,
            ${FIGURE.visits} as visits, ${FIGURE.breached} as breached,
            percentile_cont(0.5) within group (order by wall) as wall_p50,
            percentile_cont(0.5) within group (order by work) as work_p50
       from m group by m.stage`,
    s.params.values,
  );
  const stages = new Map<string, Figures>();
  for (const r of rows) {
    const key = String(r.key);
    stages.set(key, {
      entered: num(r.entered),
      dropped: num(r.dropped),
      visits: num(r.visits),
      breached: num(r.breached),
      wallP50: numOrNull(r.wall_p50),
      workP50: numOrNull(r.work_p50),
    });
  }
  return stages;
}

type Figures = {
  entered: number;
  dropped: number;
  visits: number;
  breached: number;
  wallP50: number | null;
  workP50: number | null;
};

/** The same figures from the daily rollup (medians from the histograms). */
async function rollupFigures(rollup: Rollup) {
  const out = new Map<string, Figures>();
  for (const [key, r] of await rollup.stages(true)) {
    if (key.startsWith('#')) continue;
    out.set(key, {
      entered: r.entered,
      dropped: r.dropped,
      visits: r.visits,
      breached: r.breached,
      wallP50: histPercentile(r.wallHist ?? [], 0.5),
      workP50: histPercentile(r.workHist ?? [], 0.5),
    });
  }
  return out;
}

/** Records per transition from the rollup's (source, target) counts. */
async function rollupEdges(
  rollup: Rollup,
  transitions: NonNullable<ReturnType<typeof plainTransitions>>,
) {
  const pairs = await rollup.edges();
  const out = new Map<string, Counts>();
  for (const t of transitions) {
    const c = pairs.get(`${t.source}\u0000${t.targets[0] ?? ''}`);
    if (c) out.set(t.key, c);
  }
  return out;
}

/**
 * Records per transition: the visits of S whose exiting command entered T (`next`). Only
 * for SOPs whose transitions the (source, target) pair tells apart (see actionEdges).
 */
async function visitEdges(
  ctx: Ctx,
  input: ReportFilters,
  sop: SopContext,
  transitions: NonNullable<ReturnType<typeof plainTransitions>>,
) {
  const s = scopeOf(ctx, input, sop);
  const ev = cohortVisitsCte(s, sop.sopId, 'ev', 'v.record_id, v.stage, v.next');
  const keys = s.params.p(transitions.map((t) => t.key));
  const sources = s.params.p(transitions.map((t) => t.source));
  const targets = s.params.p(transitions.map((t) => t.targets[0] ?? ''));
  const rows = await reportQuery(
    ctx.db,
    `with ${cohortCte(s)}, ${ev},
       tr as (select * from unnest(${keys}::text[], ${sources}::text[], ${targets}::text[])
                       as tr(key, source, target))
     -- unnest first (offset 0 keeps the planner from joining tr before it)
     select tr.key, ${EDGE.records} as records, ${EDGE.taken} as taken
       from ${edgeRowsSql('ev')} x
       join tr on tr.source = x.stage and tr.target = x.target
      group by tr.key`,
    s.params.values,
  );
  return new Map<string, Counts>(
    rows.map((r) => [String(r.key), { records: num(r.records), taken: num(r.taken) }]),
  );
}

/**
 * Records per transition from the `action.performed` events, for SOPs where visits cannot
 * tell transitions apart (two actions between the same stages, or an action that stays in
 * its stage).
 */
async function actionEdges(ctx: Ctx, input: ReportFilters, sop: SopContext) {
  const s = scopeOf(ctx, input, sop);
  const ev = cohortEventsCte(s, 'ev', ['action.performed'], 'e.record_id, e.data');
  const rows = await reportQuery(
    ctx.db,
    `with ${cohortCte(s)}, ${ev}
     select t.key, count(distinct ev.record_id)::int as records, count(*)::int as taken
       from ev cross join lateral jsonb_array_elements_text(
              case when jsonb_typeof(ev.data -> 'transitions') = 'array'
                   then ev.data -> 'transitions' else '[]'::jsonb end) as t(key)
      group by t.key`,
    s.params.values,
  );
  return new Map<string, Counts>(
    rows.map((r) => [String(r.key), { records: num(r.records), taken: num(r.taken) }]),
  );
}

/** The figures for the SOP diagram; the SOP version shown is `version` or the published one. */
export async function bottleneckMapFor(
  ctx: Ctx,
  input: ReportFilters,
  sop: SopContext,
  opts: { live?: boolean } = {},
): Promise<BottleneckMap> {
  const transitions = plainTransitions(sop);
  const rollup = await rollupFor(ctx, input, sop, opts);
  // edges of SOPs whose transitions the visits cannot tell apart come from the events, live
  const [now, figures, edges] = await Promise.all([
    nowCounts(ctx, input, sop),
    rollup ? rollupFigures(rollup) : visitFigures(ctx, input, sop),
    transitions
      ? rollup
        ? rollupEdges(rollup, transitions)
        : visitEdges(ctx, input, sop, transitions)
      : actionEdges(ctx, input, sop),
  ]);
  const ids = new Set([...now.keys(), ...figures.keys()]);
  const stages = withUnknownStages(sop.stages, ids).map((st) => {
    const n = now.get(st.id);
    const d = figures.get(st.id);
    const entered = d?.entered ?? 0;
    const dropped = d?.dropped ?? 0;
    return {
      ...st,
      now: n?.n ?? 0,
      overdueNow: n?.overdue ?? 0,
      entered,
      wallP50: d?.wallP50 ?? null,
      workP50: d?.workP50 ?? null,
      breachRate: ratio(d?.breached ?? 0, d?.visits ?? 0),
      dropped,
      dropOff: st.final ? null : ratio(dropped, entered),
    };
  });
  const edgeList: MapEdge[] = [];
  for (const [key, c] of edges) {
    const info = sop.compiled.transitionByKey.get(key);
    const [source = '', action = ''] = key.split('#');
    edgeList.push({
      key,
      source: info?.source ?? source,
      targets: info?.targets ?? [],
      action: info?.event ?? action,
      label: info?.meta?.label ?? null,
      records: c.records,
      taken: c.taken,
    });
  }
  // transitions nobody took are edges too (count 0), so the whole diagram is labelled
  for (const [key, info] of sop.compiled.transitionByKey) {
    if (edges.has(key)) continue;
    edgeList.push({
      key,
      source: info.source,
      targets: info.targets,
      action: info.event,
      label: info.meta?.label ?? null,
      records: 0,
      taken: 0,
    });
  }
  edgeList.sort((a, b) => a.key.localeCompare(b.key));
  const period = periodOf(input, ctx.now, ctx.calendar);
  return {
    sopId: sop.sopId,
    version: sop.version,
    period,
    stages,
    edges: edgeList,
    approximate: rollup !== null,
  };
}

/**
 * Figures for the bottleneck map of one SOP version.
 *
 * @example
 * const m = await getBottleneckMap({ ctx, input: { sopId: 'closed-loop' } });
 * m.stages.find((s) => s.id === 'screening') // { now: 14, workP50: 5.4e6, breachRate: 0.3, dropOff: 0.2, … }
 */
export const getBottleneckMap = sopReport(bottleneckMapFor);
