import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ctxOf, errorResponses, jsonBody, ok } from '../http/context.ts';
import { localeOf } from '../http/problem.ts';
import { LocalizedText } from '../http/schemas.ts';
import { verbRoutes } from '../http/verb-route.ts';
import { createImport } from '../services/intake/imports/create-import.ts';
import {
  cancelImport,
  getImport,
  getImportErrors,
  listImports,
  previewImport,
} from '../services/intake/imports/import-verbs.ts';
import { runImport } from '../services/intake/imports/run-import.ts';
import { IMPORT_LIMITS } from '../services/intake/parse/limits.ts';
import type { Router } from './router.ts';

const tags = ['intake'];
const verbRoute = verbRoutes(tags);
const ImportIdParam = z.object({ importId: z.string().min(1).max(100) });
const Mapping = z
  .record(z.string().regex(/^\d{1,3}$/), z.string().min(1).max(64))
  .openapi({ description: 'column index → SOP field key, or $owner / $source / $externalId' });
const Counts = z.object({
  total: z.number(),
  create: z.number(),
  attach: z.number(),
  duplicateInFile: z.number(),
  duplicateInDb: z.number(),
  error: z.number(),
});
const Import = z
  .object({
    id: z.string(),
    sopId: z.string(),
    createdBy: z.string(),
    fileName: z.string(),
    fileHash: z.string(),
    fileSize: z.number(),
    kind: z.enum(['csv', 'xlsx']),
    encoding: z.string().nullable(),
    sheets: z.array(z.object({ name: z.string(), rows: z.number() })),
    sheet: z.string(),
    headerRow: z.number().openapi({ description: '0-based index of the header row' }),
    mapping: z.record(z.string(), z.string()),
    source: z.string(),
    duplicatePolicy: z.enum(['skip', 'create']),
    ownerId: z.string().nullable(),
    status: z.enum(['uploaded', 'running', 'cancelling', 'cancelled', 'done', 'failed']),
    total: z.number(),
    processed: z.number(),
    created: z.number(),
    attached: z.number(),
    duplicates: z.number(),
    failed: z.number(),
    dryRun: Counts.nullable(),
    error: z.string().nullable(),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
  })
  .openapi('Import');
const Setup = z.object({
  sheet: z.string(),
  headerRow: z.number(),
  headers: z.array(z.string()),
  suggestedMapping: z.record(z.string(), z.string()),
  precisionLost: z.number(),
  preview: z.array(
    z.object({
      rowNumber: z.number(),
      fields: z.record(z.string(), z.unknown()),
      source: z.string(),
      ownerId: z.string().nullable(),
      reasons: z.array(LocalizedText),
    }),
  ),
});
const SetupInput = z.object({
  sheet: z.string().max(200).optional(),
  headerRow: z.number().int().min(0).max(IMPORT_LIMITS.maxRows).optional(),
  mapping: Mapping.optional(),
  source: z.string().trim().min(1).max(200).optional(),
});

/** Lead imports: upload, preview, dry run, run in the background, progress, error report. */
export function importRoutes() {
  const r = createRouter();
  registerImportUploads(r);
  registerImportRuns(r);
  return r;
}

