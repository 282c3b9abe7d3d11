/**
 * Routes the rep workspace needs beyond records: the duplicate check behind quick capture
 * (撞单) and the workspace's clock and calendar, so time left is shown as the server counts it.
 */
import { z } from '@hono/zod-openapi';
import { createRouter, errorResponses, ok } from '../http/context.ts';
import { LocalizedText } from '../http/schemas.ts';
import { verbRoutes } from '../http/verb-route.ts';
import { getWorkspaceTime } from '../services/core/get-workspace-time.ts';
import { findDuplicates } from '../services/records/find-duplicates.ts';

const verbRoute = verbRoutes(['work']);

const DuplicateKey = z.enum(['phone', 'email', 'company']);

export const DuplicateMatch = z
  .object({
    matchedOn: z.array(DuplicateKey),
    visible: z.boolean(),
    ownerName: z.string().nullable(),
    record: z
      .object({
        id: z.string(),
        sopId: z.string(),
        sopName: LocalizedText,
        status: z.string(),
        stages: z.array(LocalizedText),
        ownerId: z.string().nullable(),
        name: z.string().nullable(),
        company: z.string().nullable(),
        createdAt: z.number().nullable(),
      })
      .optional()
      .openapi({ description: 'Only when the caller may see the record.' }),
  })
  .openapi('DuplicateMatch');

export const CustomerDuplicate = z
  .object({
    matchedOn: z.array(z.enum(['uscc', 'phone', 'email', 'company', 'pinyin', 'similar'])),
    hard: z.boolean().openapi({ description: '统一社会信用代码, phone or e-mail matched' }),
    visible: z.boolean(),
    ownerName: z.string().nullable(),
    poolState: z.enum(['owned', 'pool']),
    customer: z
      .object({
        id: z.string(),
        name: z.string(),
        kind: z.enum(['company', 'person']),
        ownerId: z.string().nullable(),
      })
      .optional()
      .openapi({ description: 'Only when the caller may see the customer.' }),
  })
  .openapi('CustomerDuplicate');

const Calendar = z
  .object({
    utcOffsetMinutes: z.number(),
    workStart: z.string(),
    workEnd: z.string(),
    weekend: z.array(z.number()),
    holidays: z.array(z.string()),
    workdays: z.array(z.string()),
  })
  .openapi('Calendar');

export function repRoutes() {
  const r = createRouter();

  verbRoute(r, {
    method: 'get',
    path: '/duplicates',
    operationId: 'findDuplicates',
    summary:
      'Records and customers across the workspace sharing a normalised phone, email, company or credit code; hidden ones name only their owner',
    request: {
      query: z.object({
        phone: z.string().max(50).optional(),
        email: z.string().max(320).optional(),
        company: z.string().max(200).optional(),
        uscc: z.string().max(30).optional(),
        excludeRecordId: z.string().max(200).optional(),
      }),
    },
    responses: {
      200: ok(
        z.object({
          normalized: z.object({
            phone: z.string().nullable(),
            email: z.string().nullable(),
            company: z.string().nullable(),
          }),
          matches: z.array(DuplicateMatch),
          customers: z.array(CustomerDuplicate),
        }),
      ),
    },
    verb: findDuplicates,
    input: (c) => c.req.valid('query'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/workspace-time',
    operationId: 'getWorkspaceTime',
    summary: "The workspace's current time (test clock applied) and working-time calendar",
    responses: {
      200: ok(z.object({ now: z.number(), calendar: Calendar, testClock: z.boolean() })),
    },
    errors: { 401: errorResponses[401] },
    verb: getWorkspaceTime,
    input: () => ({}),
  });

  return r;
}
