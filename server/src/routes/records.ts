import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ctxOf, errorResponses, jsonBody, ok } from '../http/context.ts';
import {
  boolQuery,
  Checklist,
  CommandResult,
  Fields,
  IdempotencyHeader,
  LIMITS,
  RecordIdParam,
  RecordPage,
  Record as RecordSchema,
  StoredEngineEvent,
  Version,
} from '../http/schemas.ts';
import { ENTRY_CHANNELS } from '../services/customers/resolve-customer.ts';
import { closeRecord } from '../services/records/close-record.ts';
import { createRecord } from '../services/records/create-record.ts';
import { getRecord } from '../services/records/get-record.ts';
import { listRecordEvents } from '../services/records/list-record-events.ts';
import { listRecords } from '../services/records/list-records.ts';
import { overrideGate } from '../services/records/override-gate.ts';
import { performAction } from '../services/records/perform-action.ts';
import { reassignRecord } from '../services/records/reassign-record.ts';
import { reopenRecord } from '../services/records/reopen-record.ts';
import { updateRecordFields } from '../services/records/update-record-fields.ts';
import type { Router } from './router.ts';

const tags = ['records'];
const Action = z.string().min(1).max(100);
const Reason = z.string().trim().min(1).max(LIMITS.reasonChars);

/** A record command's request: the record in the path, an optional Idempotency-Key, a body. */
function commandRequest<T extends z.ZodType>(body: T) {
  return { params: RecordIdParam, headers: IdempotencyHeader, ...jsonBody(body) };
}

const commandResponses = { 200: ok(CommandResult), ...errorResponses };

/** A record command verb's input: the record id, the body and the Idempotency-Key if given. */
function commandInput<T extends object>(
  { recordId }: { recordId: string },
  headers: { 'idempotency-key'?: string | undefined },
  body: T,
) {
  const key = headers['idempotency-key'];
  return { recordId, ...body, ...(key ? { idempotencyKey: key } : {}) };
}

export function recordRoutes() {
  const r = createRouter();
  registerRecordReads(r);
  registerRecordCommands(r);
  registerRecordHistory(r);
  return r;
}

