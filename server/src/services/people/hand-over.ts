/**
 * Handover: moves open records to another owner in ONE interactive transaction, each through
 * the engine's `step` with a `reassign` command whose `record.assigned` event is recorded as
 * `record.handed-over` (the engine's evolve folds both the same way, so replay still
 * rebuilds the stored state). Records are locked FOR UPDATE in id order; a concurrent
 * action on one of them either commits first (and is seen here) or waits and then fails
 * its version guard (409) — nothing acknowledged is lost.
 *
 * Timers belong to the record, not to its owner, so they move with it; pending (unread)
 * notifications about a moved record follow it to the new owner.
 */
import {
  type Effect,
  type EngineEvent,
  type RecordState,
  type Roster,
  type StepContext,
  step,
} from '@closeloop/engine';
import type { Row, Stmt } from '../../db/client.ts';
import { wireForm } from '../../db/stmt.ts';
import type { LivePayload } from '../../live.ts';
import { AUTH_CHANNEL } from '../auth/sessions.ts';
import type { CommandEnv } from '../commands/command.ts';
import {
  effectStmts,
  insertEventsStmt,
  notifyStmt,
  storedRecordOf,
  updateRecordStmt,
} from '../commands/record-store.ts';
import { rosterFromRows, rosterSelect } from '../commands/roster.ts';
import { Invalid, NotFound, rejectionError } from '../core/errors.ts';
import type { LoadedSop } from '../sops/sop-cache.ts';

type Q = (text: string, params?: unknown[]) => Promise<Row[]>;

export type HandOverSelection =
  | { kind: 'records'; recordIds: string[] }
  | { kind: 'owner'; userId: string };

export type HandOverInput = {
  env: CommandEnv;
  select: HandOverSelection;
  /** A named user, or undefined for each record's team rule (stage owner policy, else round-robin). */
  toUserId?: string;
  reason: string;
  /** Checks each locked record before it moves (authorisation); throws to abort everything. */
  authorize?: (record: RecordState) => void;
  /** Refuse (handover-required) when there turn out to be records to move. */
  mustBeEmpty?: boolean;
  /** Deactivate this user in the same transaction (and end their sessions). */
  deactivateUserId?: string;
  /** The audit entry for the outcome, written in the same transaction (null: none). */
  audit?: (result: HandOverResult) => Stmt | null;
};

export type HandOverResult = {
  moved: Array<{ recordId: string; from: string | null; to: string | null; version: number }>;
  deactivated: boolean;
};

class SopsChanged extends Error {}

/** Runs the handover; retries when a record moved to an SOP version not loaded beforehand. */
export async function handOver(input: HandOverInput): Promise<HandOverResult> {
  for (let attempt = 0; ; attempt++) {
    const sops = await preloadSops(input);
    try {
      return await input.env.db.transaction(async (q) => {
        const out = await run(input, q, sops);
        const entry = input.audit?.(out);
        if (entry) await q(entry.text, entry.params);
        return out;
      });
    } catch (e) {
      if (e instanceof SopsChanged && attempt < 3) continue;
      throw e;
    }
  }
}

async function preloadSops(input: HandOverInput): Promise<Map<string, LoadedSop>> {
  const { env, select } = input;
  const rows =
    select.kind === 'records'
      ? await env.db.query(
          'select distinct sop_id, sop_version from records where workspace_id = $1 and id = any($2::text[])',
          [env.workspaceId, select.recordIds],
        )
      : await env.db.query(
          `select distinct sop_id, sop_version from records
            where workspace_id = $1 and owner_id = $2 and status = 'open'`,
          [env.workspaceId, select.userId],
        );
  const out = new Map<string, LoadedSop>();
  for (const r of rows) {
    const sop = await env.sops.get(env.workspaceId, String(r.sop_id), Number(r.sop_version));
    out.set(`${r.sop_id}@${r.sop_version}`, sop);
  }
  return out;
}

