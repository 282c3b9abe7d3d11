/**
 * What every report shares: the caller's filters turned into one parameterised SQL scope
 * (the "cohort" of records created in the period that the caller may see), the SOP's stage
 * catalogue, and the working-time calendar as SQL arrays.
 *
 * Figures are computed in SQL from the event history; only per-stage aggregates come back.
 * See docs/reports.md for the period semantics and the calendar approach.
 */
import {
  type Calendar,
  type CompiledSop,
  compile,
  type LocalizedText,
  parseSop,
  type SopDocument,
} from '@closeloop/engine';
import type { Db, Row } from '../../db/client.ts';
import { assertRole, visibilitySql } from '../core/access.ts';
import type { Ctx } from '../core/context.ts';
import { Forbidden, Invalid, NotFound } from '../core/errors.ts';

export const DAY_MS = 24 * 3600 * 1000;

export type ReportFilters = {
  sopId?: string;
  version?: number;
  teamId?: string;
  /** The rep who owns the records now. */
  ownerId?: string;
  /** First local day of the period, YYYY-MM-DD (workspace calendar's time zone). */
  from?: string;
  /** Last local day of the period, inclusive. */
  to?: string;
  /** Lead source: the value of the SOP's source field (leadSource, source or channel). */
  source?: string;
};

export type Period = { from: string; to: string; fromMs: number; toMs: number };