/** Creating, listing and reading records. */
function registerRecordReads(r: Router) {
  r.openapi(
    createRoute({
      method: 'post',
      path: '/records',
      operationId: 'createRecord',
      tags,
      summary: "Start a record on the SOP's published version",
      request: {
        headers: IdempotencyHeader,
        ...jsonBody(
          z.object({
            sopId: z.string().min(1).max(100),
            fields: Fields.default({}),
            ownerId: z.string().min(1).max(200).optional(),
            teamId: z.string().min(1).max(64).optional(),
            channel: z.enum(ENTRY_CHANNELS).optional().openapi({
              description:
                'Entry channel whose duplicate policy applies (default manual, api for tokens)',
            }),
          }),
        ),
      },
      responses: {
        201: ok(
          CommandResult.extend({
            customer: z
              .object({ id: z.string(), created: z.boolean(), flagged: z.boolean() })
              .optional(),
          }),
          'Created',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      const out = await createRecord({
        ctx: ctxOf(c),
        input: { ...body, ...(key ? { idempotencyKey: key } : {}) },
      });
      return c.json(out, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/records',
      operationId: 'listRecords',
      tags,
      summary: 'Records the caller may see, newest first, with filters and cursor pagination',
      request: {
        query: z.object({
          sopId: z.string().max(100).optional(),
          stage: z.string().max(500).optional(),
          ownerId: z.string().max(200).optional(),
          teamId: z.string().max(64).optional(),
          status: z
            .enum(['open', 'won', 'lost', 'done', 'closed'])
            .optional()
            .describe('`closed`: every record no longer open (won, lost or done)'),
          overdue: boolQuery.optional(),
          q: z.string().max(200).optional(),
          cursor: z.string().max(500).optional(),
          limit: z.coerce.number().int().min(1).max(200).optional(),
        }),
      },
      responses: {
        200: ok(z.object({ items: z.array(RecordSchema), nextCursor: z.string().nullable() })),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await listRecords({ ctx: ctxOf(c), input: c.req.valid('query') }), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/records/{recordId}',
      operationId: 'getRecord',
      tags,
      summary: "A record, its SOP's stages and the actions open now",
      request: { params: RecordIdParam },
      responses: { 200: ok(RecordPage), ...errorResponses },
    }),
    async (c) => c.json(await getRecord({ ctx: ctxOf(c), input: c.req.valid('param') }), 200),
  );
}

/** The commands on one record: each goes through runCommand with its version and key. */
function registerRecordCommands(r: Router) {
  r.openapi(
    createRoute({
      method: 'post',
      path: '/records/{recordId}/actions',
      operationId: 'performAction',
      tags,
      summary: 'Take an action (gates checked; stale version → 409; failed gate → 422)',
      request: commandRequest(
        z.object({
          action: Action,
          fields: Fields.optional(),
          checklist: Checklist.optional(),
          version: Version,
        }),
      ),
      responses: commandResponses,
    }),
    async (c) => {
      const input = commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json'));
      return c.json(await performAction({ ctx: ctxOf(c), input }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'patch',
      path: '/records/{recordId}/fields',
      operationId: 'updateRecordFields',
      tags,
      summary: 'Edit fields and tick checklist items',
      request: commandRequest(
        z.object({
          fields: Fields.optional(),
          checklist: Checklist.optional(),
          version: Version,
        }),
      ),
      responses: commandResponses,
    }),
    async (c) => {
      const input = commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json'));
      return c.json(await updateRecordFields({ ctx: ctxOf(c), input }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/records/{recordId}/reassign',
      operationId: 'reassignRecord',
      tags,
      summary: 'Give the record to another team member (manager, admin)',
      request: commandRequest(
        z.object({
          toUserId: z.string().min(1).max(200),
          version: Version,
          reason: z.string().max(LIMITS.reasonChars).optional(),
        }),
      ),
      responses: commandResponses,
    }),
    async (c) => {
      const input = commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json'));
      return c.json(await reassignRecord({ ctx: ctxOf(c), input }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/records/{recordId}/close',
      operationId: 'closeRecord',
      tags,
      summary: 'Close the record as lost, with a reason',
      request: commandRequest(z.object({ reason: Reason, version: Version })),
      responses: commandResponses,
    }),
    async (c) => {
      const input = commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json'));
      return c.json(await closeRecord({ ctx: ctxOf(c), input }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/records/{recordId}/reopen',
      operationId: 'reopenRecord',
      tags,
      summary: 'Reopen a record closed as lost (manager, admin)',
      request: commandRequest(
        z.object({ version: Version, reason: z.string().max(LIMITS.reasonChars).optional() }),
      ),
      responses: commandResponses,
    }),
    async (c) => {
      const input = commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json'));
      return c.json(await reopenRecord({ ctx: ctxOf(c), input }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/records/{recordId}/override',
      operationId: 'overrideGate',
      tags,
      summary: 'Admin only: take an action past a failed gate; needs a reason and is recorded',
      request: commandRequest(
        z.object({ action: Action, reason: Reason, fields: Fields.optional(), version: Version }),
      ),
      responses: commandResponses,
    }),
    async (c) => {
      const input = commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json'));
      return c.json(await overrideGate({ ctx: ctxOf(c), input }), 200);
    },
  );
}

/** A record's event history. */
function registerRecordHistory(r: Router) {
  r.openapi(
    createRoute({
      method: 'get',
      path: '/records/{recordId}/events',
      operationId: 'listRecordEvents',
      tags,
      summary: "The record's history, oldest first",
      request: { params: RecordIdParam },
      responses: {
        200: ok(z.object({ items: z.array(StoredEngineEvent) })),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(await listRecordEvents({ ctx: ctxOf(c), input: c.req.valid('param') }), 200),
  );
}
