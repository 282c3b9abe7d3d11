/**
 * The intake page's server side beyond imports and forms: the review queue of held form
 * submissions, the workspace's intake settings, and the funnel by source.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ctxOf, errorResponses, jsonBody, ok } from '../http/context.ts';
import { Day, LocalizedText } from '../http/schemas.ts';
import {
  approveSubmission,
  discardSubmission,
  listHeldSubmissions,
} from '../services/intake/forms/review.ts';
import { getIntakeSettings, updateIntakeSettings } from '../services/intake/settings.ts';
import { getSourceFunnel, type ReportFilters } from '../services/reports/index.ts';

const tags = ['intake'];
const SubmissionParam = z.object({ submissionId: z.string().min(1).max(100) });
const Review = z
  .object({
    id: z.string(),
    status: z.enum(['accepted', 'duplicate', 'rejected']),
    recordId: z.string().nullable(),
  })
  .openapi('SubmissionReview');
const Held = z
  .object({
    id: z.string(),
    formId: z.string(),
    formTitle: LocalizedText.nullable(),
    source: z.string().nullable(),
    fields: z.array(z.object({ field: z.string(), label: LocalizedText, required: z.boolean() })),
    reason: z.string().nullable().openapi({
      description: 'honeypot, too-fast, ip-rate or form-rate',
    }),
    values: z.record(z.string(), z.string()),
    meta: z.record(z.string(), z.unknown()),
    fillMs: z.number().nullable(),
    createdAt: z.number(),
  })
  .openapi('HeldSubmission');
const Settings = z.object({ repsMayImport: z.boolean() }).openapi('IntakeSettings');
const SourceFilters = z.object({
  sopId: z.string().min(1).max(100).optional(),
  teamId: z.string().min(1).max(64).optional(),
  ownerId: z.string().min(1).max(200).optional(),
  from: Day.optional().openapi({ description: 'First day of the period (local)' }),
  to: Day.optional().openapi({ description: 'Last day of the period, inclusive (local)' }),
  source: z.string().max(200).optional().openapi({ description: 'One intake source only' }),
});
const SourceFunnel = z
  .object({
    sopId: z.string().nullable(),
    period: z.object({
      from: z.string(),
      to: z.string(),
      fromMs: z.number(),
      toMs: z.number(),
    }),
    leads: z.number(),
    sources: z.array(
      z.object({
        channel: z.string().openapi({ description: 'manual, api, import, form or push' }),
        source: z.string(),
        leads: z.number(),
        customersCreated: z.number(),
        customersAttached: z.number(),
        reachedNext: z.number(),
        won: z.number(),
        lost: z.number(),
        reachRate: z.number().nullable(),
        winRate: z.number().nullable(),
      }),
    ),
  })
  .openapi('SourceFunnel');

export function intakeReviewRoutes() {
  const r = createRouter();
  r.openapi(
    createRoute({
      method: 'get',
      path: '/form-submissions',
      operationId: 'listHeldSubmissions',
      tags,
      summary: 'Form submissions held for review (honeypot, too fast, rate limits), newest first',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }) },
      responses: { 200: ok(z.object({ items: z.array(Held) })), ...errorResponses },
    }),
    async (c) =>
      c.json(await listHeldSubmissions({ ctx: ctxOf(c), input: c.req.valid('query') }), 200),
  );
  r.openapi(
    createRoute({
      method: 'post',
      path: '/form-submissions/{submissionId}/approve',
      operationId: 'approveSubmission',
      tags,
      summary:
        'Enter a held submission as the form would have (source, owner, duplicate policy); once — a second review answers 409 submission-reviewed',
      request: { params: SubmissionParam },
      responses: { 200: ok(Review), ...errorResponses },
    }),
    async (c) =>
      c.json(await approveSubmission({ ctx: ctxOf(c), input: c.req.valid('param') }), 200),
  );
  r.openapi(
    createRoute({
      method: 'post',
      path: '/form-submissions/{submissionId}/discard',
      operationId: 'discardSubmission',
      tags,
      summary: 'Discard a held submission (no record; kept for the rate limits)',
      request: { params: SubmissionParam },
      responses: { 200: ok(Review), ...errorResponses },
    }),
    async (c) =>
      c.json(await discardSubmission({ ctx: ctxOf(c), input: c.req.valid('param') }), 200),
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/intake/settings',
      operationId: 'getIntakeSettings',
      tags,
      summary: 'Intake settings of the workspace (whether reps may import into their own name)',
      responses: { 200: ok(Settings), ...errorResponses },
    }),
    async (c) => c.json(await getIntakeSettings({ ctx: ctxOf(c), input: {} }), 200),
  );
  r.openapi(
    createRoute({
      method: 'patch',
      path: '/intake/settings',
      operationId: 'updateIntakeSettings',
      tags,
      summary: 'Change the intake settings (admins)',
      request: jsonBody(Settings.partial()),
      responses: { 200: ok(Settings), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const input = body.repsMayImport === undefined ? {} : { repsMayImport: body.repsMayImport };
      return c.json(await updateIntakeSettings({ ctx: ctxOf(c), input }), 200);
    },
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/reports/sources',
      operationId: 'getSourceFunnel',
      tags: ['reports'],
      summary:
        'Funnel by source: leads, customers created vs attached, reached the next stage, won — per channel and source',
      description:
        'The period selects the records created in it (a cohort); figures describe what happened to them up to now.',
      request: { query: SourceFilters },
      responses: { 200: ok(SourceFunnel), ...errorResponses },
    }),
    async (c) => {
      const input: ReportFilters = {};
      for (const [k, v] of Object.entries(c.req.valid('query'))) {
        if (v !== undefined) Object.assign(input, { [k]: v });
      }
      return c.json(await getSourceFunnel({ ctx: ctxOf(c), input }), 200);
    },
  );
  return r;
}
