/**
 * API tokens and the audit log, under /api/admin; admin only.
 */
import { z } from '@hono/zod-openapi';
import { createRouter, jsonBody, ok } from '../http/context.ts';
import { verbRoutes } from '../http/verb-route.ts';
import { createApiToken } from '../services/auth/create-api-token.ts';
import { listApiTokens } from '../services/auth/list-api-tokens.ts';
import { listAuditLog } from '../services/auth/list-audit-log.ts';
import { revokeApiToken } from '../services/auth/revoke-api-token.ts';
import { TOKEN_SCOPES } from '../services/core/access.ts';

const verbRoute = verbRoutes(['admin']);
const EpochMs = z.number().int().min(0).max(8_640_000_000_000_000);

const ApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    createdBy: z.string(),
    createdByName: z.string().nullable(),
    createdAt: z.number(),
    expiresAt: z.number().nullable(),
    lastUsedAt: z.number().nullable(),
    revokedAt: z.number().nullable(),
    suspended: z.boolean().openapi({
      description:
        'Its creator is no longer an active admin: the token is refused (401) until they are again',
    }),
  })
  .openapi('ApiToken', { description: 'An API token without its secret; times in epoch ms.' });

const AuditEntry = z
  .object({
    id: z.string(),
    at: z.number(),
    actorType: z.enum(['user', 'token', 'system']),
    actorId: z.string().nullable(),
    actorName: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
  })
  .openapi('AuditEntry');

const queryMs = z.coerce.number().int().min(0).max(8_640_000_000_000_000);

export function tokensAuditRoutes() {
  const r = createRouter();

  verbRoute(r, {
    method: 'post',
    path: '/admin/tokens',
    operationId: 'createApiToken',
    summary:
      'Create an API token (admin). The secret is in this answer only; send it as `Authorization: Bearer <secret>`',
    description:
      'Scopes: `read` — record and SOP reads (listRecords, getRecord, listRecordEvents, findDuplicates, listSops, getSop, listSopVersions, getSopVersion); `write` — read plus createRecord, performAction, updateRecordFields, reassignRecord, closeRecord, reopenRecord; `intake` — createRecord, findDuplicates, intakeLead and intakePush. Anything else answers 403 `token-scope`.',
    request: jsonBody(
      z.object({
        name: z.string().trim().min(1).max(100),
        scopes: z
          .array(z.enum(TOKEN_SCOPES))
          .min(1)
          .max(TOKEN_SCOPES.length)
          .refine((s) => new Set(s).size === s.length, 'each scope once'),
        expiresAt: EpochMs.optional(),
      }),
    ),
    responses: {
      201: ok(z.object({ token: ApiToken, secret: z.string() }), 'Created'),
    },
    verb: createApiToken,
    input: (c) => {
      const body = c.req.valid('json');
      return {
        name: body.name,
        scopes: body.scopes,
        ...(body.expiresAt !== undefined ? { expiresAt: body.expiresAt } : {}),
      };
    },
  });

  verbRoute(r, {
    method: 'get',
    path: '/admin/tokens',
    operationId: 'listApiTokens',
    summary: "The workspace's API tokens, newest first, revoked ones included (admin)",
    responses: { 200: ok(z.object({ items: z.array(ApiToken) })) },
    verb: listApiTokens,
    input: () => ({}),
  });

  verbRoute(r, {
    method: 'post',
    path: '/admin/tokens/{tokenId}/revoke',
    operationId: 'revokeApiToken',
    summary: 'Revoke an API token (admin); revoking again answers the same revokedAt',
    request: { params: z.object({ tokenId: z.string().min(1).max(64) }) },
    responses: { 200: ok(ApiToken) },
    verb: revokeApiToken,
    input: (c) => c.req.valid('param'),
  });

  verbRoute(r, {
    method: 'get',
    path: '/admin/audit',
    operationId: 'listAuditLog',
    summary: 'The audit log, newest first, with keyset pagination (admin)',
    request: {
      query: z.object({
        action: z
          .string()
          .min(1)
          .max(100)
          .optional()
          .openapi({ description: 'An exact action, or a prefix ending in `.` (`auth.`)' }),
        actorId: z.string().min(1).max(200).optional(),
        from: queryMs.optional().openapi({ description: 'Epoch ms, inclusive' }),
        to: queryMs.optional().openapi({ description: 'Epoch ms, exclusive' }),
        cursor: z.string().max(500).optional(),
        limit: z.coerce.number().int().min(1).max(200).optional(),
      }),
    },
    responses: {
      200: ok(z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() })),
    },
    verb: listAuditLog,
    input: (c) => {
      const q = c.req.valid('query');
      return q;
    },
  });

  return r;
}
