import type { LocalizedText } from '@closeloop/engine';
import type { Verb } from '../../core/context.ts';
import { Conflict, Forbidden } from '../../core/errors.ts';
import type { ColumnMapping } from '../mapping.ts';
import { type ImportCounts, type ImportView, loadImport, parsedFileOf } from './import-store.ts';
import { loadKnownKeys, loadUserNames } from './known.ts';
import { countPlan, planRows, type RowOutcome } from './plan-rows.ts';
import { runImportRows } from './runner.ts';
import { checkMapping, pickSheet, publishedSop } from './setup.ts';

export type RunImportInput = {
  importId: string;
  sheet?: string;
  headerRow?: number;
  mapping?: ColumnMapping;
  source?: string;
  duplicatePolicy?: 'skip' | 'create';
  /** Owner of rows without an owner column (else the SOP's owner rule decides). */
  ownerId?: string;
  dryRun?: boolean;
  /** Save the mapping as this source's template (by header text). */
  saveTemplate?: boolean;
};

export type RunImportResult = {
  import: ImportView;
  counts: ImportCounts;
  /** Dry run: what would happen to each row not created (at most 500), in sheet order. */
  rows: Array<{
    rowNumber: number;
    outcome: RowOutcome;
    reasons: LocalizedText[];
    recordId: string | null;
  }>;
};

const ROWS_SHOWN = 500;

/**
 * Runs an uploaded import with a mapping and a duplicate policy. `dryRun` reports, per row,
 * what would happen and writes nothing but the counts; otherwise the run starts in the
 * background (batches, live progress) and this answers at once. A cancelled or failed run
 * resumes where it stopped.
 */
export const runImport: Verb<RunImportInput, RunImportResult> = async ({ ctx, input }) => {
  const imp = await loadImport(ctx, input.importId);
  if (imp.status === 'running' || imp.status === 'cancelling') {
    throw new Conflict('import-running', 'this import is running; wait for it or cancel it');
  }
  if (imp.status === 'done' && !input.dryRun) {
    throw new Conflict(
      'import-done',
      'this import has run; upload the file again to import it again',
    );
  }
  const isRep = ctx.user.role === 'rep';
  if (isRep && input.ownerId && input.ownerId !== ctx.user.id) {
    throw new Forbidden('a rep imports leads into their own name only');
  }
  const sop = await publishedSop(ctx, imp.sopId);
  const defs = sop.doc.fields;
  const file = await parsedFileOf(ctx, imp);
  const sheet = pickSheet(file, input.sheet ?? imp.sheet);
  const headerRow = input.headerRow ?? imp.headerRow;
  const mapping = input.mapping ?? imp.mapping;
  checkMapping(mapping, defs, (sheet.rows[headerRow] ?? []).length);
  const source = input.source?.trim() || imp.source;
  const duplicatePolicy = input.duplicatePolicy ?? imp.duplicatePolicy;
  const ownerId = isRep ? ctx.user.id : (input.ownerId ?? imp.ownerId ?? undefined);
  const users = await loadUserNames(ctx);
  if (ownerId && ![...users.values()].includes(ownerId)) {
    throw new Conflict('invalid-input', `no active user ${ownerId} in this workspace`);
  }
  const plan = planRows({
    sheet,
    headerRow,
    mapping,
    defs,
    source,
    known: await loadKnownKeys(ctx),
    users,
    duplicatePolicy,
    ...(isRep ? { forcedOwnerId: ctx.user.id } : ownerId ? { defaultOwnerId: ownerId } : {}),
  });
  const counts = countPlan(plan);
  const ws = ctx.user.workspaceId;
  const settings = [
    ws,
    imp.id,
    sheet.name,
    headerRow,
    JSON.stringify(mapping),
    source,
    duplicatePolicy,
    ownerId ?? null,
  ];
  if (input.saveTemplate || !input.dryRun) {
    const headers = (sheet.rows[headerRow] ?? []).map((h) => h.trim());
    const byHeader = Object.fromEntries(
      Object.entries(mapping).map(([col, target]) => [headers[Number(col)] ?? '', target]),
    );
    await ctx.db.query(
      `insert into import_templates (workspace_id, sop_id, source, mapping) values ($1, $2, $3, $4::jsonb)
       on conflict (workspace_id, sop_id, source) do update set mapping = excluded.mapping, updated_at = now()`,
      [ws, imp.sopId, source, JSON.stringify(byHeader)],
    );
  }
  const update = (extra: string, params: unknown[]) =>
    ctx.db.query(
      `update imports set sheet = $3, header_row = $4, mapping = $5::jsonb, source = $6, duplicate_policy = $7,
         owner_id = $8, ${extra}
       where workspace_id = $1 and id = $2 and status not in ('running', 'cancelling')
       returning id`,
      [...settings, ...params],
    );
  if (input.dryRun) {
    await update('dry_run = $9::jsonb', [JSON.stringify(counts)]);
    return {
      import: await loadImport(ctx, imp.id),
      counts,
      rows: plan
        .filter((r) => r.outcome !== 'create')
        .slice(0, ROWS_SHOWN)
        .map((r) => ({
          rowNumber: r.rowNumber,
          outcome: r.outcome,
          reasons: r.reasons,
          recordId: r.recordId ?? null,
        })),
    };
  }
  const started = await update(
    `dry_run = coalesce(dry_run, $9::jsonb), status = 'running', error = null,
     started_at = coalesce(started_at, to_timestamp($10::float8 / 1000)), finished_at = null, total = $11`,
    [JSON.stringify(counts), ctx.now, plan.length],
  );
  if (!started[0]) throw new Conflict('import-running', 'this import was started meanwhile');
  const running = await loadImport(ctx, imp.id);
  void runImportRows(ctx, running, plan, defs);
  return { import: running, counts, rows: [] };
};
