import { z } from '@hono/zod-openapi';
import { createRouter, jsonBody, ok } from '../http/context.ts';
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
import { verbRoutes } from '../http/verb-route.ts';
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

const verbRoute = verbRoutes(['records']);
const Action = z.string().min(1).max(100);
const Reason = z.string().trim().min(1).max(LIMITS.reasonChars);

/** A record command's request: the record in the path, an optional Idempotency-Key, a body. */
function commandRequest<T extends z.ZodType>(body: T) {
  return { params: RecordIdParam, headers: IdempotencyHeader, ...jsonBody(body) };
}

const commandResponses = { 200: ok(CommandResult) };

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
  verbRoute(r, {
    method: 'post',
    path: '/records',
    operationId: 'createRecord',
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
    },
    verb: createRecord,
    input: (c) => {
      const body = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      return { ...body, ...(key ? { idempotencyKey: key } : {}) };
    },
  });

  verbRoute(r, {
    method: 'get',
    path: '/records',
    operationId: 'listRecords',
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
    },
    verb: listRecords,
    input: (c) => c.req.valid('query'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/records/{recordId}',
    operationId: 'getRecord',
    summary: "A record, its SOP's stages and the actions open now",
    request: { params: RecordIdParam },
    responses: { 200: ok(RecordPage) },
    verb: getRecord,
    input: (c) => c.req.valid('param'),
  });
}

/** The commands on one record: each goes through runCommand with its version and key. */
function registerRecordCommands(r: Router) {
  verbRoute(r, {
    method: 'post',
    path: '/records/{recordId}/actions',
    operationId: 'performAction',
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
    verb: performAction,
    input: (c) => commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json')),
  });

  verbRoute(r, {
    method: 'patch',
    path: '/records/{recordId}/fields',
    operationId: 'updateRecordFields',
    summary: 'Edit fields and tick checklist items',
    request: commandRequest(
      z.object({
        fields: Fields.optional(),
        checklist: Checklist.optional(),
        version: Version,
      }),
    ),
    responses: commandResponses,
    verb: updateRecordFields,
    input: (c) => commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json')),
  });

  verbRoute(r, {
    method: 'post',
    path: '/records/{recordId}/reassign',
    operationId: 'reassignRecord',
    summary: 'Give the record to another team member (manager, admin)',
    request: commandRequest(
      z.object({
        toUserId: z.string().min(1).max(200),
        version: Version,
        reason: z.string().max(LIMITS.reasonChars).optional(),
      }),
    ),
    responses: commandResponses,
    verb: reassignRecord,
    input: (c) => commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json')),
  });

  verbRoute(r, {
    method: 'post',
    path: '/records/{recordId}/close',
    operationId: 'closeRecord',
    summary: 'Close the record as lost, with a reason',
    request: commandRequest(z.object({ reason: Reason, version: Version })),
    responses: commandResponses,
    verb: closeRecord,
    input: (c) => commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json')),
  });

  verbRoute(r, {
    method: 'post',
    path: '/records/{recordId}/reopen',
    operationId: 'reopenRecord',
    summary: 'Reopen a record closed as lost (manager, admin)',
    request: commandRequest(
      z.object({ version: Version, reason: z.string().max(LIMITS.reasonChars).optional() }),
    ),
    responses: commandResponses,
    verb: reopenRecord,
    input: (c) => commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json')),
  });

  verbRoute(r, {
    method: 'post',
    path: '/records/{recordId}/override',
    operationId: 'overrideGate',
    summary: 'Admin only: take an action past a failed gate; needs a reason and is recorded',
    request: commandRequest(
      z.object({ action: Action, reason: Reason, fields: Fields.optional(), version: Version }),
    ),
    responses: commandResponses,
    verb: overrideGate,
    input: (c) => commandInput(c.req.valid('param'), c.req.valid('header'), c.req.valid('json')),
  });
}

/** A record's event history. */
function registerRecordHistory(r: Router) {
  verbRoute(r, {
    method: 'get',
    path: '/records/{recordId}/events',
    operationId: 'listRecordEvents',
    summary: "The record's history, oldest first",
    request: { params: RecordIdParam },
    responses: {
      200: ok(z.object({ items: z.array(StoredEngineEvent) })),
    },
    verb: listRecordEvents,
    input: (c) => c.req.valid('param'),
  });
}
