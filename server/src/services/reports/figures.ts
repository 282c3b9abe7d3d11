/**
 * The one definition of each per-stage figure, as SQL fragments shared by the live reports
 * (a cohort's visits, grouped by stage) and the daily rollup (the same visits, grouped by
 * cohort day, version, team and stage — rollup.ts). Both paths build their visit rows
 * (`ev`: ca, record_id, stage, next, breached, exited_at, wall, work, dropped) and then
 * apply these, so for a period both can answer their counts are equal.
 * See docs/reports.md for the definitions in words.
 */
import type { CalendarSql, Params, SopContext, Stage } from './scope.ts';

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

/** The SOP's flow order as array parameters: the funnel's progress and the lost final stages. */
export type FlowParams = {
  stageIds: string;
  idx: string;
  next: string;
  /** Added on first use (a parameter the statement does not use would fail on Postgres). */
  lostFinals(): string;
};

export function flowParams(params: Params, sop: SopContext): FlowParams {
  const { idx, next } = progressOrder(sop.stages);
  let lost: string | null = null;
  return {
    stageIds: `${params.p(sop.stages.map((x) => x.id))}::text[]`,
    idx: `${params.p(idx)}::int[]`,
    next: `${params.p(next)}::bigint[]`,
    lostFinals() {
      lost ??= `${params.p(lostFinalIds(sop))}::text[]`;
      return lost;
    },
  };
}

export function lostFinalIds(sop: SopContext): string[] {
  return sop.stages.filter((x) => x.final && x.outcome === 'lost').map((x) => x.id);
}

/**
 * Per visit (needs `records r` joined; `lost`: the lost final stages, a text[]): whether this visit lost the record from its stage —
 * a lost record dropped from the stages whose visit ended in the command that took it into a
 * lost final stage, or, when it was closed by hand, from the stages it is still in.
 */
export function droppedSql(lost: string): string {
  return `r.status = 'lost' and case when v.exited_at is null then not (r.stage = any(${lost}))
                                else v.next && ${lost} end`;
}

/**
 * CTEs over the visit rows `src`, read in (ca, record_id, stage) order, ending in `m`, which
 * adds per visit `first` (the record's first visit of the stage) and, as asked:
 * - `progress` (the SOP's flow order): `nxt`/`maxidx`, how far the record got (conversion);
 * - `dropped` (a `dropped` column in `src`): `lost_from`, a visit of this record and stage
 *   dropped it.
 * Both windows follow the index order, so one sort serves them (none when only one is asked).
 */
export function visitFlagsCtes(
  src: string,
  opts: { progress?: FlowParams; dropped?: boolean },
): string {
  const f = opts.progress;
  if (!f) {
    return `m as (select ${src}.*, row_number() over ws = 1 as first${opts.dropped ? `, bool_or(${src}.dropped) over ws as lost_from` : ''}
               from ${src} window ws as (partition by ${src}.ca, ${src}.record_id, ${src}.stage))`;
  }
  return `p as (select ${src}.*, array_position(${f.stageIds}, ${src}.stage) as pos from ${src}),
       m as (select p.*, p.stage is distinct from lag(p.stage) over w as first,
                    (${f.next})[p.pos] as nxt,
                    max((${f.idx})[p.pos]) over w as maxidx${opts.dropped ? ',\n                    bool_or(p.dropped) over ws as lost_from' : ''}
               from p
             window w as (partition by p.ca, p.record_id order by p.stage
                          rows between unbounded preceding and unbounded following)${opts.dropped ? ',\n                    ws as (partition by p.ca, p.record_id, p.stage)' : ''})`;
}

/** Aggregates over `m` (visitFlagsCtes) or the visit rows, per stage (and cell). */
export const FIGURE = {
  /** Records that entered the stage. */
  entered: 'count(*) filter (where first)::int',
  /** Of those, records that later entered a stage after the stage's subtree (lost finals excluded). */
  converted: 'count(*) filter (where first and maxidx >= nxt)::int',
  /** Of those, records lost from it. */
  dropped: 'count(*) filter (where first and lost_from)::int',
  /** Entries into the stage. */
  visits: 'count(*)::int',
  /** Visits that left the stage (they have a duration). */
  finished: 'count(exited_at)::int',
  /** Visits still in the stage. */
  open: '(count(*) - count(exited_at))::int',
  /** Visits whose deadline passed. */
  breached: 'count(*) filter (where breached)::int',
} as const;

