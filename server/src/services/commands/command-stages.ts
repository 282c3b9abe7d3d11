/**
 * The stages of the command path, each a function of the previous one's output:
 *
 *   load    the record, its SOP version and the roster the decision may need (I/O, reads only)
 *   decide  the engine's pure step over what was loaded
 *   plan    the statements of the transaction, each carrying the check its rows must pass
 *   commit  one transaction for one plan or a batch of plans; a failed check or a unique
 *           violation rolls it back and comes back as a typed `Miss`, not an exception
 *
 * `runCommand` (command.ts) chains them for one command; the scheduler chains `planCommand`
 * and `commitPlans` for a batch of timers.
 */
import {
  type Effect,
  openActions,
  type Roster,
  type StepContext,
  type StepResult,
  step,
} from '@closeloop/engine';
import type { Row, Stmt } from '../../db/client.ts';
import { mergeBatch } from '../../db/merge.ts';
import type { LivePayload } from '../../live.ts';
import type { Deps } from '../core/context.ts';
import { NotFound, rejectionError, StaleVersion } from '../core/errors.ts';
import type { LoadedSop } from '../sops/sop-cache.ts';
import type { CommandEnv, CommandResult, RunCommand } from './command-types.ts';
import {
  effectStmts,
  insertEventsStmt,
  insertRecordStmt,
  loadRecord,
  loadRecordWithRoster,
  notifyStmt,
  type StoredRecord,
  updateRecordStmt,
} from './record-store.ts';
import { recordView } from './record-view.ts';
import { loadRoster } from './roster.ts';
import { stageVisitStmts } from './stage-visits.ts';

/** A record and roster read by the caller beforehand (the scheduler loads a batch at once). */
export type Preloaded = {
  stored: StoredRecord | null;
  roster: Roster;
  /** The teams `roster` covers. */
  teams: Set<string>;
  /** Whether `roster` carries open-record counts (see loadRecordWithRoster). */
  counts: boolean;
};

/** What the decision reads: the record as stored, its SOP version and a roster. */
export type Loaded = {
  stored: StoredRecord | null;
  sop: LoadedSop;
  roster: Roster;
  teamIds: string[];
  /** Whether `roster` carries open-record counts. */
  counts: boolean;
};

/** Why a transaction was rolled back. */
export type Miss =
  /** A caller's guard (a timer already fired) matched no row. */
  | 'already-handled'
  /** The record's new owner was deactivated before commit. */
  | 'owner-inactive'
  /** The record changed since it was loaded (version guard, or a unique violation). */
  | 'stale';

/** One statement of a plan; with `expectOne`, it must return exactly one row or the plan misses. */
export type Planned = { stmt: Stmt; expectOne?: Miss };

/** What one command will write, decided but not yet sent. No statements when nothing changed. */
export type Plan = {
  body: CommandResult;
  planned: Planned[];
  live: LivePayload | null;
  /** The engine's effects (the scheduler tracks assignments within a batch). */
  effects: Effect[];
  stored: StoredRecord | null;
  /** The record as it is once the plan commits (to chain a next command on it). */
  after: StoredRecord;
};

export type Committed = { ok: true } | { ok: false; miss: Miss };

// edits, closing and reopening never assign, so they skip the roster
const NO_ROSTER = new Set(['edit', 'close', 'reopen']);

/**
 * Loads the record (unless `preloaded`), authorises it and checks the expected version,
 * then the roster of every team the decision may assign to. Throws NotFound, StaleVersion
 * or the caller's Forbidden; writes nothing.
 */
export async function loadCommand(input: RunCommand, preloaded?: Preloaded): Promise<Loaded> {
  const { env, cmd } = input;
  const ws = env.workspaceId;
  const needsRoster = !NO_ROSTER.has(cmd.type);
  let stored: StoredRecord | null = null;
  let roster: Roster = { teams: [] };
  let have = new Set<string>();
  let counts = true;
  let sop: LoadedSop;
  if (cmd.type === 'create') {
    if (!input.sop) throw new Error('create needs the SOP version');
    sop = input.sop;
    if (preloaded) {
      // a batch of creates (an import) shares one roster the caller read and keeps current
      ({ roster, counts } = preloaded);
      have = preloaded.teams;
    }
  } else {
    if (preloaded) {
      ({ stored, roster, counts } = preloaded);
      have = preloaded.teams;
    } else if (needsRoster) {
      // one round trip: the record plus the roster of the teams this workspace's SOPs name
      const both = await loadRecordWithRoster(
        env.db,
        ws,
        input.recordId,
        env.sops.knownTeams(ws),
        env.now,
      );
      if (both) {
        ({ stored, roster, teams: have } = both);
        counts = false;
      }
    } else {
      stored = await loadRecord(env.db, ws, input.recordId);
    }
    if (!stored) throw new NotFound('record', input.recordId);
    input.authorize?.(stored.state);
    if (input.expectedVersion !== undefined && input.expectedVersion !== stored.version) {
      throw new StaleVersion(
        recordView(stored.state, env.now),
        input.expectedVersion,
        stored.version,
      );
    }
    sop = await env.sops.get(ws, stored.state.sopId, stored.state.sopVersion);
  }
  if (!needsRoster) return { stored, sop, roster, teamIds: [], counts };
  const teamIds = new Set<string>(sop.teams);
  if (stored?.state.teamId) teamIds.add(stored.state.teamId);
  if (cmd.type === 'reassign' && cmd.teamId) teamIds.add(cmd.teamId);
  if (cmd.type === 'create' && cmd.assign) teamIds.add(cmd.assign.team);
  if (input.rosterUsers?.length) {
    const rows = await env.db.query(
      'select team_id from memberships where workspace_id = $1 and user_id = any($2::text[])',
      [ws, input.rosterUsers],
    );
    for (const r of rows) teamIds.add(String(r.team_id));
  }
  if ([...teamIds].some((t) => !have.has(t))) {
    roster = await loadRoster(env.db, ws, [...teamIds], env.now);
    counts = true;
  }
  return { stored, sop, roster, teamIds: [...teamIds], counts };
}