async function run(
  input: HandOverInput,
  q: Q,
  sops: Map<string, LoadedSop>,
): Promise<HandOverResult> {
  const { env } = input;
  const ws = env.workspaceId;
  // the command path's statements, in the plain form a statement sent alone takes
  const send = (stmt: Stmt) => {
    const w = wireForm(stmt);
    return q(w.text, w.params);
  };
  // taken first: the row lock makes a concurrent assignment to this user wait and then fail
  // its "owner is active" guard (command.ts), so no new record can land on them
  const deactivated = input.deactivateUserId
    ? await deactivate(q, ws, input.deactivateUserId)
    : false;
  const stored = await lockSelected(q, ws, input.select);
  for (const s of stored) input.authorize?.(s.state);
  if (stored.length === 0) return { moved: [], deactivated };
  if (input.mustBeEmpty) {
    throw new Invalid('handover-required', 'this user owns open records: say where they go', {
      extra: { openRecords: stored.length },
    });
  }
  if (input.toUserId) {
    const rows = await q('select active from users where workspace_id = $1 and id = $2', [
      ws,
      input.toUserId,
    ]);
    if (rows[0]?.active !== true) {
      throw new Invalid('invalid-input', 'the destination must be an active user');
    }
  }
  // the whole workspace's roster, read inside the transaction (after the deactivation above)
  const roster: Roster = rosterFromRows(await q(rosterSelect('$1', 'true'), [ws]), env.now);
  const moved: HandOverResult['moved'] = [];
  const ctx: StepContext = {
    now: env.now,
    actor: env.actor,
    newId: () => crypto.randomUUID(),
    roster,
    calendar: env.calendar,
  };
  for (const s of stored) {
    const sop = sops.get(`${s.state.sopId}@${s.state.sopVersion}`);
    if (!sop) throw new SopsChanged();
    const rec = s.state;
    const to = input.toUserId;
    const teamId =
      to &&
      rec.teamId &&
      roster.teams.find((t) => t.id === rec.teamId)?.members.some((m) => m.userId === to)
        ? rec.teamId
        : undefined;
    const result = await step(
      sop.compiled,
      rec,
      {
        type: 'reassign',
        ...(to ? { toUserId: to } : {}),
        ...(teamId ? { teamId } : {}),
        reason: input.reason,
      },
      ctx,
    );
    if (!result.ok) throw rejectionError(result.rejection);
    const events: EngineEvent[] = result.events.map((e) =>
      e.type === 'record.assigned'
        ? {
            ...e,
            type: 'record.handed-over',
            data: {
              userId: e.data.userId,
              teamId: e.data.teamId,
              from: e.data.from,
              reason: input.reason,
            },
          }
        : e,
    );
    const next = result.record;
    if (events.length === 0) continue;
    const up = updateRecordStmt(ws, next, s.version, events.length);
    const updated = await send(up);
    if (updated.length !== 1) throw new Error('handover: locked record changed');
    const ev = insertEventsStmt(ws, rec.id, s.eventCount + 1, events);
    await send(ev);
    const effects: Effect[] = result.effects.map((e) =>
      e.type === 'notify' && e.kind === 'assigned' ? { ...e, kind: 'handed-over' } : e,
    );
    const fx = effectStmts(
      { workspaceId: ws, recordId: rec.id, now: env.now, newId: ctx.newId },
      effects,
    );
    for (const st of fx.stmts) await send(st);
    if (rec.ownerId && next.ownerId && rec.ownerId !== next.ownerId) {
      await q(
        `update notifications set user_id = $4
          where workspace_id = $1 and record_id = $2 and user_id = $3 and read_at is null`,
        [ws, rec.id, rec.ownerId, next.ownerId],
      );
    }
    rotate(roster, effects, rec.ownerId);
    const live: LivePayload = {
      ws,
      r: rec.id,
      v: next.version,
      o: next.ownerId,
      t: next.teamId,
      po: rec.ownerId,
      pt: rec.teamId,
      n: fx.notified,
    };
    const nt = notifyStmt(live);
    await send(nt);
    moved.push({ recordId: rec.id, from: rec.ownerId, to: next.ownerId, version: next.version });
  }
  return { moved, deactivated };
}

/** Deactivates the user and ends their sessions; whether they were active. */
async function deactivate(q: Q, ws: string, userId: string): Promise<boolean> {
  const rows = await q(
    'update users set active = false where workspace_id = $1 and id = $2 and active returning id',
    [ws, userId],
  );
  const ended = await q(
    'delete from sessions where workspace_id = $1 and user_id = $2 returning id',
    [ws, userId],
  );
  for (const s of ended) await q('select pg_notify($1, $2)', [AUTH_CHANNEL, String(s.id)]);
  return rows.length === 1;
}

/** Locks the selected records; named records must all exist and be open. */
async function lockSelected(q: Q, ws: string, sel: HandOverInput['select']) {
  const locked =
    sel.kind === 'records'
      ? await q(
          `select state, version, event_count from records
            where workspace_id = $1 and id = any($2::text[])
            order by id for update`,
          [ws, sel.recordIds],
        )
      : await q(
          `select state, version, event_count from records
            where workspace_id = $1 and owner_id = $2 and status = 'open'
            order by id for update`,
          [ws, sel.userId],
        );
  const stored = locked.map(storedRecordOf);
  if (sel.kind === 'records') {
    const found = new Set(stored.map((s) => s.state.id));
    const missing = sel.recordIds.filter((id) => !found.has(id));
    if (missing.length) throw new NotFound('record', missing.join(', '));
    const closed = stored.filter((s) => s.state.status !== 'open').map((s) => s.state.id);
    if (closed.length) {
      throw new Invalid(
        'record-closed',
        `only open records can be handed over: ${closed.join(', ')}`,
      );
    }
  }
  return stored;
}

/** Keeps the in-memory roster in step with what was just assigned, so the next pick rotates. */
function rotate(roster: Roster, effects: Effect[], from: string | null): void {
  for (const e of effects) {
    if (e.type !== 'assign' || !e.userId) continue;
    for (const t of roster.teams) {
      for (const m of t.members) {
        if (m.userId === e.userId) m.openCount++;
        if (from && m.userId === from) m.openCount = Math.max(0, m.openCount - 1);
      }
      if (t.id === e.teamId && e.rrCursor !== undefined) {
        t.rrCursor = Math.max(t.rrCursor, e.rrCursor);
        t.assigned = { ...t.assigned, [e.userId]: (t.assigned?.[e.userId] ?? 0) + 1 };
      }
    }
  }
}
