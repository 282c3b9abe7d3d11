/** Choosing the sheet, the header row and the mapping of an import, and previewing rows. */
import type { FieldDef, LocalizedText } from '@closeloop/engine';
import type { Ctx } from '../../core/context.ts';
import { Conflict, Invalid, NotFound } from '../../core/errors.ts';
import type { LoadedSop } from '../../sops/sop-cache.ts';
import { type ColumnMapping, guessHeaderRow, SPECIAL_TARGETS, suggestMapping } from '../mapping.ts';
import { isBlankRow, type ParsedFile, type ParsedSheet } from '../parse/sheet.ts';
import { loadUserNames } from './known.ts';
import { planRows } from './plan-rows.ts';

export type PreviewRow = {
  rowNumber: number;
  fields: Record<string, unknown>;
  source: string;
  ownerId: string | null;
  reasons: LocalizedText[];
};

export type ImportSetup = {
  sheet: string;
  headerRow: number;
  headers: string[];
  suggestedMapping: ColumnMapping;
  /** Number cells in this sheet that lost digits (see the error report for the fix). */
  precisionLost: number;
  preview: PreviewRow[];
};

/** The target SOP's published version (an import always creates on it). */
export async function publishedSop(ctx: Ctx, sopId: string): Promise<LoadedSop> {
  const ws = ctx.user.workspaceId;
  const rows = await ctx.db.query(
    'select published_version from sops where workspace_id = $1 and id = $2',
    [ws, sopId],
  );
  const row = rows[0];
  if (!row) throw new NotFound('SOP', sopId);
  if (row.published_version === null) {
    throw new Conflict('sop-not-published', `SOP ${sopId} has no published version yet`);
  }
  return ctx.sops.get(ws, sopId, Number(row.published_version));
}

/** The named sheet; else the sheet whose header row suggests the most fields, else the first non-blank one. */
export function pickSheet(
  file: ParsedFile,
  name?: string,
  defs: readonly FieldDef[] = [],
): ParsedSheet {
  if (name !== undefined) {
    const s = file.sheets.find((x) => x.name === name);
    if (!s) {
      throw new Invalid('invalid-input', `the file has no sheet "${name}"`, {
        errors: [{ path: 'sheet', message: 'unknown sheet' }],
      });
    }
    return s;
  }
  let best: ParsedSheet | null = null;
  let bestScore = -1;
  for (const s of file.sheets) {
    if (s.rows.every(isBlankRow)) continue;
    const header = s.rows[guessHeaderRow(s.rows, defs)] ?? [];
    const score = Object.keys(suggestMapping(header, defs)).length;
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best ?? (file.sheets[0] as ParsedSheet);
}

/** Rejects a mapping onto a field the SOP lacks, or two columns onto one target. */
export function checkMapping(mapping: ColumnMapping, defs: readonly FieldDef[], width: number) {
  const errors: Array<{ path: string; message: string }> = [];
  const used = new Map<string, string>();
  for (const [col, target] of Object.entries(mapping)) {
    const n = Number(col);
    if (!Number.isInteger(n) || n < 0 || n >= width) {
      errors.push({ path: `mapping.${col}`, message: 'no such column' });
    }
    const special = (SPECIAL_TARGETS as readonly string[]).includes(target);
    if (!special && !defs.some((d) => d.key === target)) {
      errors.push({ path: `mapping.${col}`, message: `the SOP has no field "${target}"` });
    }
    const other = used.get(target);
    if (other !== undefined) {
      errors.push({
        path: `mapping.${col}`,
        message: `column ${other} already maps to "${target}"`,
      });
    }
    used.set(target, col);
  }
  if (errors.length)
    throw new Invalid('invalid-input', 'the column mapping is not valid', { errors });
}

/** A saved template (header text → target) applied to this file's headers. */
export async function templateMapping(
  ctx: Ctx,
  sopId: string,
  source: string,
  headers: readonly string[],
): Promise<ColumnMapping | null> {
  const rows = await ctx.db.query(
    'select mapping from import_templates where workspace_id = $1 and sop_id = $2 and source = $3',
    [ctx.user.workspaceId, sopId, source],
  );
  const raw = rows[0]?.mapping;
  if (!raw) return null;
  const byHeader = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, string>;
  const out: ColumnMapping = {};
  headers.forEach((h, i) => {
    const target = byHeader[h.trim()];
    if (target) out[String(i)] = target;
  });
  return Object.keys(out).length ? out : null;
}

/**
 * Sheet, header row, headers, the mapping to suggest (the source's saved template, else
 * synonyms) and the first rows as they would be stored.
 */
export async function setupImport(
  ctx: Ctx,
  input: {
    file: ParsedFile;
    sop: LoadedSop;
    source: string;
    sheet?: string;
    headerRow?: number;
    mapping?: ColumnMapping;
  },
): Promise<ImportSetup> {
  const defs = input.sop.doc.fields;
  const sheet = pickSheet(input.file, input.sheet, defs);
  const headerRow = input.headerRow ?? guessHeaderRow(sheet.rows, defs);
  if (headerRow < 0 || headerRow >= Math.max(sheet.rows.length, 1)) {
    throw new Invalid('invalid-input', `the sheet has no row ${headerRow + 1}`, {
      errors: [{ path: 'headerRow', message: 'beyond the last row' }],
    });
  }
  const headers = (sheet.rows[headerRow] ?? []).map((h) => h.trim());
  const suggested =
    (await templateMapping(ctx, input.sop.doc.id, input.source, headers)) ??
    suggestMapping(headers, defs);
  const mapping = input.mapping ?? suggested;
  checkMapping(mapping, defs, headers.length);
  const preview = planRows({
    sheet,
    headerRow,
    mapping,
    defs,
    source: input.source,
    known: new Map(),
    users: await loadUserNames(ctx),
    duplicatePolicy: 'create',
    limit: 20,
  }).map((r) => ({
    rowNumber: r.rowNumber,
    fields: r.fields,
    source: r.source,
    ownerId: r.ownerId ?? null,
    reasons: r.reasons,
  }));
  return {
    sheet: sheet.name,
    headerRow,
    headers,
    suggestedMapping: suggested,
    precisionLost: sheet.precisionLost.length,
    preview,
  };
}
