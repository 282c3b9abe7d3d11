/**
 * The background run of an import: rows in batches (IMPORT_BATCH_ROWS, 200), each batch one transaction
 * (batch.ts) holding every row's record with its lead, keys, customer and outcome row, so a
 * batch is either wholly there or not at all and a stopped run — cancelled, failed, or its
 * process killed — continues after the last committed batch, creating nothing twice. The
 * run holds a lease on the import (imports.lease_owner/lease_until), renewed by a heartbeat
 * and checked by every batch; when it lapses another process takes the run over (resume.ts).
 * After each batch the counts are refreshed and pushed live (NOTIFY on IMPORT_CHANNEL → SSE).
 */
import { IMPORT_CHANNEL } from '../../../live.ts';
import type { Ctx } from '../../core/context.ts';
import { DomainError } from '../../core/errors.ts';
import { enterLead } from '../enter-lead.ts';
import {
  type ImportJob,
  leadOf,
  type OutcomeRow,
  outcomesStmt,
  plannedOutcome,
  reasonOf,
  rowKeys,
  runBatch,
  takeBatch,
} from './batch.ts';
import type { ImportView } from './import-store.ts';
import type { PlannedRow } from './plan-rows.ts';

/** A batch that keeps meeting concurrent writers is entered row by row after this many tries. */
const BATCH_TRIES = 4;

async function insertOutcomes(ctx: Ctx, importId: string, rows: OutcomeRow[]) {
  if (!rows.length) return;
  const stmt = outcomesStmt(ctx, importId, rows);
  await ctx.db.query(stmt.text, stmt.params);
}

/** Recounts the import's outcome rows into its counters and announces the progress. */
export async function refreshCounts(ctx: Ctx, importId: string, status?: string) {
  await ctx.db.query(
    `with c as (
       select count(*)::int as n,
              (count(*) filter (where outcome = 'created'))::int as created,
              (count(*) filter (where outcome = 'attached'))::int as attached,
              (count(*) filter (where outcome in ('duplicate-file', 'duplicate-db')))::int as dups,
              (count(*) filter (where outcome = 'error'))::int as failed
         from import_rows where workspace_id = $1 and import_id = $2),
     u as (
       update imports i set processed = c.n, created = c.created, attached = c.attached,
              duplicates = c.dups, failed = c.failed,
              status = coalesce($3, i.status),
              lease_owner = case when $3::text is null then i.lease_owner else null end,
              lease_until = case when $3::text is null then i.lease_until else null end,
              finished_at = case when $3::text is null then i.finished_at else to_timestamp($4::float8 / 1000) end
         from c where i.workspace_id = $1 and i.id = $2
       returning i.id, i.created_by, i.status, i.total, i.processed, i.created, i.attached, i.duplicates, i.failed)
     select pg_notify($5, json_build_object('ws', $1::text, 'id', u.id, 'by', u.created_by, 'status', u.status,
              'total', u.total, 'processed', u.processed, 'created', u.created, 'attached', u.attached,
              'duplicates', u.duplicates, 'failed', u.failed)::text)
       from u`,
    [
      ctx.user.workspaceId,
      importId,
      status ?? null,
      ctx.clock.now() + ctx.clockOffsetMs,
      IMPORT_CHANNEL,
    ],
  );
}

async function enterRow(
  ctx: Ctx,
  imp: ImportView,
  row: PlannedRow,
  defs: Parameters<typeof enterLead>[0]['input']['defs'],
) {
  const lead = leadOf(imp, row);
  try {
    const r = await enterLead({
      ctx,
      input: {
        lead,
        defs,
        duplicatePolicy: imp.duplicatePolicy,
        checked: true,
        also: (recordId) => [
          {
            text: `insert into import_rows (workspace_id, import_id, row_number, outcome, record_id)
                   values ($1, $2, $3, 'created', $4) on conflict do nothing returning 1`,
            params: [ctx.user.workspaceId, imp.id, row.rowNumber, recordId],
          },
        ],
      },
    });
    if (r.outcome === 'created' || r.matchedOn === 'row') return;
    await insertOutcomes(ctx, imp.id, [
      {
        rowNumber: row.rowNumber,
        outcome: 'duplicate-db',
        recordId: r.recordId,
        reasons: [CONCURRENT],
        cells: null,
      },
    ]);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    await insertOutcomes(ctx, imp.id, [
      {
        rowNumber: row.rowNumber,
        outcome: 'error',
        recordId: null,
        reasons: reasonOf(e),
        cells: row.cells,
      },
    ]);
  }
}