/** Collects `$n` parameters while a statement is built. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder. */
  p(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  /** A timestamptz parameter from epoch ms. */
  ts(ms: number): string {
    return `${this.p(new Date(ms).toISOString())}::timestamptz`;
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function localDay(ms: number, cal: Calendar): string {
  return new Date(ms + cal.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

function dayStartUtc(day: string, cal: Calendar): number {
  return Date.parse(`${day}T00:00:00Z`) - cal.utcOffsetMinutes * 60_000;
}

/** The period in local days; the default is the last 30 days up to today. */
export function periodOf(f: ReportFilters, now: number, cal: Calendar): Period {
  for (const [k, v] of [
    ['from', f.from],
    ['to', f.to],
  ] as const) {
    if (v !== undefined && (!DATE.test(v) || Number.isNaN(Date.parse(v)))) {
      throw new Invalid('invalid-input', `${k} must be a date (YYYY-MM-DD)`, {
        errors: [{ path: k, message: 'expected YYYY-MM-DD' }],
      });
    }
  }
  const to = f.to ?? localDay(now, cal);
  const from = f.from ?? localDay(dayStartUtc(to, cal) - 29 * DAY_MS, cal);
  const fromMs = dayStartUtc(from, cal);
  const toMs = dayStartUtc(to, cal) + DAY_MS;
  if (toMs <= fromMs) {
    throw new Invalid('invalid-input', 'the period ends before it starts', {
      errors: [{ path: 'to', message: 'to is before from' }],
    });
  }
  if (toMs - fromMs > 3700 * DAY_MS) {
    throw new Invalid('invalid-input', 'the period is longer than ten years', {
      errors: [{ path: 'from', message: 'period too long' }],
    });
  }
  return { from, to, fromMs, toMs };
}

/** Reports are for managers (their teams) and admins (the workspace). */
export function assertCanReport(ctx: Ctx, f: ReportFilters): void {
  assertRole(ctx.user, ['admin', 'manager'], 'reports');
  if (ctx.user.role === 'manager' && f.teamId && !ctx.user.teamIds.includes(f.teamId)) {
    throw new Forbidden('managers see the reports of their own teams');
  }
}

/** The field that holds the lead source, if the SOP has one. */
export const SOURCE_FIELDS = ['leadSource', 'source', 'channel'];

export type Stage = {
  id: string;
  parentId: string | null;
  depth: number;
  type: string;
  final: boolean;
  outcome: 'won' | 'lost' | 'done' | null;
  title: LocalizedText;
  /** The stage's SLA, e.g. `P1D working`; null when it has none. */
  sla: string | null;
  /** Position in document order (depth first). */
  order: number;
};

export type SopContext = {
  sopId: string;
  /** The version whose diagram and stage titles the report uses. */
  version: number;
  doc: SopDocument;
  compiled: CompiledSop;
  stages: Stage[];
  sourceField: string | null;
  /** A select field whose value explains a loss (lostReason, disqualifyReason…). */
  reasonField: string | null;
};

/** Loads the SOP version the report describes: the one asked for, else the published one. */
export async function loadSopContext(
  ctx: Ctx,
  sopId: string,
  version?: number,
): Promise<SopContext> {
  let v = version;
  if (v === undefined) {
    const rows = await ctx.db.query(
      `select coalesce(s.published_version,
                       (select max(version) from sop_versions x
                         where x.workspace_id = s.workspace_id and x.sop_id = s.id)) as v
         from sops s where s.workspace_id = $1 and s.id = $2`,
      [ctx.user.workspaceId, sopId],
    );
    const row = rows[0];
    if (!row) throw new NotFound('SOP', sopId);
    if (row.v === null || row.v === undefined) {
      throw new Invalid('sop-not-published', `SOP ${sopId} has no published version`);
    }
    v = Number(row.v);
  }
  let doc: SopDocument;
  let compiled: CompiledSop;
  try {
    const loaded = await ctx.sops.get(ctx.user.workspaceId, sopId, v);
    doc = loaded.doc;
    compiled = loaded.compiled;
  } catch (e) {
    if (e instanceof NotFound) throw e;
    // a cache miss path that failed to parse: fall back to reading it directly
    const rows = await ctx.db.query(
      'select doc from sop_versions where workspace_id = $1 and sop_id = $2 and version = $3',
      [ctx.user.workspaceId, sopId, v],
    );
    const parsed = rows[0] ? parseSop(rows[0].doc) : null;
    if (!parsed?.ok) throw e;
    doc = parsed.doc;
    compiled = compile(doc);
  }
  const stages: Stage[] = flowOrder(doc, compiled).map((st, order) => ({
    id: st.id,
    parentId: st.parentId,
    depth: st.depth,
    type: st.type,
    final: st.final,
    outcome: st.outcome ?? null,
    title: st.meta?.title ?? { 'zh-CN': st.key, en: st.key },
    sla: st.meta?.sla ? `${st.meta.sla.duration} ${st.meta.sla.clock ?? 'wall'}` : null,
    order,
  }));
  const keys = new Set(doc.fields.map((f) => f.key));
  const sourceField = SOURCE_FIELDS.find((k) => keys.has(k)) ?? null;
  const reasonField =
    doc.fields.find((f) => f.key === 'lostReason')?.key ??
    doc.fields.find((f) => /reason$/i.test(f.key) && f.type === 'select')?.key ??
    null;
  return { sopId, version: v, doc, compiled, stages, sourceField, reasonField };
}

type StageInfo = CompiledSop['stages'][number];

/**
 * Stages in the order a record flows through them. Stored documents are jsonb, which does
 * not keep key order, so the order is derived from the chart: siblings open stages first,
 * then won, done and lost final ones; within each, by distance from the initial stage along
 * transitions, then by position on the canvas. Children follow their parent (depth first).
 */
export function flowOrder(doc: SopDocument, compiled: CompiledSop): StageInfo[] {
  const byId = compiled.stageById;
  const dist = new Map<string, number>();
  const initialOf = (id: string | null): string[] => {
    const children =
      id === null
        ? compiled.stages.filter((x) => x.parentId === null)
        : (byId.get(id)?.children ?? []).map((c) => byId.get(c)).filter((x): x is StageInfo => !!x);
    if (children.length === 0) return [];
    const info = id === null ? undefined : byId.get(id);
    if (info?.type === 'parallel') return children.map((c) => c.id);
    let cfg: { initial?: unknown; states?: Record<string, unknown> } = doc.machine;
    for (const part of id === null ? [] : id.split('.')) {
      const next = cfg.states?.[part];
      cfg = next && typeof next === 'object' ? (next as typeof cfg) : {};
    }
    const key = typeof cfg.initial === 'string' ? cfg.initial : children[0]?.key;
    const first = children.find((c) => c.key === key) ?? children[0];
    return first ? [first.id] : [];
  };
  const queue: Array<[string, number]> = [];
  const reach = (id: string, d: number) => {
    if (dist.has(id)) return;
    dist.set(id, d);
    queue.push([id, d]);
    for (const c of initialOf(id)) reach(c, d);
  };
  for (const id of initialOf(null)) reach(id, 0);
  while (queue.length) {
    const item = queue.shift();
    if (!item) break;
    const [id, d] = item;
    for (const t of compiled.transitionsBySource.get(id) ?? []) {
      for (const target of t.targets) {
        // entering a nested stage enters its ancestors too
        const parts = target.split('.');
        for (let i = 1; i <= parts.length; i++) reach(parts.slice(0, i).join('.'), d + 1);
      }
    }
  }
  const rank = (s: StageInfo) =>
    !s.final ? 0 : s.outcome === 'won' ? 1 : s.outcome === 'lost' ? 3 : 2;
  const pos = (id: string) => {
    const p = (doc.layout as Record<string, { x?: number; y?: number }> | undefined)?.[id];
    return { x: typeof p?.x === 'number' ? p.x : 0, y: typeof p?.y === 'number' ? p.y : 0 };
  };
  const cmp = (a: StageInfo, b: StageInfo) =>
    rank(a) - rank(b) ||
    (dist.get(a.id) ?? 1e9) - (dist.get(b.id) ?? 1e9) ||
    pos(a.id).x - pos(b.id).x ||
    pos(a.id).y - pos(b.id).y ||
    a.id.localeCompare(b.id);
  const out: StageInfo[] = [];
  const walk = (parent: string | null) => {
    const kids = compiled.stages.filter((s) => s.parentId === parent && s.type !== 'history');
    kids.sort(cmp);
    for (const k of kids) {
      out.push(k);
      walk(k.id);
    }
  };
  walk(null);
  return out;
}

/** Adds stages that occur in the data but not in the SOP version shown (older versions). */
export function withUnknownStages(stages: Stage[], ids: Iterable<string>): Stage[] {
  const known = new Set(stages.map((s) => s.id));
  const out = [...stages];
  for (const id of ids) {
    if (known.has(id) || !id) continue;
    known.add(id);
    out.push({
      id,
      parentId: null,
      depth: 1,
      type: 'atomic',
      final: false,
      outcome: null,
      title: { 'zh-CN': id, en: id },
      sla: null,
      order: out.length,
    });
  }
  return out;
}

export type Scope = {
  params: Params;
  period: Period;
  /** `where` conditions on `records r` (workspace, SOP, version, team, owner, source, visibility). */
  recordWhere: string[];
  /** The workspace id placeholder. */
  ws: string;
  /** Conditions beyond the workspace and the SOP (filters or the caller's visibility). */
  filtered: boolean;
};

/**
 * The record conditions every report applies, without the period. `sop` is needed for the
 * source filter (which field holds the source).
 */
export function scopeOf(ctx: Ctx, f: ReportFilters, sop: SopContext | null): Scope {
  const params = new Params();
  const period = periodOf(f, ctx.now, ctx.calendar);
  const ws = params.p(ctx.user.workspaceId);
  const where = [`r.workspace_id = ${ws}`];
  if (f.sopId) where.push(`r.sop_id = ${params.p(f.sopId)}`);
  if (f.version !== undefined) where.push(`r.sop_version = ${params.p(f.version)}::int`);
  if (f.teamId) where.push(`r.team_id = ${params.p(f.teamId)}`);
  if (f.ownerId) where.push(`r.owner_id = ${params.p(f.ownerId)}`);
  if (f.source !== undefined && f.source !== '') {
    const field = sop?.sourceField;
    if (!field) where.push('false');
    else where.push(`r.fields ->> ${params.p(field)} = ${params.p(f.source)}`);
  }
  const vis = visibilitySql(ctx.user, params.values.length + 1);
  if (vis) {
    params.values.push(...vis.params);
    where.push(vis.sql);
  }
  const filtered = where.length > (f.sopId ? 2 : 1);
  return { params, period, recordWhere: where, ws, filtered };
}

/**
 * The cohort: records created in the period that match the filters. The period bounds also
 * bound their events (no event of a record precedes its creation), which lets the event
 * scans start at the period's first instant.
 */
export function cohortCte(s: Scope): string {
  const from = s.params.ts(s.period.fromMs);
  const to = s.params.ts(s.period.toMs);
  return `cohort as (
      select r.id, r.sop_version, r.status, r.stage, r.created_at
        from records r
       where ${s.recordWhere.join(' and ')}
         and r.created_at >= ${from} and r.created_at < ${to})`;
}

/**
 * Events of the cohort's records, of the given types. `e.at >= from` is implied by the
 * cohort (events follow creation) and lets the planner range-scan record_events_type_at_idx.
 */
export function cohortEventsCte(s: Scope, name: string, types: string[], columns: string): string {
  const list = types.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ');
  return `${name} as (
      select ${columns}
        from record_events e
        join cohort c on c.id = e.record_id
       where e.workspace_id = ${s.ws}
         and e.type in (${list})
         and e.at >= ${s.params.ts(s.period.fromMs)})`;
}

/**
 * The cohort's stage visits (`stage_visits v`, one row per stage entry, maintained by the
 * command path): a range scan of stage_visits_cohort_idx over the period's creation
 * instants, joined to the cohort on (creation instant, id) — both sides come sorted by it,
 * so the join merges. `r.status` and `r.stage` are available. When the caller filters by
 * nothing but the SOP and may see the whole workspace, the join is skipped unless asked for.
 */
export function cohortVisitsCte(
  s: Scope,
  sopId: string,
  name: string,
  columns: string,
  opts: { cohort?: boolean } = {},
): string {
  const from = s.params.ts(s.period.fromMs);
  const to = s.params.ts(s.period.toMs);
  // the records are joined here rather than through the `cohort` CTE: a CTE read twice is
  // materialised and loses its order, and the planner then hashes and sorts instead
  const join = opts.cohort || s.filtered;
  return `${name} as (
      select ${columns}
        from stage_visits v
        ${join ? `join records r on r.workspace_id = v.workspace_id and r.created_at = v.record_created_at and r.id = v.record_id and ${s.recordWhere.join(' and ')} and r.created_at >= ${from} and r.created_at < ${to}` : ''}
       where v.workspace_id = ${s.ws} and v.sop_id = ${s.params.p(sopId)}
         and v.record_created_at >= ${from} and v.record_created_at < ${to})`;
}

export type CalendarSql = {
  /** SQL for working ms since the array's first day, of a local-ms expression. */
  workingAt(localMs: string): string;
  /** SQL for the local ms (epoch ms shifted by the calendar offset) of a timestamptz. */
  local(ts: string): string;
};

function clockMs(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return (Number(h) * 60 + Number(m)) * 60_000;
}

function isWorkingDay(day: string, dow: number, cal: Calendar): boolean {
  if (cal.workdays.includes(day)) return true;
  if (cal.holidays.includes(day)) return false;
  return !cal.weekend.includes(dow);
}

/**
 * The working calendar as two SQL array parameters over the local days [fromMs, toMs]:
 * `cum[d]`, working ms before day d, and `len[d]`, the day's working ms (0 on days off).
 * Working ms up to an instant t on day d is `cum[d] + clamp(t − d − workStart, 0, len[d])`,
 * so a duration in working time is a difference of two array lookups per row — no join,
 * no per-row loop, the same SQL on PGlite and Postgres, and the workspace's own calendar
 * (holidays and 调休 days) honoured. Instants outside the range give null.
 *
 * @example
 * const cal = calendarSql(params, chinaCalendar, from, now);
 * `${cal.workingAt(cal.local('b'))} - ${cal.workingAt(cal.local('a'))}` // working ms a → b
 */
export function calendarSql(
  params: Params,
  cal: Calendar,
  fromMs: number,
  toMs: number,
): CalendarSql {
  const off = cal.utcOffsetMinutes * 60_000;
  const first = Math.floor((fromMs + off) / DAY_MS) - 1;
  const last = Math.floor((toMs + off) / DAY_MS) + 1;
  const start = clockMs(cal.workStart);
  const dayLen = Math.max(0, clockMs(cal.workEnd) - start);
  const cum: number[] = [];
  const len: number[] = [];
  let total = 0;
  for (let d = first; d <= last; d++) {
    const date = new Date(d * DAY_MS);
    const l = isWorkingDay(date.toISOString().slice(0, 10), date.getUTCDay(), cal) ? dayLen : 0;
    cum.push(total);
    len.push(l);
    total += l;
  }
  const cumP = `${params.p(cum)}::float8[]`;
  const lenP = `${params.p(len)}::float8[]`;
  const base = params.p(first - 1);
  const offP = params.p(off);
  const startP = params.p(start);
  return {
    // date_part is float8; extract returns numeric since Postgres 14 (numeric arithmetic per row)
    local: (ts) => `(round(date_part('epoch', ${ts}) * 1000) + ${offP}::float8)`,
    workingAt: (l) => {
      const day = `(floor(${l} / ${DAY_MS})::int - ${base}::int)`;
      return `((${cumP})[${day}] + least(greatest(${l} - floor(${l} / ${DAY_MS}) * ${DAY_MS} - ${startP}::float8, 0), (${lenP})[${day}]))`;
    },
  };
}

/**
 * Runs one report statement. On Postgres it runs in a read-only transaction with more
 * memory for its hashes and sorts (the 4 MB default spills a 100k-row distinct to disk)
 * and without JIT, whose compile time exceeds these sub-second queries.
 */
export async function reportQuery(db: Db, text: string, params: unknown[]): Promise<Row[]> {
  if (db.kind === 'pglite') return db.query(text, params);
  return db.transaction(async (q) => {
    await q(
      "select set_config('work_mem', '64MB', true), set_config('jit', 'off', true), set_config('transaction_read_only', 'on', true)",
    );
    return q(text, params);
  });
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number(v);
export const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
