/**
 * One batch of an import's rows in ONE transaction, through the same decisions as a row
 * entered alone: each row's customer is matched and the import channel's 撞单 policy applied
 * (customers/enter-lead.ts), the engine decides its create step (planCommand: events, owner
 * rule, stage visit, timers, outbox), and every row's statements — record, events, customer,
 * lead row, keys, outcome row — are committed together (commitPlans), after:
 *
 * - the lease check: the batch commits only while its run holds the import;
 * - advisory locks on every key the batch writes (phone, e-mail, external id, customer keys),
 *   taken in one order, so two imports entering the same customer serialise instead of
 *   deadlocking;
 * - a check that no customer holding one of these keys appeared since the batch was matched
 *   (another import's batch, a quick capture): else nothing is written and the batch is
 *   matched again.
 *
 * Rows of one batch never share a key (`takeBatch` defers the later one to the next batch),
 * so no row's match misses a customer an earlier row of the same batch creates.
 */
import type { FieldDef, LocalizedText } from '@closeloop/engine';
import { customerKeys } from '@closeloop/engine/customers';
import type { Stmt } from '../../../db/client.ts';
import {
  commitPlans,
  type Miss,
  type Plan,
  type Planned,
  type Preloaded,
  planCommand,
} from '../../commands/command-stages.ts';
import { loadRoster } from '../../commands/roster.ts';
import { trackAssignments } from '../../commands/timer-firing.ts';
import type { Ctx } from '../../core/context.ts';
import { DomainError } from '../../core/errors.ts';
import { enterLead as enterCustomer } from '../../customers/enter-lead.ts';
import { leadFacts } from '../../customers/facts.ts';
import { loadPoolSettings } from '../../customers/pool-settings.ts';
import {
  type CustomerMatch,
  MAX_KEY_FANOUT,
  matchCustomers,
} from '../../customers/resolve-customer.ts';
import { createCommandOf, defaultOwnerOf } from '../../records/create-record.ts';
import { assertMayRoute } from '../../records/routing-check.ts';
import type { LoadedSop } from '../../sops/sop-cache.ts';
import { type CanonicalLead, leadGuards } from '../enter-lead.ts';
import type { ImportView } from './import-store.ts';
import type { PlannedRow } from './plan-rows.ts';

export type OutcomeRow = {
  rowNumber: number;
  outcome: 'created' | 'duplicate-file' | 'duplicate-db' | 'error';
  recordId: string | null;
  reasons: LocalizedText[] | null;
  cells: string[] | null;
};

/** The import a batch belongs to, what it creates on, and the lease it commits under. */
export type ImportJob = {
  imp: ImportView;
  sop: LoadedSop;
  /** The id of this process's lease on the import (imports.lease_owner). */
  leaseOwner: string;
  leaseSeconds: number;
};

export type BatchResult =
  | { ok: true; created: number; failed: number }
  /**
   * Nothing was written: a concurrent writer entered one of the batch's leads or customers
   * first (or deadlocked with it), or another process holds the import now.
   */
  | { ok: false; miss: Miss | 'deadlock' };

const INSERT_OUTCOMES = `insert into import_rows (workspace_id, import_id, row_number, outcome, record_id, reasons, cells)
  select $1, $2, x.n, x.o, x.r, x.reasons, x.cells
    from jsonb_to_recordset($3::jsonb) as x(n int, o text, r text, reasons jsonb, cells jsonb)
  on conflict do nothing`;

/** The outcome rows of rows not created (errors, duplicates) as one statement. */
export function outcomesStmt(ctx: Ctx, importId: string, rows: readonly OutcomeRow[]): Stmt {
  const json = rows.map((r) => ({
    n: r.rowNumber,
    o: r.outcome,
    r: r.recordId,
    reasons: r.reasons,
    cells: r.cells,
  }));
  return { text: INSERT_OUTCOMES, params: [ctx.user.workspaceId, importId, JSON.stringify(json)] };
}

/** The outcome row a planned row that creates nothing writes. */
export function plannedOutcome(r: PlannedRow): OutcomeRow {
  return {
    rowNumber: r.rowNumber,
    outcome: r.outcome === 'create' ? 'created' : r.outcome,
    recordId: r.recordId ?? null,
    reasons: r.reasons,
    cells: r.outcome === 'error' ? r.cells : null,
  };
}

/** Why a row was refused, in both languages, from the domain error that refused it. */
export function reasonOf(e: unknown): LocalizedText[] {
  if (e instanceof DomainError) {
    const msgs = (e.detail.errors ?? []).map((x) =>
      typeof x.message === 'string' ? { 'zh-CN': x.message, en: x.message } : x.message,
    );
    return msgs.length ? msgs : [{ 'zh-CN': e.message, en: e.message }];
  }
  return [{ 'zh-CN': '未知错误', en: 'unexpected error' }];
}

