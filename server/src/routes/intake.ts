import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ctxOf, errorResponses, jsonBody, ok } from '../http/context.ts';
import { Fields } from '../http/schemas.ts';
import { verbRoutes } from '../http/verb-route.ts';
import { PLATFORMS } from '../services/intake/adapters.ts';
import { intakeLead, intakePush } from '../services/intake/intake-lead.ts';

const tags = ['intake'];
const verbRoute = verbRoutes(tags);
const Result = z.object({
  outcome: z.enum(['created', 'duplicate']),
  recordId: z.string().nullable(),
  leadId: z.string().nullable(),
  matchedOn: z
    .string()
    .nullable()
    .openapi({ description: 'externalId, phone or email for a duplicate' }),
});

/** The intake API and ad-platform pushes (API tokens with the `intake` scope). */
export function intakeRoutes() {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/intake/leads',
      operationId: 'intakeLead',
      tags,
      summary:
        'Post one lead with its source and external id; the same (source, external id) again answers 200 with the lead already entered',
      request: {
        ...jsonBody(
          z.object({
            sopId: z.string().min(1).max(100),
            source: z.string().trim().min(1).max(200),
            externalId: z.string().trim().min(1).max(200).optional(),
            fields: Fields,
            raw: z.unknown().optional(),
            ownerId: z.string().min(1).max(200).optional(),
            duplicatePolicy: z.enum(['skip', 'create']).optional(),
          }),
        ),
      },
      responses: {
        201: ok(Result, 'Created'),
        200: ok(Result, 'Already entered'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const out = await intakeLead({ ctx: ctxOf(c), input: c.req.valid('json') });
      return c.json(out, out.outcome === 'created' ? 201 : 200);
    },
  );

  verbRoute(r, {
    method: 'post',
    path: '/intake/push/{platform}',
    operationId: 'intakePush',
    summary:
      'An ad platform push (oceanengine: 巨量引擎/飞鱼 clue; tencent: 腾讯广告 leads; generic: any JSON with a mapping) — one lead, an array or { data: [...] }; see docs/intake.md',
    request: {
      params: z.object({ platform: z.enum(PLATFORMS) }),
      query: z.object({
        sopId: z.string().min(1).max(100),
        source: z.string().trim().min(1).max(200).optional(),
        mapping: z.string().max(4000).optional().openapi({
          description: 'generic only: JSON { fieldKey | "$externalId": "dot.path" }',
        }),
      }),
      ...jsonBody(z.unknown()),
    },
    responses: { 200: ok(z.object({ results: z.array(Result) })) },
    verb: intakePush,
    input: (c) => {
      const { platform } = c.req.valid('param');
      const q = c.req.valid('query');
      const mapping = q.mapping ? parseMapping(q.mapping) : undefined;
      return {
        platform,
        sopId: q.sopId,
        body: c.req.valid('json'),
        ...(q.source ? { source: q.source } : {}),
        ...(mapping ? { mapping } : {}),
      };
    },
  });

  return r;
}

const MappingJson = z.record(z.string().max(64), z.string().max(200));

function parseMapping(raw: string): Record<string, string> | undefined {
  try {
    const parsed = MappingJson.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
