import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ctxOf, errorResponses, jsonBody, ok } from '../http/context.ts';
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

const tags = ['sops'];

export function sopRoutes() {
  const r = createRouter();
  registerSopDrafts(r);
  registerSopVersions(r);
  return r;
}

/** SOPs and their drafts: list, create, read, save, validate. */
function registerSopDrafts(r: Router) {
  r.openapi(
    createRoute({
      method: 'get',
      path: '/sops',
      operationId: 'listSops',
      tags,
      summary: 'SOPs of the workspace with their published version and record counts',
      responses: { 200: ok(z.object({ items: z.array(SopSummary) })), 401: errorResponses[401] },
    }),
    async (c) => c.json(await listSops({ ctx: ctxOf(c), input: {} }), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/sops',
      operationId: 'createSop',
      tags,
      summary: 'Create an SOP from a document (its first draft)',
      request: jsonBody(z.object({ doc: SopDocumentBody })),
      responses: { 201: ok(SopDetail, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const { doc } = c.req.valid('json');
      return c.json(await createSop({ ctx: ctxOf(c), input: { doc } }), 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/sops/{sopId}',
      operationId: 'getSop',
      tags,
      summary: 'An SOP with its draft',
      request: { params: SopIdParam },
      responses: { 200: ok(SopDetail), ...errorResponses },
    }),
    async (c) => c.json(await getSop({ ctx: ctxOf(c), input: c.req.valid('param') }), 200),
  );

  r.openapi(
    createRoute({
      method: 'put',
      path: '/sops/{sopId}/draft',
      operationId: 'updateSopDraft',
      tags,
      summary: 'Replace the draft',
      request: { params: SopIdParam, ...jsonBody(z.object({ doc: SopDocumentBody })) },
      responses: { 200: ok(SopDetail), ...errorResponses },
    }),
    async (c) => {
      const { sopId } = c.req.valid('param');
      const { doc } = c.req.valid('json');
      return c.json(await updateSopDraft({ ctx: ctxOf(c), input: { sopId, doc } }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/sops/{sopId}/validate',
      operationId: 'validateSop',
      tags,
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
        ...errorResponses,
      },
    }),
    async (c) => {
      const { sopId } = c.req.valid('param');
      const body = c.req.valid('json');
      return c.json(await validateSop({ ctx: ctxOf(c), input: { sopId, doc: body?.doc } }), 200);
    },
  );
}

/** Publishing, the published versions and migrating records between them. */
function registerSopVersions(r: Router) {
  r.openapi(
    createRoute({
      method: 'post',
      path: '/sops/{sopId}/publish',
      operationId: 'publishSop',
      tags,
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
        ...errorResponses,
      },
    }),
    async (c) => {
      const { sopId } = c.req.valid('param');
      const { note } = c.req.valid('json');
      return c.json(await publishSop({ ctx: ctxOf(c), input: { sopId, note } }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/sops/{sopId}/versions',
      operationId: 'listSopVersions',
      tags,
      summary: 'Published versions, newest first',
      request: { params: SopIdParam },
      responses: { 200: ok(z.object({ items: z.array(SopVersionSummary) })), ...errorResponses },
    }),
    async (c) => c.json(await listSopVersions({ ctx: ctxOf(c), input: c.req.valid('param') }), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/sops/{sopId}/versions/{version}',
      operationId: 'getSopVersion',
      tags,
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
      responses: { 200: ok(SopVersionDetail), ...errorResponses },
    }),
    async (c) => c.json(await getSopVersion({ ctx: ctxOf(c), input: c.req.valid('param') }), 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/sops/{sopId}/migrate',
      operationId: 'migrateRecords',
      tags,
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
        ...errorResponses,
      },
    }),
    async (c) => {
      const { sopId } = c.req.valid('param');
      const body = c.req.valid('json');
      return c.json(await migrateRecords({ ctx: ctxOf(c), input: { sopId, ...body } }), 200);
    },
  );
}