/** The engine's step (or the caller's `decide`) over what was loaded. Pure but for ids. */
export function decideCommand(input: RunCommand, loaded: Loaded): Promise<StepResult> {
  const ctx = stepContext(input.env, loaded.roster);
  const record = loaded.stored?.state ?? null;
  return input.decide
    ? input.decide(loaded.sop, record, ctx)
    : step(loaded.sop.compiled, record, input.cmd, ctx);
}

function stepContext(env: CommandEnv, roster: Roster): StepContext {
  return {
    now: env.now,
    actor: env.actor,
    newId: () => crypto.randomUUID(),
    roster,
    calendar: env.calendar,
  };
}

/**
 * Whether a decision taken on a roster without open-record counts may have depended on them:
 * it assigned (or entered a stage with an owner policy) and the SOP ranks by counts somewhere
 * (the flag `compile` records) or a member of the roster has a cap.
 */
export function needsCounts(loaded: Loaded, result: StepResult): boolean {
  if (loaded.counts || !result.ok) return false;
  const { compiled } = loaded.sop;
  const assigned = result.events.some(
    (e) =>
      e.type === 'record.assigned' ||
      (e.type === 'stage.entered' && compiled.owners.has(e.data.stage)),
  );
  if (!assigned) return false;
  return (
    compiled.needsOpenCounts ||
    loaded.roster.teams.some((t) => t.members.some((m) => m.cap !== undefined))
  );
}

/**
 * Load → decide → plan for one command. A decision that may have read open-record counts
 * the roster lacked is taken again on a full roster (the engine is pure, so the first
 * result is simply dropped). Throws the command's domain errors; writes nothing.
 */
export async function planCommand(input: RunCommand, preloaded?: Preloaded): Promise<Plan> {
  const { env } = input;
  let loaded = await loadCommand(input, preloaded);
  let result = await decideCommand(input, loaded);
  if (needsCounts(loaded, result)) {
    const roster = await loadRoster(env.db, env.workspaceId, loaded.teamIds, env.now);
    loaded = { ...loaded, roster, counts: true };
    result = await decideCommand(input, loaded);
  }
  if (!result.ok) throw rejectionError(result.rejection);
  return plan(input, loaded, result);
}

