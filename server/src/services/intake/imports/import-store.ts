/** Reading import jobs and their files; the one view of an import every verb answers with. */
import type { Ctx } from '../../core/context.ts';
import { Forbidden, NotFound } from '../../core/errors.ts';
import { parseInWorker } from '../parse/parse-in-worker.ts';
import type { ParsedFile } from '../parse/sheet.ts';
import { loadIntakeSettings } from '../settings.ts';

export type ImportStatus = 'uploaded' | 'running' | 'cancelling' | 'cancelled' | 'done' | 'failed';

export type ImportView = {
  id: string;
  sopId: string;
  createdBy: string;
  fileName: string;
  fileHash: string;
  fileSize: number;
  kind: 'csv' | 'xlsx';
  encoding: string | null;
  sheets: Array<{ name: string; rows: number }>;
  sheet: string;
  headerRow: number;
  mapping: Record<string, string>;
  source: string;
  duplicatePolicy: 'skip' | 'create';
  ownerId: string | null;
  status: ImportStatus;
  total: number;
  processed: number;
  created: number;
  attached: number;
  duplicates: number;
  failed: number;
  dryRun: ImportCounts | null;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
};

export type ImportCounts = {
  total: number;
  create: number;
  attach: number;
  duplicateInFile: number;
  duplicateInDb: number;
  error: number;
};

const ms = (v: unknown): number | null =>
  v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : null;
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => Number(v ?? 0);
const obj = <T>(v: unknown, fallback: T): T =>
  (typeof v === 'string' ? JSON.parse(v) : (v ?? fallback)) as T;

export const IMPORT_COLUMNS = `id, sop_id, created_by, file_name, file_hash, file_size, kind, encoding, sheets, sheet,
  header_row, mapping, source, duplicate_policy, owner_id, status, total, processed, created, attached,
  duplicates, failed, dry_run, error, created_at, started_at, finished_at`;

export function importView(r: Record<string, unknown>): ImportView {
  return {
    id: String(r.id),
    sopId: String(r.sop_id),
    createdBy: String(r.created_by),
    fileName: String(r.file_name),
    fileHash: String(r.file_hash),
    fileSize: num(r.file_size),
    kind: r.kind === 'xlsx' ? 'xlsx' : 'csv',
    encoding: str(r.encoding),
    sheets: obj(r.sheets, []),
    sheet: String(r.sheet),
    headerRow: num(r.header_row),
    mapping: obj(r.mapping, {}),
    source: String(r.source),
    duplicatePolicy: r.duplicate_policy === 'create' ? 'create' : 'skip',
    ownerId: str(r.owner_id),
    status: String(r.status) as ImportStatus,
    total: num(r.total),
    processed: num(r.processed),
    created: num(r.created),
    attached: num(r.attached),
    duplicates: num(r.duplicates),
    failed: num(r.failed),
    dryRun: obj(r.dry_run, null),
    error: str(r.error),
    createdAt: ms(r.created_at) ?? 0,
    startedAt: ms(r.started_at),
    finishedAt: ms(r.finished_at),
  };
}

/**
 * Managers and admins import; a rep only when the workspace allows it (its setting), and
 * then only sees and runs imports they made, always into their own name.
 */
export async function assertMayImport(ctx: Ctx): Promise<void> {
  if (!['admin', 'manager', 'rep'].includes(ctx.user.role) || ctx.user.token) {
    throw new Forbidden('only managers, admins and reps import leads');
  }
  if (ctx.user.role === 'rep' && !(await loadIntakeSettings(ctx)).repsMayImport) {
    throw new Forbidden('this workspace does not let reps import leads');
  }
}

export async function loadImport(ctx: Ctx, id: string): Promise<ImportView> {
  await assertMayImport(ctx);
  const rows = await ctx.db.query(
    `select ${IMPORT_COLUMNS} from imports where workspace_id = $1 and id = $2`,
    [ctx.user.workspaceId, id],
  );
  const row = rows[0];
  if (!row) throw new NotFound('import', id);
  const view = importView(row);
  if (ctx.user.role === 'rep' && view.createdBy !== ctx.user.id) throw new NotFound('import', id);
  return view;
}

/** Parsed files by content hash: the file is immutable, so the cache never goes stale. */
const parsedCache = new Map<string, Promise<ParsedFile>>();
const CACHED = 3;

/** The import's file, parsed in a worker (or from the small cache of recent files). */
export async function parsedFileOf(ctx: Ctx, imp: ImportView): Promise<ParsedFile> {
  const key = `${ctx.user.workspaceId}:${imp.fileHash}`;
  const hit = parsedCache.get(key);
  if (hit) return hit;
  const load = (async () => {
    const rows = await ctx.db.query(
      'select bytes from import_files where workspace_id = $1 and hash = $2',
      [ctx.user.workspaceId, imp.fileHash],
    );
    const bytes = rows[0]?.bytes;
    if (!(bytes instanceof Uint8Array)) throw new NotFound('import file', imp.fileHash);
    return parseInWorker(bytes, imp.fileName);
  })();
  parsedCache.set(key, load);
  load.catch(() => parsedCache.delete(key));
  while (parsedCache.size > CACHED) {
    const oldest = parsedCache.keys().next().value;
    if (oldest === undefined) break;
    parsedCache.delete(oldest);
  }
  return load;
}

/** Seeds the cache with a file just parsed at upload. */
export function rememberParsed(workspaceId: string, hash: string, file: ParsedFile) {
  parsedCache.set(`${workspaceId}:${hash}`, Promise.resolve(file));
}
