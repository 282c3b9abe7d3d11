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
import type { Ctx, Verb } from '../context.ts';
import { breachesFor } from './get-breaches.ts';
import { stageTimesFor } from './get-stage-times.ts';
import {
  assertCanReport,
  cohortCte,
  cohortEventsCte,
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

/**
 * Entered and dropped per stage. A record dropped from the stages it left in the command
 * that took it into a lost final stage (those events share the command's instant), or, when
 * it was closed by hand, from the stages it is still in.
 */
async function dropOff(ctx: Ctx, input: ReportFilters, sop: SopContext) {
  const s = scopeOf(ctx, input, sop);
  const ev = cohortEventsCte(
    s,
    'ev',
    ['stage.entered', 'stage.exited'],
    `e.record_id, e.type, e.at, e.data ->> 'stage' as stage`,
  );
  const lostFinals = s.params.p(
    sop.stages.filter((x) => x.final && x.outcome === 'lost').map((x) => x.id),
  );
  const rows = await reportQuery(
    ctx.db,
    `with ${cohortCte(s)}, ${ev},
       -- one row per command: the stages it left, and whether it entered a lost final stage
       moves as (
         select ev.record_id,
                array_agg(ev.stage) filter (where ev.type = 'stage.exited') as left_,
                bool_or(ev.type = 'stage.entered' and ev.stage = any(${lostFinals}::text[])) as lost
           from ev group by ev.record_id, ev.at),
       dropped as (
         select x.stage, m.record_id from moves m
           join cohort c on c.id = m.record_id and c.status = 'lost'
           cross join lateral unnest(m.left_) as x(stage)
          where m.lost
         union
         select st.stage, r.id from cohort c
           join records r on r.workspace_id = ${s.ws} and r.id = c.id
           cross join lateral unnest(r.stages) as st(stage)
          where c.status = 'lost' and not (c.stage = any(${lostFinals}::text[])))
     select stage, count(distinct record_id)::int as entered, 0 as dropped
       from ev where type = 'stage.entered' group by stage
     union all
     select stage, 0, count(*)::int from dropped group by stage`,
    s.params.values,
  );
  const out = new Map<string, { entered: number; dropped: number }>();
  for (const r of rows) {
    const k = String(r.stage);
    const v = out.get(k) ?? { entered: 0, dropped: 0 };
    v.entered += num(r.entered);
    v.dropped += num(r.dropped);
    out.set(k, v);
  }
  return out;
}

/**
 * Records per transition. A transition's stage events share the command's instant, so the
 * records that left S for T are the (exit S, entry T) pairs at one instant — read from the
 * covering stage index alone. When the pairs cannot tell transitions apart (two actions
 * between the same stages, or an action that stays in its stage) the `action.performed`
 * events are read instead.
 */
async function edgeCounts(ctx: Ctx, input: ReportFilters, sop: SopContext) {
  const s = scopeOf(ctx, input, sop);
  const transitions = [...sop.compiled.transitionByKey.values()];
  const pairs = new Map<string, string[]>();
  for (const t of transitions) {
    const k = `${t.source}\u0000${t.targets.join(',')}`;
    pairs.set(k, [...(pairs.get(k) ?? []), t.key]);
  }
  const ambiguous =
    transitions.some((t) => t.targets.length !== 1) ||
    [...pairs.values()].some((k) => k.length > 1);
  if (ambiguous) {
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
    return new Map(
      rows.map((r) => [String(r.key), { records: num(r.records), taken: num(r.taken) }]),
    );
  }
  const ev = cohortEventsCte(
    s,
    'ev',
    ['stage.entered', 'stage.exited'],
    `e.record_id, e.type, e.at, e.data ->> 'stage' as stage`,
  );
  const keys = s.params.p(transitions.map((t) => t.key));
  const sources = s.params.p(transitions.map((t) => t.source));
  const targets = s.params.p(transitions.map((t) => t.targets[0] ?? ''));
  const rows = await reportQuery(
    ctx.db,
    `with ${cohortCte(s)}, ${ev},
       tr as (select * from unnest(${keys}::text[], ${sources}::text[], ${targets}::text[])
                       as tr(key, source, target)),
       -- one row per command: the stages it left and entered (they share its instant)
       moves as (
         select ev.record_id,
                array_agg(ev.stage) filter (where ev.type = 'stage.exited') as left_,
                array_agg(ev.stage) filter (where ev.type = 'stage.entered') as entered
           from ev group by ev.record_id, ev.at)
     select tr.key, count(distinct m.record_id)::int as records, count(*)::int as taken
       from moves m
       cross join lateral unnest(m.left_) as x(stage)
       cross join lateral unnest(m.entered) as n(stage)
       join tr on tr.source = x.stage and tr.target = n.stage
      group by tr.key`,
    s.params.values,
  );
  return new Map(
    rows.map((r) => [String(r.key), { records: num(r.records), taken: num(r.taken) }]),
  );
}

/** The figures for the SOP diagram; the SOP version shown is `version` or the published one. */
export async function bottleneckMapFor(
  ctx: Ctx,
  input: ReportFilters,
  sop: SopContext,
): Promise<BottleneckMap> {
  const [now, times, breaches, drops, edges] = await Promise.all([
    nowCounts(ctx, input, sop),
    stageTimesFor(ctx, input, sop),
    breachesFor(ctx, input, sop),
    dropOff(ctx, input, sop),
    edgeCounts(ctx, input, sop),
  ]);
  const timeBy = new Map(times.stages.map((t) => [t.id, t]));
  const breachBy = new Map(breaches.stages.map((b) => [b.id, b]));
  const ids = new Set([...now.keys(), ...drops.keys()]);
  const stages = withUnknownStages(sop.stages, ids).map((st) => {
    const n = now.get(st.id);
    const d = drops.get(st.id) ?? { entered: 0, dropped: 0 };
    const t = timeBy.get(st.id);
    return {
      ...st,
      now: n?.n ?? 0,
      overdueNow: n?.overdue ?? 0,
      entered: d.entered,
      wallP50: t?.wallP50 ?? null,
      workP50: t?.workP50 ?? null,
      breachRate: breachBy.get(st.id)?.rate ?? null,
      dropped: d.dropped,
      dropOff: st.final ? null : ratio(d.dropped, d.entered),
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
  return { sopId: sop.sopId, version: sop.version, period: times.period, stages, edges: edgeList };
}

/**
 * Figures for the bottleneck map of one SOP version.
 *
 * @example
 * const m = await getBottleneckMap({ ctx, input: { sopId: 'closed-loop' } });
 * m.stages.find((s) => s.id === 'screening') // { now: 14, workP50: 5.4e6, breachRate: 0.3, dropOff: 0.2, … }
 */
export const getBottleneckMap: Verb<ReportFilters & { sopId: string }, BottleneckMap> = async ({
  ctx,
  input,
}) => {
  assertCanReport(ctx, input);
  const sop = await loadSopContext(ctx, input.sopId, input.version);
  return bottleneckMapFor(ctx, input, sop);
};
