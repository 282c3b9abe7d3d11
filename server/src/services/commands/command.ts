/**
 * The command path shared by every verb that changes a record: load, authorise, step the
 * engine, then persist the result in one transaction whose statements are sent together.
 *
 * Exactly-once and idempotency rest on the database, not on this process:
 * - the record update is guarded by its version (a concurrent write makes it match no row);
 * - an Idempotency-Key is inserted in the same transaction under a primary key, so of
 *   concurrent copies only one commits and the others read its stored answer;
 * - a timer is marked fired in the same transaction, guarded by its status.
 */
import {
  type Actor,
  type Calendar,
  type Command,
  type Effect,
  type EngineEvent,
  openActions,
  type RecordState,
  type Roster,
  type StepContext,
  type StepResult,
  step,
} from '@closeloop/engine';
import type { Row, Stmt } from '../../db/client.ts';
import type { LivePayload } from '../../live.ts';
import type { Deps } from '../core/context.ts';
import { DomainError, Invalid, NotFound, rejectionError, StaleVersion } from '../core/errors.ts';
import type { LoadedSop } from '../sops/sop-cache.ts';
import {
  effectStmts,
  insertEventsStmt,
  insertRecordStmt,
  loadRecord,
  loadRecordWithRoster,
  notifyManyStmt,
  notifyStmt,
  type StoredRecord,
  updateRecordStmt,
} from './record-store.ts';
import { type RecordView, recordView } from './record-view.ts';
import { loadRoster } from './roster.ts';
import { stageVisitStmts } from './stage-visits.ts';

export type Idempotency = { userId: string; key: string; hash: string };

export type CommandEnv = Deps & {
  workspaceId: string;
  actor: Actor;
  now: number;
  calendar: Calendar;
};

export type CommandResult = {
  record: RecordView;
  sop: { sopId: string; version: number };
  openActions: Awaited<ReturnType<typeof openActions>>;
  events: EngineEvent[];
};

export type RunCommand = {
  env: CommandEnv;
  recordId: string;
  cmd: Command;
  /** For create: the SOP version the record starts on. */
  sop?: LoadedSop;
  expectedVersion?: number;
  idempotency?: Idempotency;
  /** Throws (Forbidden) when the actor may not touch this record. */
  authorize?: (record: RecordState) => void;
  /** Users whose teams the roster must include (a named owner, a reassign target). */
  rosterUsers?: string[];
  /** Extra guarded statements (e.g. marking a timer fired); each must return one row. */
  guards?: Stmt[];
  /** Retry a command that lost a version race (system commands only). */
  retryOnStale?: number;
  /**
   * More statements for the same transaction, built once the command is decided (a record's
   * customer: created or attached with the record's owner). Not called when nothing changed.
   */
  extraStmts?: (prepared: PreparedCommand) => Stmt[];
  /** Decides instead of the engine's step (record migration); must fold events with evolve. */
  decide?: (sop: LoadedSop, record: RecordState | null, ctx: StepContext) => Promise<StepResult>;
};

const IDEMPOTENCY_INSERT = `insert into idempotency_keys (workspace_id, user_id, key, request_hash, status, body)
  values ($1, $2, $3, $4, 200, to_jsonb($5::text))`;

export async function findIdempotent(
  env: Deps & { workspaceId: string },
  idem: Idempotency,
): Promise<unknown | undefined> {
  const rows = await env.db.query(
    'select request_hash, body from idempotency_keys where workspace_id = $1 and user_id = $2 and key = $3',
    [env.workspaceId, idem.userId, idem.key],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.request_hash !== idem.hash) {
    throw new Invalid(
      'idempotency-key-reused',
      'this Idempotency-Key was first used with a different request',
    );
  }
  return typeof row.body === 'string' ? JSON.parse(row.body) : undefined;
}

class GuardMissed extends Error {}

/**
 * Runs one command against one record and returns the response body (or, for a retried
 * idempotent request, the body of the first answer).
 */
export async function runCommand(input: RunCommand): Promise<CommandResult> {
  const { env, idempotency } = input;
  if (idempotency) {
    const first = await findIdempotent(env, idempotency);
    if (isCommandResult(first)) return first;
  }
  let attempts = 0;
  let ownerRetries = 0;
  for (;;) {
    try {
      return await attempt(input);
    } catch (e) {
      if (idempotency && !(e instanceof DomainError && e.code !== 'stale-version')) {
        // a concurrent copy may have committed first: answer with its result
        const first = await findIdempotent(env, idempotency);
        if (isCommandResult(first)) return first;
      }
      // the new owner was deactivated meanwhile: step again over the fresh roster
      if (e instanceof OwnerInactive && ownerRetries++ < 3) continue;
      if (e instanceof StaleVersion && input.expectedVersion === undefined) {
        if (attempts++ < (input.retryOnStale ?? 0)) continue;
      }
      throw e;
    }
  }
}

