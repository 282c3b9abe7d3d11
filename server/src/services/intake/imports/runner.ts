/**
 * The background run of an import: rows in batches of BATCH, each created row written in
 * its record's own transaction together with its lead, keys and outcome row, so a row is
 * either wholly there or not at all; a stopped run resumes after the rows it has. After
 * each batch the counts are refreshed and pushed live (NOTIFY on IMPORT_CHANNEL → SSE).
 */
import type { LocalizedText } from '@closeloop/engine';
import { IMPORT_CHANNEL } from '../../../live.ts';
import type { Ctx } from '../../core/context.ts';
import { DomainError } from '../../core/errors.ts';
import { type CanonicalLead, enterLead } from '../enter-lead.ts';
import type { ImportView } from './import-store.ts';
import type { PlannedRow } from './plan-rows.ts';

export const BATCH = 200;

type OutcomeRow = {
  rowNumber: number;
  outcome: 'created' | 'duplicate-file' | 'duplicate-db' | 'error';
  recordId: string | null;
  reasons: LocalizedText[] | null;
  cells: string[] | null;
};

const INSERT_ROWS = `insert into import_rows (workspace_id, import_id, row_number, outcome, record_id, reasons, cells)
  select $1, $2, x.n, x.o, x.r, x.reasons, x.cells
    from jsonb_to_recordset($3::jsonb) as x(n int, o text, r text, reasons jsonb, cells jsonb)
  on conflict do nothing`;

async function insertOutcomes(ctx: Ctx, importId: string, rows: OutcomeRow[]) {
  if (!rows.length) return;
  const json = rows.map((r) => ({
    n: r.rowNumber,
    o: r.outcome,
    r: r.recordId,
    reasons: r.reasons,
    cells: r.cells,
  }));
  await ctx.db.query(INSERT_ROWS, [ctx.user.workspaceId, importId, JSON.stringify(json)]);
}

/** Recounts the import's outcome rows into its counters and announces the progress. */
async function refreshCounts(ctx: Ctx, importId: string, status?: string) {
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

function reasonOf(e: unknown): LocalizedText[] {
  if (e instanceof DomainError) {
    const msgs = (e.detail.errors ?? []).map((x) =>
      typeof x.message === 'string' ? { 'zh-CN': x.message, en: x.message } : x.message,
    );
    return msgs.length ? msgs : [{ 'zh-CN': e.message, en: e.message }];
  }
  return [{ 'zh-CN': '未知错误', en: 'unexpected error' }];
}

async function enterRow(
  ctx: Ctx,
  imp: ImportView,
  row: PlannedRow,
  defs: Parameters<typeof enterLead>[0]['input']['defs'],
) {
  const lead: CanonicalLead = {
    sopId: imp.sopId,
    fields: row.fields,
    source: row.source,
    raw: { row: row.rowNumber, cells: row.cells },
    channel: 'import',
    importId: imp.id,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    ...(row.ownerId ? { ownerId: row.ownerId } : {}),
  };
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
        reasons: [
          {
            'zh-CN': '系统中已有相同线索（同时导入）',
            en: 'already in Closeloop (imported concurrently)',
          },
        ],
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

/**
 * Runs the planned rows not yet done, batch by batch, until done or cancelled; marks the
 * import failed (keeping what is done) on an unexpected error. Never throws.
 */
export async function runImportRows(
  ctx: Ctx,
  imp: ImportView,
  plan: readonly PlannedRow[],
  defs: Parameters<typeof enterLead>[0]['input']['defs'],
): Promise<void> {
  try {
    const doneRows = await ctx.db.query(
      'select row_number from import_rows where workspace_id = $1 and import_id = $2',
      [ctx.user.workspaceId, imp.id],
    );
    const done = new Set(doneRows.map((r) => Number(r.row_number)));
    const todo = plan.filter((r) => !done.has(r.rowNumber));
    for (let i = 0; i < todo.length; i += BATCH) {
      const state = await ctx.db.query(
        'select status from imports where workspace_id = $1 and id = $2',
        [ctx.user.workspaceId, imp.id],
      );
      if (state[0]?.status !== 'running') {
        await refreshCounts(ctx, imp.id, 'cancelled');
        return;
      }
      const batch = todo.slice(i, i + BATCH);
      const bctx: Ctx = { ...ctx, now: ctx.clock.now() + ctx.clockOffsetMs };
      await insertOutcomes(
        bctx,
        imp.id,
        batch
          .filter((r) => r.outcome !== 'create')
          .map((r) => ({
            rowNumber: r.rowNumber,
            outcome: r.outcome === 'create' ? 'created' : r.outcome,
            recordId: r.recordId ?? null,
            reasons: r.reasons,
            cells: r.outcome === 'error' ? r.cells : null,
          })),
      );
      for (const row of batch) {
        if (row.outcome !== 'create') continue;
        await enterRow(bctx, imp, row, defs);
        // embedded PGlite answers on this thread without a macrotask in between: let
        // requests (a cancel, a progress read) in between rows
        await new Promise((resolve) => setImmediate(resolve));
      }
      await refreshCounts(bctx, imp.id);
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
  }
}
