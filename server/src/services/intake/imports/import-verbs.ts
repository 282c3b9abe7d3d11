/** Reading and cancelling imports, and the error report. */
import Papa from 'papaparse';
import type { Verb } from '../../core/context.ts';
import { Conflict } from '../../core/errors.ts';
import {
  assertMayImport,
  IMPORT_COLUMNS,
  type ImportView,
  importView,
  loadImport,
  parsedFileOf,
} from './import-store.ts';
import { type ImportSetup, pickSheet, publishedSop, setupImport } from './setup.ts';

export const getImport: Verb<{ importId: string }, ImportView> = ({ ctx, input }) =>
  loadImport(ctx, input.importId);

/** Imports newest first; a rep sees their own. */
export const listImports: Verb<{ limit?: number }, { items: ImportView[] }> = async ({
  ctx,
  input,
}) => {
  await assertMayImport(ctx);
  const rep = ctx.user.role === 'rep';
  const rows = await ctx.db.query(
    `select ${IMPORT_COLUMNS} from imports
      where workspace_id = $1 and ($2::text is null or created_by = $2)
      order by created_at desc, id limit $3`,
    [ctx.user.workspaceId, rep ? ctx.user.id : null, input.limit ?? 50],
  );
  return { items: rows.map(importView) };
};

/** Stops a running import after the batch in flight; what is done stays done. */
export const cancelImport: Verb<{ importId: string }, ImportView> = async ({ ctx, input }) => {
  const imp = await loadImport(ctx, input.importId);
  const rows = await ctx.db.query(
    `update imports set status = 'cancelling' where workspace_id = $1 and id = $2 and status = 'running' returning id`,
    [ctx.user.workspaceId, imp.id],
  );
  if (!rows[0])
    throw new Conflict('import-not-running', `the import is ${imp.status}, not running`);
  return loadImport(ctx, imp.id);
};

/**
 * The error report as CSV (UTF-8 with BOM, so Excel shows Chinese): the file's own columns
 * plus 错误原因 / reason, one line per row that failed, ready to fix and upload again.
 * With `duplicates`, rows skipped as duplicates are listed too.
 */
export const getImportErrors: Verb<
  { importId: string; duplicates?: boolean; locale?: 'zh-CN' | 'en' },
  { fileName: string; csv: string }
> = async ({ ctx, input }) => {
  const imp = await loadImport(ctx, input.importId);
  const file = await parsedFileOf(ctx, imp);
  const sheet = pickSheet(file, imp.sheet);
  const headers = sheet.rows[imp.headerRow] ?? [];
  const outcomes = input.duplicates ? ['error', 'duplicate-file', 'duplicate-db'] : ['error'];
  const rows = await ctx.db.query(
    `select row_number, reasons from import_rows
      where workspace_id = $1 and import_id = $2 and outcome = any($3::text[]) order by row_number`,
    [ctx.user.workspaceId, imp.id, outcomes],
  );
  const locale = input.locale ?? ctx.user.locale;
  const reasonHeader = locale === 'en' ? 'Reason' : '错误原因';
  const lines = rows.map((r) => {
    const n = Number(r.row_number);
    const reasons = (
      typeof r.reasons === 'string' ? JSON.parse(r.reasons) : (r.reasons ?? [])
    ) as Array<Record<'zh-CN' | 'en', string>>;
    const cells = sheet.rows[n - 1] ?? [];
    const padded = headers.map((_, i) => cells[i] ?? '');
    return [...padded, reasons.map((x) => x[locale]).join('; ')];
  });
  const csv = `\ufeff${Papa.unparse([[...headers, reasonHeader], ...lines], { newline: '\r\n' })}\r\n`;
  const base = imp.fileName.replace(/\.[^.]+$/, '');
  return { fileName: `${base}-${locale === 'en' ? 'errors' : '错误'}.csv`, csv };
};

/** Sheets, headers, suggestion and preview again, for another sheet, header row or mapping. */
export const previewImport: Verb<
  {
    importId: string;
    sheet?: string;
    headerRow?: number;
    mapping?: Record<string, string>;
    source?: string;
  },
  ImportSetup
> = async ({ ctx, input }) => {
  const imp = await loadImport(ctx, input.importId);
  const sop = await publishedSop(ctx, imp.sopId);
  const file = await parsedFileOf(ctx, imp);
  return setupImport(ctx, {
    file,
    sop,
    source: input.source?.trim() || imp.source,
    ...(input.sheet !== undefined ? { sheet: input.sheet } : {}),
    ...(input.headerRow !== undefined ? { headerRow: input.headerRow } : {}),
    ...(input.mapping ? { mapping: input.mapping } : {}),
  });
};
