import { z } from '@hono/zod-openapi';
import { createRouter, errorResponses, jsonBody, ok } from '../http/context.ts';
import {
  GateFailure,
  LIMITS,
  LocalizedText,
  SopDetail,
  SopDocumentBody,
  SopIdParam,
  SopProblem,
  SopSummary,
  SopVersionDetail,
  SopVersionSummary,
} from '../http/schemas.ts';
import { verbRoutes } from '../http/verb-route.ts';
import { migrateRecords } from '../services/records/migrate-records.ts';
import { createSop } from '../services/sops/create-sop.ts';
import { getSop } from '../services/sops/get-sop.ts';
import { getSopVersion } from '../services/sops/get-sop-version.ts';
import { listSopVersions } from '../services/sops/list-sop-versions.ts';
import { listSops } from '../services/sops/list-sops.ts';
import { publishSop } from '../services/sops/publish-sop.ts';
import { updateSopDraft } from '../services/sops/update-sop-draft.ts';
import { validateSop } from '../services/sops/validate-sop.ts';
import type { Router } from './router.ts';

const verbRoute = verbRoutes(['sops']);

export function sopRoutes() {
  const r = createRouter();
  registerSopDrafts(r);
  registerSopVersions(r);
  return r;
}

/** SOPs and their drafts: list, create, read, save, validate. */
function registerSopDrafts(r: Router) {
  verbRoute(r, {
    method: 'get',
    path: '/sops',
    operationId: 'listSops',
    summary: 'SOPs of the workspace with their published version and record counts',
    responses: { 200: ok(z.object({ items: z.array(SopSummary) })) },
    errors: { 401: errorResponses[401] },
    verb: listSops,
    input: () => ({}),
  });

  verbRoute(r, {
    method: 'post',
    path: '/sops',
    operationId: 'createSop',
    summary: 'Create an SOP from a document (its first draft)',
    request: jsonBody(z.object({ doc: SopDocumentBody })),
    responses: { 201: ok(SopDetail, 'Created') },
    verb: createSop,
    input: (c) => {
      const { doc } = c.req.valid('json');
      return { doc };
    },
  });

  verbRoute(r, {
    method: 'get',
    path: '/sops/{sopId}',
    operationId: 'getSop',
    summary: 'An SOP with its draft',
    request: { params: SopIdParam },
    responses: { 200: ok(SopDetail) },
    verb: getSop,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'put',
    path: '/sops/{sopId}/draft',
    operationId: 'updateSopDraft',
    summary: 'Replace the draft',
    request: { params: SopIdParam, ...jsonBody(z.object({ doc: SopDocumentBody })) },
    responses: { 200: ok(SopDetail) },
    verb: updateSopDraft,
    input: (c) => {
      const { sopId } = c.req.valid('param');
      const { doc } = c.req.valid('json');
      return { sopId, doc };
    },
  });

  verbRoute(r, {
    method: 'post',
    path: '/sops/{sopId}/validate',
    operationId: 'validateSop',
    summary: 'Validate a document (or the stored draft); never writes',
    request: {
      params: SopIdParam,
      body: {
        content: {
          'application/json': { schema: z.object({ doc: SopDocumentBody.optional() }) },
        },
        required: false,
      },
    },
    responses: {
      200: ok(z.object({ ok: z.boolean(), problems: z.array(SopProblem) })),
    },
    verb: validateSop,
    input: (c) => {
      const { sopId } = c.req.valid('param');
      const body = c.req.valid('json');
      return { sopId, doc: body?.doc };
    },
  });
}

/** Publishing, the published versions and migrating records between them. */
function registerSopVersions(r: Router) {
  verbRoute(r, {
    method: 'post',
    path: '/sops/{sopId}/publish',
    operationId: 'publishSop',
    summary: 'Publish the draft as the next immutable version',
    request: {
      params: SopIdParam,
      ...jsonBody(z.object({ note: z.string().max(LIMITS.reasonChars).default('') })),
    },
    responses: {
      200: ok(
        z.object({
          sopId: z.string(),
          version: z.number(),
          hash: z.string(),
          publishedAt: z.number(),
        }),
      ),
    },
    verb: publishSop,
    input: (c) => {
      const { sopId } = c.req.valid('param');
      const { note } = c.req.valid('json');
      return { sopId, note };
    },
  });

  verbRoute(r, {
    method: 'get',
    path: '/sops/{sopId}/versions',
    operationId: 'listSopVersions',
    summary: 'Published versions, newest first',
    request: { params: SopIdParam },
    responses: { 200: ok(z.object({ items: z.array(SopVersionSummary) })) },
    verb: listSopVersions,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/sops/{sopId}/versions/{version}',
    operationId: 'getSopVersion',
    summary: 'One published version',
    request: {
      params: SopIdParam.extend({
        version: z.coerce
          .number()
          .int()
          .min(1)
          .max(2_147_483_647)
          .openapi({ param: { name: 'version', in: 'path' } }),
      }),
    },
    responses: { 200: ok(SopVersionDetail) },
    verb: getSopVersion,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'post',
    path: '/sops/{sopId}/migrate',
    operationId: 'migrateRecords',
    summary:
      'Move records to a newer version with a stage mapping; a dry run reports what would move and what would fail',
    request: {
      params: SopIdParam,
      ...jsonBody(
        z.object({
          fromVersion: z.number().int().min(1),
          toVersion: z.number().int().min(1),
          recordIds: z.array(z.string().min(1).max(200)).max(10_000).optional(),
          stageMap: z.record(z.string().max(500), z.string().max(500)).default({}),
          dryRun: z.boolean().default(false),
        }),
      ),
    },
    responses: {
      200: ok(
        z.object({
          dryRun: z.boolean(),
          moved: z.array(
            z.object({
              recordId: z.string(),
              from: z.array(z.string()),
              to: z.array(z.string()),
            }),
          ),
          failed: z.array(
            z.object({
              recordId: z.string(),
              code: z.string(),
              message: LocalizedText,
              failures: z.array(GateFailure),
            }),
          ),
        }),
      ),
    },
    verb: migrateRecords,
    input: (c) => {
      const { sopId } = c.req.valid('param');
      const body = c.req.valid('json');
      return { sopId, ...body };
    },
  });
}
