/**
 * Reading records and building the statements that persist one engine step: the record
 * (guarded by its version), its events, timers, notifications, outbox rows, rotation state
 * and the NOTIFY that feeds live updates. Every statement is parameterised with explicit
 * casts so the same text runs on PGlite and postgres.js.
 */
import type { Effect, EngineEvent, Fields, RecordState, Roster } from '@closeloop/engine';
import type { Db, Row, Stmt } from '../../db/client.ts';
import { LIVE_CHANNEL, type LivePayload } from '../../live.ts';
import { rosterFromRows, rosterSelect } from './roster.ts';

export type StoredRecord = {
  state: RecordState;
  version: number;
  eventCount: number;
};

export function isRecordState(v: unknown): v is RecordState {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.sopId === 'string' &&
    typeof r.sopVersion === 'number' &&
    typeof r.version === 'number' &&
    typeof r.status === 'string' &&
    !!r.fields &&
    typeof r.fields === 'object' &&
    !!r.stages &&
    typeof r.stages === 'object' &&
    Array.isArray(r.timers)
  );
}

export function storedRecordOf(row: Row): StoredRecord {
  if (!isRecordState(row.state)) throw new Error('stored record state is malformed');
  return { state: row.state, version: Number(row.version), eventCount: Number(row.event_count) };
}

export async function loadRecord(
  db: Db,
  workspaceId: string,
  recordId: string,
): Promise<StoredRecord | null> {
  const rows = await db.query(
    'select state, version, event_count from records where workspace_id = $1 and id = $2',
    [workspaceId, recordId],
  );
  const row = rows[0];
  return row ? storedRecordOf(row) : null;
}

/**
 * The record and, in the same round trip, the roster of `teamIds` plus the record's own team
 * (the command path's two reads as one).
 *
 * The roster comes without open-record counts (each member's `openCount` is 0): they cost a
 * scan of each member's open records and only some assignments read them (caps,
 * least-loaded); the command path decides again on a full roster when the decision may
 * have depended on them (see `needsCounts` in command-stages.ts).
 */
export async function loadRecordWithRoster(
  db: Db,
  workspaceId: string,
  recordId: string,
  teamIds: readonly string[],
  now: number,
): Promise<{
  stored: StoredRecord;
  roster: Roster;
  teams: Set<string>;
} | null> {
  const rows = await db.query(
    `select r.state, r.version, r.event_count, r.team_id,
            (select coalesce(json_agg(x), '[]'::json) from (${rosterSelect(
              'r.workspace_id',
              't.id = any($3::text[]) or t.id = r.team_id',
              false,
            )}) x) as roster
       from records r where r.workspace_id = $1 and r.id = $2`,
    [workspaceId, recordId, [...teamIds]],
  );
  const row = rows[0];
  if (!row) return null;
  const rosterRows = Array.isArray(row.roster) ? row.roster : [];
  const teams = new Set(teamIds);
  if (typeof row.team_id === 'string') teams.add(row.team_id);
  return { stored: storedRecordOf(row), roster: rosterFromRows(rosterRows, now), teams };
}

/** Every active state id (ancestors and leaves) of a snapshot value, parents first. */
export function activeStageIds(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  if (!value || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    out.push(prefix + k);
    out.push(...activeStageIds(v, `${prefix}${k}.`));
  }
  return out;
}

/** Active leaves only: the stages a person is working in. */
export function leafStageIds(value: unknown): string[] {
  const all = activeStageIds(value);
  return all.filter((id) => !all.some((other) => other.startsWith(`${id}.`)));
}

function searchText(fields: Fields): string {
  const parts: string[] = [];
  for (const v of Object.values(fields)) {
    if (typeof v === 'string') parts.push(v);
    else if (typeof v === 'number') parts.push(String(v));
    else if (Array.isArray(v)) parts.push(...v);
  }
  return parts.join(' ').toLowerCase().slice(0, 8000);
}

function recordColumns(s: RecordState) {
  const stages = activeStageIds(s.value);
  return {
    stage: leafStageIds(s.value)[0] ?? '',
    stages,
    search: searchText(s.fields),
  };
}

// Row-shaped statements (see Stmt.rows): every parameter is an array, one entry per row, so
// group commit can merge concurrent commands' statements of the same text into one.

const RECORD_COLUMNS =
  'x(w, id, sid, sv, st, s, f, o, t, stage, stages, due, v, ec, q, ca, ua, ev)';
const RECORD_ARRAYS = `$1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
  $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::float8[], $13::int[],
  $14::int[], $15::text[], $16::float8[], $17::float8[], $18::int[]`;
// a row's stages travel as one text (stage ids hold no control characters)
const SEP = String.fromCharCode(31);
const TS = (n: number) => `to_timestamp($${n}::float8 / 1000)`;