const CONCURRENT = {
  'zh-CN': '系统中已有相同线索（同时导入）',
  en: 'already in Closeloop (imported concurrently)',
};

/**
 * After a batch met a concurrent writer: the rows whose lead (external id, or under `skip`
 * a phone or e-mail) has entered meanwhile become database duplicates.
 */
async function recheckEntered(ctx: Ctx, imp: ImportView, rows: PlannedRow[]) {
  const creates = rows.filter((r) => r.outcome === 'create');
  const keys = imp.duplicatePolicy === 'skip' ? creates.flatMap((r) => r.keys) : [];
  const ext = creates.filter((r) => r.externalId);
  if (!keys.length && !ext.length) return;
  const found = await ctx.db.query(
    `select 'k:' || key as k, record_id from intake_keys where workspace_id = $1 and key = any($2::text[])
     union all
     select 'x:' || l.source || ':' || l.external_id, l.record_id
       from unnest($3::text[], $4::text[]) as x(source, external_id)
       join intake_leads l on l.workspace_id = $1 and l.source = x.source and l.external_id = x.external_id`,
    [ctx.user.workspaceId, keys, ext.map((r) => r.source), ext.map((r) => r.externalId ?? '')],
  );
  const hit = new Map(found.map((f) => [String(f.k), String(f.record_id)]));
  for (const r of creates) {
    const watched = [
      ...(r.externalId ? [`x:${r.source}:${r.externalId}`] : []),
      ...(imp.duplicatePolicy === 'skip' ? r.keys.map((k) => `k:${k}`) : []),
    ];
    const recordId = watched.map((k) => hit.get(k)).find((v) => v !== undefined);
    if (recordId === undefined) continue;
    r.outcome = 'duplicate-db';
    r.recordId = recordId;
    r.reasons = [CONCURRENT];
  }
}

/** The batch entered row by row, each row its own transaction (the fallback). */
async function runRowByRow(ctx: Ctx, job: ImportJob, rows: readonly PlannedRow[]) {
  await insertOutcomes(
    ctx,
    job.imp.id,
    rows.filter((r) => r.outcome !== 'create').map(plannedOutcome),
  );
  for (const row of rows) {
    if (row.outcome !== 'create') continue;
    await enterRow(ctx, job.imp, row, job.sop.doc.fields);
  }
}

/** Whether this process still holds the import's lease, and the import's status. */
async function leaseState(ctx: Ctx, job: ImportJob) {
  const rows = await ctx.db.query(
    `update imports set lease_until = now() + $4 * interval '1 second'
      where workspace_id = $1 and id = $2 and lease_owner = $3
      returning status`,
    [ctx.user.workspaceId, job.imp.id, job.leaseOwner, job.leaseSeconds],
  );
  return rows[0] ? String(rows[0].status) : null;
}

/** The tables a batch looks rows up in by key (customer match, 撞单 check, lead dedupe). */
const LOOKED_UP = ['customer_keys', 'customers', 'intake_leads', 'records'] as const;

/**
 * Keeps the planner's statistics up with a large import. A first import into a new
 * workspace starts on empty tables; until autovacuum next looks (a minute or more) the
 * planner believes them empty and scans them once per key — 31 rows/s on Postgres where
 * index lookups give several hundred. So the run analyses the tables it looks up whenever
 * it has written as many rows as they held at the last count (and after its first batch).
 */
