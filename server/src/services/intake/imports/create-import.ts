import type { Verb } from '../../core/context.ts';
import { Invalid } from '../../core/errors.ts';
import { ParseError } from '../parse/limits.ts';
import { parseInWorker } from '../parse/parse-in-worker.ts';
import {
  assertMayImport,
  IMPORT_COLUMNS,
  type ImportView,
  importView,
  rememberParsed,
} from './import-store.ts';
import { type ImportSetup, publishedSop, setupImport } from './setup.ts';

export type CreateImportInput = {
  sopId: string;
  fileName: string;
  bytes: Uint8Array;
  /** The leads' source; defaults to the file name without its extension. */
  source?: string;
};

export type CreateImportResult = ImportSetup & {
  import: ImportView;
  /** Earlier imports of the same bytes (by SHA-256), newest first. */
  sameFileAs: Array<{ id: string; createdAt: number; status: string; created: number }>;
};

/** The parser's refusal as a 422 with its message in both languages. */
export function fileProblem(e: ParseError): Invalid {
  return new Invalid('import-file-invalid', e.en, {
    errors: [{ path: 'file', code: e.code, message: { 'zh-CN': e.zh, en: e.en } }],
  });
}

/**
 * Takes an uploaded spreadsheet for the target SOP: parses it in a worker, stores it once
 * per content hash, and answers with its sheets, the header row, a suggested mapping and a
 * preview of the first rows. Nothing is imported yet (runImport does that).
 */
export const createImport: Verb<CreateImportInput, CreateImportResult> = async ({ ctx, input }) => {
  await assertMayImport(ctx);
  const ws = ctx.user.workspaceId;
  const sop = await publishedSop(ctx, input.sopId);
  const file = await parseInWorker(input.bytes, input.fileName).catch((e) => {
    throw e instanceof ParseError ? fileProblem(e) : e;
  });
  const hash = new Bun.CryptoHasher('sha256').update(input.bytes).digest('hex');
  rememberParsed(ws, hash, file);
  const source =
    input.source?.trim() || input.fileName.replace(/\.[^.]+$/, '').slice(0, 200) || 'import';
  const setup = await setupImport(ctx, { file, sop, source });
  const earlier = await ctx.db.query(
    `select id, created_at, status, created from imports
      where workspace_id = $1 and file_hash = $2 order by created_at desc limit 10`,
    [ws, hash],
  );
  const id = crypto.randomUUID();
  const sheets = file.sheets.map((s) => ({ name: s.name, rows: s.rows.length }));
  const row = await ctx.db.transaction(async (q) => {
    await q(
      `insert into import_files (workspace_id, hash, bytes, size) values ($1, $2, $3, $4)
       on conflict do nothing`,
      [ws, hash, input.bytes, input.bytes.byteLength],
    );
    const rows = await q(
      `insert into imports (workspace_id, id, sop_id, created_by, file_name, file_hash, file_size, kind,
         encoding, sheets, sheet, header_row, mapping, source, owner_id, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13::jsonb, $14, $15,
         to_timestamp($16::float8 / 1000))
       returning ${IMPORT_COLUMNS}`,
      [
        ws,
        id,
        input.sopId,
        ctx.user.id,
        input.fileName.slice(0, 300),
        hash,
        input.bytes.byteLength,
        file.kind,
        file.encoding,
        JSON.stringify(sheets),
        setup.sheet,
        setup.headerRow,
        JSON.stringify(setup.suggestedMapping),
        source,
        ctx.user.role === 'rep' ? ctx.user.id : null,
        ctx.now,
      ],
    );
    return rows[0];
  });
  if (!row) throw new Error('import vanished');
  return {
    import: importView(row),
    ...setup,
    sameFileAs: earlier.map((r) => ({
      id: String(r.id),
      createdAt:
        r.created_at instanceof Date ? r.created_at.getTime() : Date.parse(String(r.created_at)),
      status: String(r.status),
      created: Number(r.created),
    })),
  };
};