/** The statements one decision writes, each with its check, and the response body. */
async function plan(
  input: RunCommand,
  loaded: Loaded,
  result: Extract<StepResult, { ok: true }>,
): Promise<Plan> {
  const { env } = input;
  const ws = env.workspaceId;
  const { stored } = loaded;
  const next = result.record;
  const nextSop =
    next.sopVersion === loaded.sop.doc.version
      ? loaded.sop
      : await env.sops.get(ws, next.sopId, next.sopVersion);
  const ctx = stepContext(env, loaded.roster);
  const body: CommandResult = {
    record: recordView(next, env.now),
    sop: { sopId: next.sopId, version: next.sopVersion },
    openActions: await openActions(nextSop.compiled, next, ctx),
    events: result.events,
  };
  const after: StoredRecord = {
    state: next,
    version: next.version,
    eventCount: (stored?.eventCount ?? 0) + result.events.length,
  };
  if (stored && result.events.length === 0) {
    // nothing changed (e.g. an edit with the same values): no write, same version
    return { body, planned: [], live: null, effects: [], stored, after };
  }
  const planned: Planned[] = [];
  if (input.idempotency) {
    const { userId, key, hash } = input.idempotency;
    planned.push({
      stmt: {
        text: `insert into idempotency_keys (workspace_id, user_id, key, request_hash, status, body)
               select x.w, x.u, x.k, x.h, 200, to_jsonb(x.b)
                 from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                      as x(w, u, k, h, b)`,
        params: [[ws], [userId], [key], [hash], [JSON.stringify(body)]],
        rows: {
          single: {
            text: `insert into idempotency_keys (workspace_id, user_id, key, request_hash, status, body)
                   values ($1, $2, $3, $4, 200, to_jsonb($5::text))`,
            params: [ws, userId, key, hash, JSON.stringify(body)],
          },
        },
      },
    });
  }
  for (const g of input.guards ?? []) planned.push({ stmt: g, expectOne: 'already-handled' });
  if (next.ownerId && next.ownerId !== (stored?.state.ownerId ?? null)) {
    // FOR SHARE waits for a deactivation in flight (it locks the user row) and then sees it,
    // so a record is never left with an inactive owner (see people/hand-over.ts)
    planned.push({
      stmt: {
        text: `select u.id as k from unnest($1::text[], $2::text[]) as x(w, i)
                 join users u on u.workspace_id = x.w and u.id = x.i and u.active
                  for share of u`,
        params: [[ws], [next.ownerId]],
        rows: {
          keys: [next.ownerId],
          shared: true,
          single: {
            text: 'select id as k from users where workspace_id = $1 and id = $2 and active for share',
            params: [ws, next.ownerId],
          },
        },
      },
      expectOne: 'owner-inactive',
    });
  }
  planned.push({
    stmt: stored
      ? updateRecordStmt(ws, next, stored.version, result.events.length)
      : insertRecordStmt(ws, next, result.events.length),
    expectOne: 'stale',
  });
  const firstSeq = (stored?.eventCount ?? 0) + 1;
  const plain = [
    insertEventsStmt(ws, next.id, firstSeq, result.events),
    ...stageVisitStmts(ws, stored?.state ?? null, next, result.events, env.calendar),
  ];
  const fx = effectStmts(
    { workspaceId: ws, recordId: next.id, now: env.now, newId: ctx.newId },
    result.effects,
  );
  for (const stmt of [...plain, ...fx.stmts]) planned.push({ stmt });
  for (const stmt of input.extraStmts?.({ after }) ?? []) planned.push({ stmt });
  const live: LivePayload = {
    ws,
    r: next.id,
    v: next.version,
    o: next.ownerId,
    t: next.teamId,
    po: stored?.state.ownerId ?? null,
    pt: stored?.state.teamId ?? null,
    n: fx.notified,
  };
  return { body, planned, live, effects: result.effects, stored, after };
}

/** Thrown inside the batch callback to roll the transaction back; never leaves `commitPlans`. */
class Missed extends Error {
  constructor(readonly miss: Miss) {
    super(miss);
  }
}

/**
 * Sends the plans in ONE transaction (one plan for a command, many for the scheduler's
 * or an import's batch) after the checked statements `first` (an import's key locks and
 * match check), then `extra`, then one NOTIFY for all of them. Each statement's check sees its rows
 * before COMMIT; a failed check or a unique violation rolls everything back and returns the
 * miss. Other errors are thrown. Row-shaped statements of the same text are merged
 * (`mergeBatch`); with `group` (one command's batch) group commit may share the transaction
 * with concurrent commands.
 */
export async function commitPlans(
  env: Deps,
  plans: readonly Plan[],
  extra: readonly Stmt[] = [],
  first: readonly Planned[] = [],
  opts: { group?: boolean } = {},
): Promise<Committed> {
  const planned = [...first, ...plans.flatMap((p) => p.planned)];
  const payloads = plans.flatMap((p) => (p.live ? [p.live] : []));
  const stmts = [...planned.map((p) => p.stmt), ...extra];
  if (payloads.length) stmts.push(notifyStmt(...payloads));
  if (stmts.length === 0) return { ok: true };
  // merged (statements of the same text across plans become one) when every check reads a
  // keyed row-shaped guard
  const merge = planned.every((p) => !p.expectOne || !!p.stmt.rows?.keys);
  const check = (results: Row[][]) => {
    planned.forEach((p, i) => {
      if (p.expectOne && results[i]?.length !== 1) throw new Missed(p.expectOne);
    });
  };
  try {
    if (merge) {
      const m = mergeBatch(stmts);
      // one command's batch may share a group with concurrent ones; a scheduler's or an
      // import's batch is a group already, and keeps its own transaction
      await env.db.batch(m.stmts, (rows) => check(m.view(rows)), { merge: !!opts.group });
    } else {
      await env.db.batch(stmts, check);
    }
    return { ok: true };
  } catch (e) {
    if (e instanceof Missed) return { ok: false, miss: e.miss };
    if (isUniqueViolation(e)) return { ok: false, miss: 'stale' };
    throw e;
  }
}

function isUniqueViolation(e: unknown): boolean {
  return !!e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === '23505';
}

/** The record as stored now (after a miss), for the StaleVersion answer. */
export function reloadRecord(env: CommandEnv, recordId: string): Promise<StoredRecord | null> {
  return loadRecord(env.db, env.workspaceId, recordId);
}
