/**
 * The stage_visits rows a command writes in its own transaction, next to its events: a row
 * per stage entry, closed on exit with its wall-clock and working duration (the workspace
 * calendar at exit time), flagged when its deadline passed, and naming the stages the
 * exiting command entered. Reports aggregate these rows instead of pairing stage events
 * (docs/reports.md).
 *
 * Everything comes from the command's own events and the record as it was before them
 * (`stages[s].enteredAt` and `.entry` of the visits still open), so no extra read is needed.
 */
import {
  type Calendar,
  type EngineEvent,
  type RecordState,
  workingMsBetween,
} from '@closeloop/engine';
import type { Stmt } from '../../db/client.ts';

type Visit = {
  stage: string;
  entry: number;
  a: number;
  b: number | null;
  wall: number | null;
  work: number | null;
  br: boolean;
  nx: string[] | null;
  /** Entered by this command (insert) rather than open before it (update). */
  ins: boolean;
};

// row-shaped (see Stmt.rows): one JSON object a visit, so concurrent commands' writes merge
const VISIT_COLUMNS = `x(w text, r text, sid text, sv int, rc float8, stage text, entry int,
  a float8, b float8, wall float8, work float8, br boolean, nx text[], ins boolean)`;
const VISITS_WRITE = (rows: string) => `with x as (${rows}),
  ins as (
    insert into stage_visits (workspace_id, record_id, stage, entry, sop_id, sop_version,
                              record_created_at, entered_at, exited_at, wall_ms, work_ms,
                              breached, next)
    select x.w, x.r, x.stage, x.entry, x.sid, x.sv, to_timestamp(x.rc / 1000),
           to_timestamp(x.a / 1000), to_timestamp(x.b / 1000), x.wall, x.work, x.br, x.nx
      from x where x.ins),
  upd as (
    update stage_visits v
       set exited_at = coalesce(to_timestamp(x.b / 1000), v.exited_at),
           wall_ms = coalesce(x.wall, v.wall_ms), work_ms = coalesce(x.work, v.work_ms),
           breached = v.breached or x.br, next = coalesce(x.nx, v.next)
      from x
     where not x.ins and v.workspace_id = x.w and v.record_id = x.r and v.stage = x.stage
       and v.entry = x.entry)
  select 1`;
// merged: one JSON text a visit; alone: the command's visits as one JSON array
const VISITS_ROWS = VISITS_WRITE(
  `select x.* from unnest($1::text[]) as j(t), jsonb_to_record(j.t::jsonb) as ${VISIT_COLUMNS}`,
);
const VISITS_ONE = VISITS_WRITE(
  `select * from jsonb_to_recordset($1::text::jsonb) as ${VISIT_COLUMNS}`,
);

/**
 * The statements that keep stage_visits in step with one command's events: none when the
 * command neither entered, left nor breached a stage, else one.
 *
 * @example
 * stmts.push(...stageVisitStmts(ws, stored?.state ?? null, next, result.events, env.calendar));
 */
export function stageVisitStmts(
  workspaceId: string,
  prev: RecordState | null,
  next: RecordState,
  events: EngineEvent[],
  calendar: Calendar,
): Stmt[] {
  const open = new Map<string, Visit>();
  const touched: Visit[] = [];
  const visitOf = (stage: string): Visit | undefined => {
    const v = open.get(stage);
    if (v) return v;
    const before = prev?.stages[stage];
    if (!before) return undefined;
    const old: Visit = {
      stage,
      entry: before.entry,
      a: before.enteredAt,
      b: null,
      wall: null,
      work: null,
      br: false,
      nx: null,
      ins: false,
    };
    open.set(stage, old);
    touched.push(old);
    return old;
  };
  const entered = events.flatMap((e) => (e.type === 'stage.entered' ? [e.data.stage] : []));
  for (const e of events) {
    if (e.type === 'stage.entered') {
      const stage = e.data.stage;
      const v: Visit = {
        stage,
        entry: e.data.entry,
        a: e.at,
        b: null,
        wall: null,
        work: null,
        br: false,
        nx: null,
        ins: true,
      };
      open.set(stage, v);
      touched.push(v);
    } else if (e.type === 'stage.exited') {
      const v = visitOf(e.data.stage);
      if (!v || v.b !== null) continue;
      v.b = e.at;
      v.wall = e.at - v.a;
      v.work = workingMsBetween(v.a, e.at, calendar);
      v.nx = entered;
      open.delete(e.data.stage);
    } else if (e.type === 'sla.breached') {
      const v = visitOf(e.data.stage);
      if (v) v.br = true;
    }
  }
  if (touched.length === 0) return [];
  const row = {
    w: workspaceId,
    r: next.id,
    sid: next.sopId,
    sv: next.sopVersion,
    rc: next.createdAt,
  };
  return [
    {
      text: VISITS_ROWS,
      params: [touched.map((v) => JSON.stringify({ ...row, ...v }))],
      rows: {
        single: {
          text: VISITS_ONE,
          params: [JSON.stringify(touched.map((v) => ({ ...row, ...v })))],
        },
      },
    },
  ];
}