/** Every key a row writes or matches on: lead keys, external id, customer keys. */
export function rowKeys(defs: readonly FieldDef[], row: PlannedRow): string[] {
  if (row.outcome !== 'create') return [];
  return [
    ...row.keys,
    ...(row.externalId ? [`x:${row.source}:${row.externalId}`] : []),
    ...customerKeys(leadFacts(defs, row.fields)).map((k) => `c:${k.kind}:${k.value}`),
  ];
}

/**
 * The next batch: rows in order, up to `size`, leaving out (for the next batch) any row
 * sharing a key with a row already taken. The first row is always taken.
 *
 * @example
 * takeBatch([a1, b, a2], 2, keysOf) // { batch: [a1, b], rest: [a2] } when a1 and a2 share a phone
 */
export function takeBatch<T>(
  rows: readonly T[],
  size: number,
  keysOf: (row: T) => readonly string[],
): { batch: T[]; rest: T[] } {
  const taken = new Set<string>();
  const batch: T[] = [];
  const rest: T[] = [];
  for (const row of rows) {
    const keys = keysOf(row);
    if (batch.length >= size || keys.some((k) => taken.has(k))) {
      rest.push(row);
      continue;
    }
    for (const k of keys) taken.add(k);
    batch.push(row);
  }
  return { batch, rest };
}

/** Runs `fn` over `items` with at most `width` in flight, answers in order. */
async function mapLimit<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** A member who received an open record counts it before the next row's decision. */
function countOpen(roster: Preloaded['roster'], p: Plan) {
  const s = p.after.state;
  if (!s.ownerId || s.status !== 'open') return;
  for (const t of roster.teams) {
    for (const m of t.members) if (m.userId === s.ownerId) m.openCount++;
  }
}

/** The shared reads of a batch: pool settings, each row's matches, the roster with counts. */
async function loadShared(ctx: Ctx, job: ImportJob, rows: readonly PlannedRow[]) {
  const ws = ctx.user.workspaceId;
  const q = ctx.db.query;
  const defs = job.sop.doc.fields;
  const settings = await loadPoolSettings(q, ws, null);
  // embedded PGlite answers one statement at a time; postgres.js spreads them over the pool
  const width = ctx.db.kind === 'pglite' ? 1 : Math.max(1, Math.min(8, ctx.config.poolSize - 2));
  const matches = await mapLimit(rows, width, (r) =>
    matchCustomers(q, ws, leadFacts(defs, r.fields)),
  );
  const owners = [
    ...new Set(rows.map((r) => defaultOwnerOf(ctx, job.sop, r.ownerId)).filter((o) => !!o)),
  ];
  const teams = new Set(job.sop.teams);
  if (owners.length) {
    const m = await q(
      'select team_id from memberships where workspace_id = $1 and user_id = any($2::text[])',
      [ws, owners],
    );
    for (const r of m) teams.add(String(r.team_id));
  }
  const roster = await loadRoster(ctx.db, ws, [...teams], ctx.now);
  const preloaded: Preloaded = { stored: null, roster, teams, counts: true };
  return { settings, matches, preloaded };
}

/** Advisory locks on the batch's keys, taken in one order (hash order). */
function lockStmt(ws: string, keys: readonly string[]): Stmt {
  return {
    text: `select count(pg_advisory_xact_lock(s.h))::int as n from (
             select distinct hashtextextended($1 || ':' || k, 0) as h from unnest($2::text[]) as k
              order by 1) s`,
    params: [ws, [...keys]],
  };
}

/**
 * One row when no live customer holds a key a row matched on, other than the customers the
 * row's match found (keys shared by more customers than the match reads are left out, as
 * the match leaves them out).
 */
function matchCheckStmt(
  ws: string,
  keys: Array<{ kind: string; value: string; seen: string }>,
): Stmt {
  return {
    text: `select 1 where not exists (
             select 1 from unnest($2::text[], $3::text[], $4::text[]) as k(kind, value, seen)
               join customer_keys ck on ck.workspace_id = $1 and ck.kind = k.kind and ck.value = k.value
               join customers c on c.workspace_id = $1 and c.id = ck.customer_id and c.merged_into is null
              where ck.customer_id <> all(string_to_array(k.seen, ','))
                and (select count(*) from customer_keys f where f.workspace_id = $1
                       and f.kind = k.kind and f.value = k.value) <= ${MAX_KEY_FANOUT})`,
    params: [ws, keys.map((k) => k.kind), keys.map((k) => k.value), keys.map((k) => k.seen)],
  };
}

/**
 * One row while this run holds the import. A plain read, so a cancel or a progress update
 * does not wait for the batch; two runs that both passed it still create nothing twice
 * (each created row's outcome row is a guard under the import's primary key).
 */