function createStatsKeeper(ctx: Ctx) {
  let written = 0;
  let next = 0;
  let failed = false;
  return async (rows: number) => {
    written += rows;
    if (failed || written < next) return;
    try {
      await ctx.db.query(`analyze ${LOOKED_UP.join(', ')}`);
      const r = await ctx.db.query(
        `select coalesce(max(reltuples), 0)::float8 as n from pg_class
          where oid = 'customer_keys'::regclass`,
      );
      next = written + Math.max(500, Number(r[0]?.n ?? 0));
    } catch (e) {
      // a database role that does not own the tables: autovacuum keeps them instead
      failed = true;
      console.warn('import: could not analyse the looked-up tables', e);
    }
  };
}

/** One batch, tried again on a concurrent writer's conflict, then row by row. False: lease lost. */
async function commitBatch(ctx: Ctx, job: ImportJob, batch: PlannedRow[]): Promise<boolean> {
  for (let attempt = 0; attempt < BATCH_TRIES; attempt++) {
    const r = await runBatch(ctx, job, batch);
    if (r.ok) return true;
    if ((await leaseState(ctx, job)) === null) return false;
    await recheckEntered(ctx, job.imp, batch);
  }
  await runRowByRow(ctx, job, batch);
  return true;
}

/**
 * Runs the planned rows not yet done, batch by batch, until done, cancelled or the lease is
 * lost (another process took the run over); marks the import failed (keeping what is done)
 * on an unexpected error. Never throws.
 */
export async function runImportRows(
  ctx: Ctx,
  job: ImportJob,
  plan: readonly PlannedRow[],
): Promise<void> {
  const { imp } = job;
  const defs = job.sop.doc.fields;
  const heartbeat = setInterval(
    () => void leaseState(ctx, job).catch(() => {}),
    Math.max(200, (job.leaseSeconds * 1000) / 3),
  );
  try {
    const doneRows = await ctx.db.query(
      'select row_number from import_rows where workspace_id = $1 and import_id = $2',
      [ctx.user.workspaceId, imp.id],
    );
    const done = new Set(doneRows.map((r) => Number(r.row_number)));
    const todo = plan.filter((r) => !done.has(r.rowNumber));
    const keys = new Map<number, string[]>();
    const keysOf = (r: PlannedRow) => {
      const hit = keys.get(r.rowNumber);
      if (hit) return hit;
      const k = rowKeys(defs, r);
      keys.set(r.rowNumber, k);
      return k;
    };
    let pending: PlannedRow[] = [];
    let cursor = 0;
    const keepStats = createStatsKeeper(ctx);
    while (pending.length || cursor < todo.length) {
      const status = await leaseState(ctx, job);
      if (status === null) return;
      if (status !== 'running') {
        await refreshCounts(ctx, imp.id, 'cancelled');
        return;
      }
      // embedded PGlite has one connection: a long batch would hold every request back
      const size = Math.min(ctx.config.importBatchRows, ctx.db.kind === 'pglite' ? 50 : 2000);
      const more = todo.slice(cursor, cursor + Math.max(0, size - pending.length));
      cursor += more.length;
      const { batch, rest } = takeBatch([...pending, ...more], size, keysOf);
      pending = rest;
      const bctx: Ctx = { ...ctx, now: ctx.clock.now() + ctx.clockOffsetMs };
      if (!(await commitBatch(bctx, job, batch))) return;
      await refreshCounts(bctx, imp.id);
      await keepStats(batch.length);
      // embedded PGlite answers on this thread without a macrotask in between: let
      // requests (a cancel, a progress read) in between batches
      await new Promise((resolve) => setImmediate(resolve));
    }
    await refreshCounts(ctx, imp.id, 'done');
  } catch (e) {
    console.error(`import ${imp.id} failed`, e);
    await ctx.db
      .query(`update imports set error = $3 where workspace_id = $1 and id = $2`, [
        ctx.user.workspaceId,
        imp.id,
        e instanceof Error ? e.message.slice(0, 500) : 'failed',
      ])
      .catch(() => {});
    await refreshCounts(ctx, imp.id, 'failed').catch(() => {});
  } finally {
    clearInterval(heartbeat);
  }
}
