/**
 * The intake page's server side beyond imports and forms: the review queue of held form
 * submissions, the workspace's intake settings, and the funnel by source.
 */
import { z } from '@hono/zod-openapi';
import { createRouter, jsonBody, ok } from '../http/context.ts';
import { Day, LocalizedText } from '../http/schemas.ts';
import { defined, verbRoutes } from '../http/verb-route.ts';
import {
  approveSubmission,
  discardSubmission,
  listHeldSubmissions,
} from '../services/intake/forms/review.ts';
import { getIntakeSettings, updateIntakeSettings } from '../services/intake/settings.ts';
import { getSourceFunnel } from '../services/reports/index.ts';

const verbRoute = verbRoutes(['intake']);
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
  verbRoute(r, {
    method: 'get',
    path: '/form-submissions',
    operationId: 'listHeldSubmissions',
    summary: 'Form submissions held for review (honeypot, too fast, rate limits), newest first',
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }) },
    responses: { 200: ok(z.object({ items: z.array(Held) })) },
    verb: listHeldSubmissions,
    input: (c) => c.req.valid('query'),
  });
  verbRoute(r, {
    method: 'post',
    path: '/form-submissions/{submissionId}/approve',
    operationId: 'approveSubmission',
    summary:
      'Enter a held submission as the form would have (source, owner, duplicate policy); once — a second review answers 409 submission-reviewed',
    request: { params: SubmissionParam },
    responses: { 200: ok(Review) },
    verb: approveSubmission,
    input: (c) => c.req.valid('param'),
  });
  verbRoute(r, {
    method: 'post',
    path: '/form-submissions/{submissionId}/discard',
    operationId: 'discardSubmission',
    summary: 'Discard a held submission (no record; kept for the rate limits)',
    request: { params: SubmissionParam },
    responses: { 200: ok(Review) },
    verb: discardSubmission,
    input: (c) => c.req.valid('param'),
  });
  verbRoute(r, {
    method: 'get',
    path: '/intake/settings',
    operationId: 'getIntakeSettings',
    summary: 'Intake settings of the workspace (whether reps may import into their own name)',
    responses: { 200: ok(Settings) },
    verb: getIntakeSettings,
    input: () => ({}),
  });
  verbRoute(r, {
    method: 'patch',
    path: '/intake/settings',
    operationId: 'updateIntakeSettings',
    summary: 'Change the intake settings (admins)',
    request: jsonBody(Settings.partial()),
    responses: { 200: ok(Settings) },
    verb: updateIntakeSettings,
    input: (c) => defined(c.req.valid('json')),
  });
  verbRoute(r, {
    method: 'get',
    path: '/reports/sources',
    operationId: 'getSourceFunnel',
    tags: ['reports'],
    summary:
      'Funnel by source: leads, customers created vs attached, reached the next stage, won — per channel and source',
    description:
      'The period selects the records created in it (a cohort); figures describe what happened to them up to now.',
    request: { query: SourceFilters },
    responses: { 200: ok(SourceFunnel) },
    verb: getSourceFunnel,
    input: (c) => defined(c.req.valid('query')),
  });
  return r;
}