/** Uploading a file and listing or reading imports. */
function registerImportUploads(r: Router) {
  verbRoute(r, {
    method: 'post',
    path: '/imports',
    operationId: 'createImport',
    summary: `Upload a spreadsheet (.xlsx or .csv in UTF-8/GBK, at most ${IMPORT_LIMITS.maxFileBytes / 1024 / 1024} MB and ${IMPORT_LIMITS.maxRows} rows) for an SOP: encoding, sheets, header row, suggested mapping, preview`,
    request: {
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({
              file: z.instanceof(File).openapi({ type: 'string', format: 'binary' }),
              sopId: z.string().min(1).max(100),
              source: z.string().trim().max(200).optional(),
            }),
          },
        },
      },
    },
    responses: {
      201: ok(
        Setup.extend({
          import: Import,
          sameFileAs: z.array(
            z.object({
              id: z.string(),
              createdAt: z.number(),
              status: z.string(),
              created: z.number(),
            }),
          ),
        }),
        'Uploaded',
      ),
    },
    verb: createImport,
    input: async (c) => {
      const form = c.req.valid('form');
      return {
        sopId: form.sopId,
        fileName: form.file.name || 'upload.csv',
        bytes: new Uint8Array(await form.file.arrayBuffer()),
        ...(form.source ? { source: form.source } : {}),
      };
    },
  });

  verbRoute(r, {
    method: 'get',
    path: '/imports',
    operationId: 'listImports',
    summary: 'Imports newest first (a rep sees their own)',
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional() }) },
    responses: { 200: ok(z.object({ items: z.array(Import) })) },
    verb: listImports,
    input: (c) => c.req.valid('query'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/imports/{importId}',
    operationId: 'getImport',
    summary:
      'An import: status, progress and counts (created, attached, duplicates, failed, total)',
    request: { params: ImportIdParam },
    responses: { 200: ok(Import) },
    verb: getImport,
    input: (c) => c.req.valid('param'),
  });
}

/** Previewing, running and cancelling an import, and its rows in error. */
function registerImportRuns(r: Router) {
  verbRoute(r, {
    method: 'post',
    path: '/imports/{importId}/preview',
    operationId: 'previewImport',
    summary:
      'Headers, suggested mapping and the first rows as stored, for a sheet, header row or mapping',
    request: { params: ImportIdParam, ...jsonBody(SetupInput) },
    responses: { 200: ok(Setup) },
    verb: previewImport,
    input: (c) => ({ ...c.req.valid('param'), ...c.req.valid('json') }),
  });

  verbRoute(r, {
    method: 'post',
    path: '/imports/{importId}/run',
    operationId: 'runImport',
    summary:
      'Dry run (per-row outcome: create, duplicate in file or database, error with reason) or run in the background in batches with live progress (SSE import.progress)',
    request: {
      params: ImportIdParam,
      ...jsonBody(
        SetupInput.extend({
          duplicatePolicy: z.enum(['skip', 'create']).optional(),
          ownerId: z.string().min(1).max(200).optional(),
          dryRun: z.boolean().default(false),
          saveTemplate: z.boolean().optional(),
        }),
      ),
    },
    responses: {
      200: ok(
        z.object({
          import: Import,
          counts: Counts,
          rows: z.array(
            z.object({
              rowNumber: z.number(),
              outcome: z.enum(['create', 'duplicate-file', 'duplicate-db', 'error']),
              reasons: z.array(LocalizedText),
              recordId: z.string().nullable(),
            }),
          ),
        }),
        'Dry run result, or the import as it started',
      ),
    },
    verb: runImport,
    input: (c) => ({ importId: c.req.valid('param').importId, ...c.req.valid('json') }),
  });

  verbRoute(r, {
    method: 'post',
    path: '/imports/{importId}/cancel',
    operationId: 'cancelImport',
    summary: 'Stop a running import after its current batch; rows done stay done',
    request: { params: ImportIdParam },
    responses: { 200: ok(Import) },
    verb: cancelImport,
    input: (c) => c.req.valid('param'),
  });

  r.openapi(
    createRoute({
      method: 'get',
      path: '/imports/{importId}/errors',
      operationId: 'getImportErrors',
      tags,
      summary: 'Error report (CSV, UTF-8 with BOM): the original columns plus 错误原因 / reason',
      request: {
        params: ImportIdParam,
        query: z.object({
          duplicates: z.enum(['true', 'false']).optional(),
          lang: z.enum(['zh-CN', 'en']).optional(),
        }),
      },
      responses: {
        200: { description: 'CSV file', content: { 'text/csv': { schema: z.string() } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const file = await getImportErrors({
        ctx: ctxOf(c),
        input: {
          importId: c.req.valid('param').importId,
          duplicates: q.duplicates === 'true',
          locale: q.lang ?? localeOf(c),
        },
      });
      return c.body(file.csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="import-errors.csv"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        'cache-control': 'no-store',
      });
    },
  );
}