async function attempt(input: RunCommand): Promise<CommandResult> {
  const prepared = await prepareCommand(input);
  if (prepared.stmts.length === 0) return prepared.body;
  for (const s of input.extraStmts?.(prepared) ?? []) {
    prepared.stmts.push(s);
    prepared.checks.push(() => {});
  }
  await writeCommand(input, prepared);
  return prepared.body;
}

/**
 * What one command will write, decided but not yet sent: the response body, the statements
 * of its transaction (without the NOTIFY) with a check per statement, and the live payload.
 * No statements when nothing changed.
 */
export type PreparedCommand = {
  body: CommandResult;
  stmts: Stmt[];
  checks: Array<(rows: Row[]) => void>;
  live: LivePayload | null;
  /** The engine's effects (the scheduler tracks assignments within a batch). */
  effects: Effect[];
  stored: StoredRecord | null;
  /** The record as it is once these statements commit (to chain a next command on it). */
  after: StoredRecord;
};

/** A record and roster read by the caller beforehand (the scheduler loads a batch at once). */
export type Preloaded = {
  stored: StoredRecord | null;
  roster: Roster;
  teams: Set<string>;
  /** For a roster without open-record counts (see loadRecordWithRoster). */
  countsRead?: () => boolean;
};

/**
 * Loads (unless `preloaded`), authorises and steps one command, and builds its statements.
 * Throws the command's domain errors (NotFound, StaleVersion, a rejection); writes nothing.
 */
export async function prepareCommand(
  input: RunCommand,
  preloaded?: Preloaded,
): Promise<PreparedCommand> {
  const { env, cmd } = input;
  const ws = env.workspaceId;
  let stored: StoredRecord | null = null;
  let sop: LoadedSop;
  // edits, closing and reopening never assign, so they skip the roster
  const needsRoster = !['edit', 'close', 'reopen'].includes(cmd.type);
  let roster: Roster = { teams: [] };
  let have = new Set<string>();
  // set while `roster` lacks open-record counts (loadRecordWithRoster)
  let countsRead: (() => boolean) | null = null;
  if (cmd.type === 'create') {
    if (!input.sop) throw new Error('create needs the SOP version');
    sop = input.sop;
  } else {
    if (preloaded) {
      stored = preloaded.stored;
      roster = preloaded.roster;
      have = preloaded.teams;
      countsRead = preloaded.countsRead ?? null;
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
        stored = both.stored;
        roster = both.roster;
        have = both.teams;
        countsRead = both.countsRead;
      }
    } else {
      stored = await loadRecord(env.db, ws, input.recordId);
    }
    if (!stored) throw new NotFound('record', input.recordId);
    input.authorize?.(stored.state);
    if (input.expectedVersion !== undefined && input.expectedVersion !== stored.version) {
      throw new StaleVersion(
        await viewFor(env, stored.state),
        input.expectedVersion,
        stored.version,
      );
    }
    sop = await env.sops.get(ws, stored.state.sopId, stored.state.sopVersion);
  }
  const teamIds = new Set<string>();
  if (needsRoster) {
    for (const t of sop.teams) teamIds.add(t);
    if (stored?.state.teamId) teamIds.add(stored.state.teamId);
    if (cmd.type === 'reassign' && cmd.teamId) teamIds.add(cmd.teamId);
    if (input.rosterUsers?.length) {
      const rows = await env.db.query(
        'select team_id from memberships where workspace_id = $1 and user_id = any($2::text[])',
        [ws, input.rosterUsers],
      );
      for (const r of rows) teamIds.add(String(r.team_id));
    }
    if ([...teamIds].some((t) => !have.has(t))) {
      roster = await loadRoster(env.db, ws, [...teamIds], env.now);
      countsRead = null;
    }
  }
  const ctx: StepContext = {
    now: env.now,
    actor: env.actor,
    newId: () => crypto.randomUUID(),
    roster,
    calendar: env.calendar,
  };
  const decide = () =>
    input.decide
      ? input.decide(sop, stored?.state ?? null, ctx)
      : step(sop.compiled, stored?.state ?? null, cmd, ctx);
  let result = await decide();
  if (countsRead?.()) {
    // the decision looked at open-record counts, which that roster lacks: decide again on
    // the full roster (the engine is pure, so the first result is simply dropped)
    ctx.roster = await loadRoster(env.db, ws, [...teamIds], env.now);
    result = await decide();
  }
  if (!result.ok) throw rejectionError(result.rejection);
  const next = result.record;
  const nextSop =
    next.sopVersion === sop.doc.version ? sop : await env.sops.get(ws, next.sopId, next.sopVersion);
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
    return { body, stmts: [], checks: [], live: null, effects: [], stored, after };
  }
  const stmts: Stmt[] = [];
  const checks: Array<(rows: Row[]) => void> = [];
  const must = (s: Stmt, what: () => Error) => {
    stmts.push(s);
    checks.push((rows) => {
      if (rows.length !== 1) throw what();
    });
  };
  if (input.idempotency) {
    stmts.push({
      text: IDEMPOTENCY_INSERT,
      params: [
        ws,
        input.idempotency.userId,
        input.idempotency.key,
        input.idempotency.hash,
        JSON.stringify(body),
      ],
    });
    checks.push(() => {});
  }
  for (const g of input.guards ?? []) must(g, () => new GuardMissed('guard matched no row'));
  if (next.ownerId && next.ownerId !== (stored?.state.ownerId ?? null)) {
    // FOR SHARE waits for a deactivation in flight (it locks the user row) and then sees it,
    // so a record is never left with an inactive owner (issue 4, handover)
    must(
      {
        text: 'select 1 from users where workspace_id = $1 and id = $2 and active for share',
        params: [ws, next.ownerId],
      },
      () => new GuardMissed('owner inactive'),
    );
  }
  if (stored) {
    const prev = stored;
    must(
      updateRecordStmt(ws, next, prev.version, result.events.length),
      () => new GuardMissed('stale'),
    );
  } else {
    must(insertRecordStmt(ws, next, result.events.length), () => new GuardMissed('insert'));
  }
  const firstSeq = (stored?.eventCount ?? 0) + 1;
  stmts.push(insertEventsStmt(ws, next.id, firstSeq, result.events));
  checks.push(() => {});
  for (const s of stageVisitStmts(ws, stored?.state ?? null, next, result.events, env.calendar)) {
    stmts.push(s);
    checks.push(() => {});
  }
  const fx = effectStmts(
    { workspaceId: ws, recordId: next.id, now: env.now, newId: ctx.newId },
    result.effects,
  );
  for (const s of fx.stmts) {
    stmts.push(s);
    checks.push(() => {});
  }
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
  return { body, stmts, checks, live, effects: result.effects, stored, after };
}