/** The cohort's records by status: rows ('#open' | '#won' | '#lost' | '#done', count). */
export function statusCountSql(src: string, keys = ''): string {
  return `select ${keys}'#' || ${src}.status as stage, count(*)::int as n from ${src} group by ${keys}${src}.status`;
}

/**
 * Edges taken: one row per (visit, stage its exiting command entered) of the visit rows
 * `src`; count `records` (distinct) and `taken` over them. Offset 0 keeps the planner from
 * joining anything into it before the unnest.
 */
export function edgeRowsSql(src: string, keys = ''): string {
  return `(select ${keys}${src}.record_id, ${src}.stage, unnest(${src}.next) as target from ${src}
            where ${src}.next is not null offset 0)`;
}

export const EDGE = {
  records: 'count(distinct x.record_id)::int',
  taken: 'count(*)::int',
} as const;

/**
 * A finished visit's working ms: computed at exit with the calendar then in force; visits
 * backfilled from older history (migration 0006) have none and take the current calendar's.
 */
export function workSql(cal: CalendarSql): string {
  return `coalesce(v.work_ms, ${cal.workingAt(cal.local('v.exited_at'))} - ${cal.workingAt(cal.local('v.entered_at'))})`;
}

/**
 * The cohort's lost records and why (getOutcomes): a record closed by hand carries the
 * reason typed at its last closing; one that reached a lost final stage, the SOP's reason
 * field, else the stage. `cohort` has (keys…, id, status, stage); `from` bounds the closings
 * (no event precedes the cohort's creation). Gives CTEs and a select of (keys…, kind, value, n).
 */
export function lostReasonsSql(o: {
  cohort: string;
  keys: string[];
  ws: string;
  from: string;
  reasonKey: string;
  lostFinals: string;
  /**
   * How the closings are found: `scan` the period's closing events by (type, at) — few for a
   * period up to now — or `lookup` each hand-closed record's last closing by its key, for
   * scattered days whose events would span years.
   */
  closings?: 'scan' | 'lookup';
}): { ctes: string; select: string } {
  const k = (alias: string) => o.keys.map((x) => `${alias}.${x}, `).join('');
  const g = (alias: string) => o.keys.map((x) => `${alias}.${x}, `).join('');
  return {
    ctes: `lost as (select ${k('c')}c.id, c.stage, c.stage = any(${o.lostFinals}) as ended
                  from ${o.cohort} c where c.status = 'lost'),
       ${
         o.closings === 'lookup'
           ? `closed as (
         select ${k('l')}l.id as record_id, x.reason from lost l
          cross join lateral (
            select e.data ->> 'reason' as reason from record_events e
             where e.workspace_id = ${o.ws} and e.record_id = l.id and e.type = 'record.closed'
             order by e.seq desc limit 1) x
          where not l.ended)`
           : `closings as materialized (
         select e.record_id, e.seq, e.data ->> 'reason' as reason from record_events e
          where e.workspace_id = ${o.ws} and e.type = 'record.closed' and e.at >= ${o.from}),
       closed as (
         select distinct on (cl.record_id) ${k('l')}cl.record_id, cl.reason
           from closings cl join lost l on l.id = cl.record_id and not l.ended
          order by cl.record_id, cl.seq desc)`
       }`,
    select: `select ${k('cl')}'closed' as kind, cl.reason as value, count(*)::int as n
       from closed cl group by ${g('cl')}cl.reason
     union all
     select ${k('x')}x.kind, x.value, count(*)::int
       from (select ${k('l')}case when r.fields ->> ${o.reasonKey}::text is not null then 'field' else 'stage' end as kind,
                    coalesce(r.fields ->> ${o.reasonKey}::text, r.stage) as value
               from lost l
               join records r on r.workspace_id = ${o.ws} and r.id = l.id
              where l.ended) x
      group by ${g('x')}x.kind, x.value`,
  };
}

/** The events getTrends counts (`record_events e` joined to `records r`), and what each counts as. */
export const TREND_TYPES = `('record.completed', 'record.closed', 'sla.breached')`;
/** A completed record's status is its outcome (only hand-closed losses reopen). */
export const TREND_KIND = `case when e.type = 'sla.breached' then 'breaches'
                 when e.type = 'record.closed' then 'lost'
                 else r.status end`;
