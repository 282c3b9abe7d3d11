import type { LocalizedText } from '@closeloop/engine';
import type { Ctx, Verb } from '../../core/context.ts';
import { Conflict, Forbidden } from '../../core/errors.ts';
import type { LoadedSop } from '../../sops/sop-cache.ts';
import type { ColumnMapping } from '../mapping.ts';
import type { ParsedSheet } from '../parse/sheet.ts';
import type { ImportJob } from './batch.ts';
import { type ImportCounts, type ImportView, loadImport, parsedFileOf } from './import-store.ts';
import { loadKnownKeys, loadUserNames } from './known.ts';
import { countPlan, type PlannedRow, planRows, type RowOutcome } from './plan-rows.ts';
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

/** What a run uses: the settings it was given (else the import's), and the plan of every row. */
export type ImportRun = {
  sop: LoadedSop;
  sheet: ParsedSheet;
  headerRow: number;
  mapping: ColumnMapping;
  source: string;
  duplicatePolicy: 'skip' | 'create';
  ownerId: string | undefined;
  plan: PlannedRow[];
  counts: ImportCounts;
};

/**
 * Plans every row of an import with the given settings (the import's stored ones where not
 * given): the same plan a dry run reports, a run executes and a resumed run continues.
 */
export async function planImport(
  ctx: Ctx,
  imp: ImportView,
  input: Omit<RunImportInput, 'importId' | 'dryRun' | 'saveTemplate'>,
): Promise<ImportRun> {
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
  return { sop, sheet, headerRow, mapping, source, duplicatePolicy, ownerId, plan, counts };
}

/**
 * The job a run executes under its lease. Each run has its own lease id, so a run taken
 * over (even by the same process) stops at its next batch.
 */
export function importJob(
  ctx: Ctx,
  imp: ImportView,
  sop: LoadedSop,
  leaseOwner: string,
): ImportJob {
  return { imp, sop, leaseOwner, leaseSeconds: ctx.config.importLeaseSeconds };
}

/**
 * Runs an uploaded import with a mapping and a duplicate policy. `dryRun` reports, per row,
 * what would happen and writes nothing but the counts; otherwise the run starts in the
 * background (batches, live progress) under this process's lease and this answers at once.
 * A cancelled or failed run resumes where it stopped; a run whose process died is taken
 * over by another (resume.ts).
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
  const run = await planImport(ctx, imp, input);
  const { sheet, headerRow, mapping, source, duplicatePolicy, ownerId, plan, counts } = run;
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
  const leaseOwner = crypto.randomUUID();
  const started = await update(
    `dry_run = coalesce(dry_run, $9::jsonb), status = 'running', error = null,
     started_at = coalesce(started_at, to_timestamp($10::float8 / 1000)), finished_at = null, total = $11,
     run_by = $12, lease_owner = $13, lease_until = now() + $14 * interval '1 second'`,
    [
      JSON.stringify(counts),
      ctx.now,
      plan.length,
      ctx.user.id,
      leaseOwner,
      ctx.config.importLeaseSeconds,
    ],
  );
  if (!started[0]) throw new Conflict('import-running', 'this import was started meanwhile');
  const running = await loadImport(ctx, imp.id);
  void runImportRows(ctx, importJob(ctx, running, run.sop, leaseOwner), plan);
  return { import: running, counts, rows: [] };
};