/**
 * Sends one prepared command in one transaction, its NOTIFY last, and maps a missed guard or
 * a unique violation to the domain error it means.
 */
async function writeCommand(input: RunCommand, prepared: PreparedCommand): Promise<void> {
  const { env } = input;
  const ws = env.workspaceId;
  const { stmts, checks, stored } = prepared;
  const all = prepared.live ? [...stmts, notifyStmt(prepared.live)] : stmts;
  try {
    await sendChecked(env, all, checks);
  } catch (e) {
    if (e instanceof GuardMissed || isUniqueViolation(e)) {
      const current = await loadRecord(env.db, ws, input.recordId);
      if (e instanceof GuardMissed && e.message === 'owner inactive') throw new OwnerInactive();
      if (e instanceof GuardMissed && e.message === 'guard matched no row') {
        throw new AlreadyHandled();
      }
      if (current) {
        throw new StaleVersion(
          await viewFor(env, current.state),
          stored?.version ?? 0,
          current.version,
        );
      }
    }
    throw e;
  }
}

/**
 * Runs the prepared commands of several records in ONE transaction, with one NOTIFY
 * statement for all of them (the scheduler's batch). Any missed guard or unique violation
 * rolls the whole transaction back and throws `BatchConflict`: nothing was written, and the
 * caller runs the commands one by one instead.
 */
export async function writeCommandBatch(
  env: Deps,
  prepared: PreparedCommand[],
  extra: Stmt[] = [],
): Promise<void> {
  const stmts: Stmt[] = [];
  const checks: Array<(rows: Row[]) => void> = [];
  const payloads: LivePayload[] = [];
  for (const p of prepared) {
    p.stmts.forEach((s, i) => {
      stmts.push(s);
      checks.push(p.checks[i] ?? (() => {}));
    });
    if (p.live) payloads.push(p.live);
  }
  stmts.push(...extra);
  if (payloads.length) stmts.push(notifyManyStmt(payloads));
  if (stmts.length === 0) return;
  try {
    await sendChecked(env, stmts, checks);
  } catch (e) {
    if (e instanceof GuardMissed || isUniqueViolation(e)) throw new BatchConflict(e);
    throw e;
  }
}

/** Sends statements in one transaction; `checks[i]` sees statement i's rows before COMMIT. */
function sendChecked(env: Deps, stmts: Stmt[], checks: Array<(rows: Row[]) => void>) {
  return env.db.batch(stmts, (results) => {
    results.forEach((rows, i) => {
      checks[i]?.(rows);
    });
  });
}

/** A batch lost a race (a guard matched no row); it was rolled back as a whole. */
export class BatchConflict extends Error {
  constructor(cause: unknown) {
    super('a command in the batch lost a race', { cause });
  }
}

/** A guarded side condition (a timer already fired) did not hold: nothing was written. */
export class AlreadyHandled extends DomainError {
  constructor() {
    super('unknown-timer', 'already handled');
  }
}

/** The record's new owner was deactivated before the command committed; nothing was written. */
export class OwnerInactive extends DomainError {
  constructor() {
    super('owner-inactive', 'the new owner was deactivated meanwhile; try again');
  }
}

function isCommandResult(v: unknown): v is CommandResult {
  return !!v && typeof v === 'object' && 'record' in v && 'openActions' in v && 'events' in v;
}

function isUniqueViolation(e: unknown): boolean {
  return !!e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === '23505';
}

async function viewFor(env: CommandEnv, state: RecordState): Promise<RecordView> {
  return recordView(state, env.now);
}