/** One record's values, in RECORD_COLUMNS order (stages as an array). */
function recordValues(
  workspaceId: string,
  s: RecordState,
  eventCount: number,
  expectedVersion: number | null,
): unknown[] {
  const c = recordColumns(s);
  return [
    workspaceId,
    s.id,
    s.sopId,
    s.sopVersion,
    s.status,
    JSON.stringify(s),
    JSON.stringify(s.fields),
    s.ownerId,
    s.teamId,
    c.stage,
    c.stages,
    s.dueAt,
    s.version,
    eventCount,
    c.search,
    s.createdAt,
    s.updatedAt,
    expectedVersion,
  ];
}

/** The row-shaped parameters of one record: each value a one-row array, stages as text. */
const recordRows = (values: unknown[]) =>
  values.map((v, i) => [i === 10 ? (v as string[]).join(SEP) : v]);

/**
 * Inserts the record; a guard keyed by its id (a unique violation if it exists). Sent alone,
 * the plain statement; merged with others, the row-shaped one.
 */
export function insertRecordStmt(workspaceId: string, s: RecordState, eventCount: number): Stmt {
  const v = recordValues(workspaceId, s, eventCount, null);
  return {
    text: `insert into records (workspace_id, id, sop_id, sop_version, status, state, fields,
             owner_id, team_id, stage, stages, due_at, version, event_count, search,
             created_at, updated_at)
           select x.w, x.id, x.sid, x.sv, x.st, x.s::jsonb, x.f::jsonb, x.o, x.t, x.stage,
             string_to_array(x.stages, chr(31)), to_timestamp(x.due / 1000), x.v, x.ec, x.q,
             to_timestamp(x.ca / 1000), to_timestamp(x.ua / 1000)
             from unnest(${RECORD_ARRAYS}) as ${RECORD_COLUMNS}
           returning id as k`,
    params: recordRows(v),
    rows: {
      keys: [s.id],
      single: {
        text: `insert into records (workspace_id, id, sop_id, sop_version, status, state, fields,
                 owner_id, team_id, stage, stages, due_at, version, event_count, search,
                 created_at, updated_at)
               values ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8, $9, $10,
                 $11::text[], ${TS(12)}, $13, $14, $15, ${TS(16)}, ${TS(17)})
               returning id as k`,
        params: v.slice(0, 17),
      },
    },
  };
}

/**
 * Updates the record only if it is still at `expectedVersion`; a guard keyed by its id (one
 * row back on success). Sent alone, the plain statement; merged, the row-shaped one.
 */
export function updateRecordStmt(
  workspaceId: string,
  s: RecordState,
  expectedVersion: number,
  addedEvents: number,
): Stmt {
  const v = recordValues(workspaceId, s, addedEvents, expectedVersion);
  const [w, id, , sv, st, json, fields, o, t, stage, stages, due, version, ec, q, , ua, ev] = v;
  return {
    text: `update records r set sop_version = x.sv, status = x.st, state = x.s::jsonb,
             fields = x.f::jsonb, owner_id = x.o, team_id = x.t, stage = x.stage,
             stages = string_to_array(x.stages, chr(31)), due_at = to_timestamp(x.due / 1000),
             version = x.v, event_count = r.event_count + x.ec, search = x.q,
             updated_at = to_timestamp(x.ua / 1000)
             from unnest(${RECORD_ARRAYS}) as ${RECORD_COLUMNS}
           where r.workspace_id = x.w and r.id = x.id and r.version = x.ev
           returning r.id as k`,
    params: recordRows(v),
    rows: {
      keys: [s.id],
      single: {
        text: `update records set sop_version = $3, status = $4, state = $5::text::jsonb,
                 fields = $6::text::jsonb, owner_id = $7, team_id = $8, stage = $9,
                 stages = $10::text[], due_at = ${TS(11)}, version = $12,
                 event_count = event_count + $13, search = $14, updated_at = ${TS(15)}
               where workspace_id = $1 and id = $2 and version = $16
               returning id as k`,
        params: [w, id, sv, st, json, fields, o, t, stage, stages, due, version, ec, q, ua, ev],
      },
    },
  };
}

/** `n` copies of `v`: a per-row column for a value every row of one command shares. */
const each = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

export function insertEventsStmt(
  workspaceId: string,
  recordId: string,
  firstSeq: number,
  events: EngineEvent[],
): Stmt {
  const n = events.length;
  return {
    text: `insert into record_events (workspace_id, record_id, seq, id, type, at, actor_id, data,
             record_version)
           select x.w, x.r, x.s, x.i, x.t, to_timestamp(x.a / 1000), x.ac, x.d::jsonb, x.v
             from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::float8[],
                         $7::text[], $8::text[], $9::int[]) as x(w, r, s, i, t, a, ac, d, v)`,
    params: [
      each(n, workspaceId),
      each(n, recordId),
      events.map((_, i) => firstSeq + i),
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => e.at),
      events.map((e) => e.actorId),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => e.version),
    ],
    rows: {},
  };
}

export type EffectContext = {
  workspaceId: string;
  recordId: string;
  now: number;
  newId: () => string;
};