function leaseStmt(ctx: Ctx, job: ImportJob): Stmt {
  return {
    text: `select 1 from imports where workspace_id = $1 and id = $2 and lease_owner = $3
              and status in ('running', 'cancelling')`,
    params: [ctx.user.workspaceId, job.imp.id, job.leaseOwner],
  };
}

/** A planned row as the lead it enters: the import's SOP and channel, the row's cells as raw. */
export function leadOf(imp: ImportView, row: PlannedRow): CanonicalLead {
  return {
    sopId: imp.sopId,
    fields: row.fields,
    source: row.source,
    raw: { row: row.rowNumber, cells: row.cells },
    channel: 'import',
    importId: imp.id,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    ...(row.ownerId ? { ownerId: row.ownerId } : {}),
  };
}

/**
 * Plans and commits one batch (rows sharing no key, see takeBatch). A row the policy or the
 * engine refuses gets its error row and does not fail the batch. Throws only unexpected
 * errors; a conflict with a concurrent writer comes back as a miss, nothing written.
 */
export async function runBatch(
  ctx: Ctx,
  job: ImportJob,
  rows: readonly PlannedRow[],
): Promise<BatchResult> {
  const ws = ctx.user.workspaceId;
  const { imp, sop } = job;
  const defs = sop.doc.fields;
  const creates = rows.filter((r) => r.outcome === 'create');
  const outcomes = rows.filter((r) => r.outcome !== 'create').map(plannedOutcome);
  const shared = await loadShared(ctx, job, creates);
  const plans: Plan[] = [];
  const checked: Array<{ kind: string; value: string; seen: string }> = [];
  const locked: string[] = [];
  const routed = new Map<string, Promise<void>>();
  for (const [i, row] of creates.entries()) {
    const matches: CustomerMatch[] = shared.matches[i] ?? [];
    try {
      if (row.ownerId) {
        let check = routed.get(row.ownerId);
        if (!check) {
          check = assertMayRoute(ctx, { ownerId: row.ownerId });
          routed.set(row.ownerId, check);
        }
        await check;
      }
      const entry = await enterCustomer(ctx, {
        defs,
        fields: row.fields,
        channel: 'import',
        teamId: null,
        preloaded: { settings: shared.settings, matches },
      });
      const recordId = crypto.randomUUID();
      const guards = leadGuards(ctx, leadOf(imp, row), {
        recordId,
        leadId: crypto.randomUUID(),
        keys: row.keys,
        policy: imp.duplicatePolicy,
      });
      guards.push({
        text: `insert into import_rows (workspace_id, import_id, row_number, outcome, record_id)
               values ($1, $2, $3, 'created', $4) on conflict do nothing returning 1`,
        params: [ws, imp.id, row.rowNumber, recordId],
      });
      const ownerId = defaultOwnerOf(ctx, sop, row.ownerId);
      const cmd = createCommandOf(
        ctx,
        sop,
        { fields: row.fields, recordId, ownerId, guards },
        entry,
      );
      // the preloaded roster already covers the owners' teams (loadShared)
      const p = await planCommand({ ...cmd, rosterUsers: [] }, shared.preloaded);
      plans.push(p);
      trackAssignments(shared.preloaded.roster, p);
      countOpen(shared.preloaded.roster, p);
      const seen = matches.map((m) => m.id).join(',');
      for (const k of customerKeys(leadFacts(defs, row.fields))) {
        checked.push({ kind: k.kind, value: k.value, seen });
      }
      locked.push(...rowKeys(defs, row));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      outcomes.push({
        rowNumber: row.rowNumber,
        outcome: 'error',
        recordId: null,
        reasons: reasonOf(e),
        cells: row.cells,
      });
    }
  }
  const first: Planned[] = [{ stmt: leaseStmt(ctx, job), expectOne: 'already-handled' }];
  if (locked.length) first.push({ stmt: lockStmt(ws, locked) });
  if (checked.length) first.push({ stmt: matchCheckStmt(ws, checked), expectOne: 'stale' });
  const extra = outcomes.length ? [outcomesStmt(ctx, imp.id, outcomes)] : [];
  try {
    const committed = await commitPlans(ctx, plans, extra, first);
    if (!committed.ok) return { ok: false, miss: committed.miss };
  } catch (e) {
    // deadlock_detected: a writer outside imports took two of our keys in the other order
    if (e && typeof e === 'object' && 'code' in e && e.code === '40P01') {
      return { ok: false, miss: 'deadlock' };
    }
    throw e;
  }
  return {
    ok: true,
    created: plans.length,
    failed: outcomes.filter((o) => o.outcome === 'error').length,
  };
}