/** The statements that carry out a step's effects, plus what live listeners should hear. */
export function effectStmts(
  x: EffectContext,
  effects: Effect[],
): { stmts: Stmt[]; notified: Array<[string, string]> } {
  const stmts: Stmt[] = [];
  const schedule = effects.flatMap((e) => (e.type === 'scheduleTimer' ? [e.timer] : []));
  const cancel = effects.flatMap((e) => (e.type === 'cancelTimer' ? [e.timerId] : []));
  if (cancel.length) {
    stmts.push({
      text: `update timers t set status = 'cancelled'
               from unnest($1::text[], $2::text[]) as x(w, i)
              where t.workspace_id = x.w and t.id = x.i and t.status in ('pending', 'claimed')`,
      params: [each(cancel.length, x.workspaceId), cancel],
      rows: {
        single: {
          text: `update timers set status = 'cancelled'
                  where workspace_id = $1 and id = any($2::text[]) and status in ('pending', 'claimed')`,
          params: [x.workspaceId, cancel],
        },
      },
    });
  }
  if (schedule.length) {
    const n = schedule.length;
    stmts.push({
      text: `insert into timers (workspace_id, id, record_id, stage, rung, kind, due_at)
             select x.w, x.i, x.r, x.s, x.n, x.k, to_timestamp(x.d / 1000)
               from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[],
                           $6::text[], $7::float8[]) as x(w, i, r, s, n, k, d)
             on conflict (workspace_id, id) do nothing`,
      params: [
        each(n, x.workspaceId),
        schedule.map((t) => t.id),
        each(n, x.recordId),
        schedule.map((t) => t.stage),
        schedule.map((t) => t.rung),
        schedule.map((t) => t.kind),
        schedule.map((t) => t.dueAt),
      ],
      rows: {},
    });
  }
  const notified: Array<[string, string]> = [];
  const notes: Array<{ id: string; userId: string; kind: string; message: string }> = [];
  for (const e of effects) {
    if (e.type !== 'notify') continue;
    for (const userId of new Set(e.userIds)) {
      const id = x.newId();
      notes.push({ id, userId, kind: e.kind, message: JSON.stringify(e.message) });
      notified.push([userId, id]);
    }
  }
  if (notes.length) {
    const n = notes.length;
    stmts.push({
      text: `insert into notifications (workspace_id, id, user_id, record_id, kind, message, created_at)
             select x.w, x.i, x.u, x.r, x.k, x.m::jsonb, to_timestamp(x.c / 1000)
               from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                           $6::text[], $7::float8[]) as x(w, i, u, r, k, m, c)`,
      params: [
        each(n, x.workspaceId),
        notes.map((t) => t.id),
        notes.map((t) => t.userId),
        each(n, x.recordId),
        notes.map((t) => t.kind),
        notes.map((t) => t.message),
        each(n, x.now),
      ],
      rows: {},
    });
  }
  const hooks = effects.flatMap((e) => (e.type === 'webhook' ? [e] : []));
  if (hooks.length) {
    const n = hooks.length;
    stmts.push({
      text: `insert into outbox (workspace_id, id, record_id, event, payload, created_at)
             select x.w, x.i, x.r, x.e, x.p::jsonb, to_timestamp(x.c / 1000)
               from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                           $6::float8[]) as x(w, i, r, e, p, c)`,
      params: [
        each(n, x.workspaceId),
        hooks.map(() => x.newId()),
        each(n, x.recordId),
        hooks.map((h) => h.event),
        hooks.map((h) => JSON.stringify(h.payload)),
        each(n, x.now),
      ],
      rows: {},
    });
  }
  for (const e of effects) {
    if (e.type !== 'assign' || !e.teamId || e.rrCursor === undefined) continue;
    stmts.push({
      text: `update teams set rr_cursor = greatest(rr_cursor, $3),
               assigned = case when $4::text is null then assigned
                 else jsonb_set(assigned, array[$4::text],
                   to_jsonb(coalesce((assigned ->> $4::text)::int, 0) + 1)) end
             where workspace_id = $1 and id = $2`,
      params: [x.workspaceId, e.teamId, e.rrCursor, e.userId],
    });
  }
  return { stmts, notified };
}

/** A live payload as NOTIFY text: under Postgres's 8000-byte limit (listeners re-read anyway). */
function liveText(payload: LivePayload): string {
  const text = JSON.stringify(payload);
  return text.length > 7000 ? JSON.stringify({ ...payload, n: [] }) : text;
}

/** One statement that sends the NOTIFY payloads (each its own notification, on commit). */
export function notifyStmt(...payloads: LivePayload[]): Stmt {
  return {
    text: 'select pg_notify(x.c, x.p) from unnest($1::text[], $2::text[]) as x(c, p)',
    params: [each(payloads.length, LIVE_CHANNEL), payloads.map(liveText)],
    rows:
      payloads.length === 1
        ? {
            single: {
              text: 'select pg_notify($1, $2)',
              params: [LIVE_CHANNEL, liveText(payloads[0] as LivePayload)],
            },
          }
        : {},
  };
}

export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
