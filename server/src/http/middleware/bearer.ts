/**
 * API-token (bearer) authentication and the client address.
 *
 * A request with `Authorization: Bearer …` is decided by the token alone: a cookie sent with
 * it is ignored (never resolved), so a token cannot borrow a session's reach, nor a session a
 * token's. CSRF checks protect cookies and do not apply: a browser attaches an Authorization
 * header cross-origin only after a CORS preflight, which this server never grants.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { resolveToken, touchToken } from '../../services/auth/api-tokens.ts';
import { tokenMayCall } from '../../services/core/access.ts';
import type { AppEnv } from '../context.ts';
import { problem } from '../problem.ts';
import type { RateLimiter } from './rate-limit.ts';

/** The token of an `Authorization: Bearer` header; null when there is no bearer header. */
export function bearerOf(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer(?:\s+(.*))?$/i.exec(header.trim());
  return m ? (m[1] ?? '').trim() : null;
}

/**
 * Maps a request to the operationId of the route Hono will run for it, from the routes the
 * router registered with @hono/zod-openapi (built on first use, after every route exists).
 */
export function operationResolver(
  api: OpenAPIHono<AppEnv>,
  mountedAt: string,
): (c: Context<AppEnv>) => string | undefined {
  let byRoute: Map<string, string> | null = null;
  return (c) => {
    if (!byRoute) {
      byRoute = new Map();
      for (const d of api.openAPIRegistry.definitions) {
        if (d.type !== 'route' || !d.route.operationId) continue;
        const path = d.route.path.replace(/\{([^}]+)\}/g, ':$1');
        byRoute.set(`${d.route.method.toUpperCase()} ${mountedAt}${path}`, d.route.operationId);
      }
    }
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    // the first route (not middleware) matching this method is the one that answers
    const route = matchedRoutes(c).find((r) => r.method === method);
    return route ? byRoute.get(`${method} ${route.path}`) : undefined;
  };
}

/** Paths outside the OpenAPI operations that a token may still read. */
const TOKEN_OPEN_PATHS = new Set(['/api/openapi.json', '/api/docs']);

/**
 * Authenticates a bearer request: 401 `token-invalid` for a malformed, unknown, revoked or
 * expired token; 403 `token-scope` for an operation outside its scopes; 429 `rate-limited`
 * past the token's requests per minute. Otherwise sets the
 * caller (a token acting for its workspace), records its use (throttled) and returns null.
 */
export async function authenticateBearer(
  c: Context<AppEnv>,
  token: string,
  operationOf: (c: Context<AppEnv>) => string | undefined,
  limiter: RateLimiter,
): Promise<Response | null> {
  const deps = c.get('deps');
  const found = token ? await resolveToken(deps, token) : null;
  if (!found) {
    const res = problem(c, 'token-invalid', 'the API token is invalid, revoked or expired');
    res.headers.set('www-authenticate', 'Bearer error="invalid_token"');
    return res;
  }
  const operationId = operationOf(c);
  const open = !operationId && TOKEN_OPEN_PATHS.has(c.req.path);
  if (!open && !tokenMayCall(found.info.user.token?.scopes ?? [], operationId)) {
    return problem(
      c,
      'token-scope',
      `this API token's scopes do not include ${operationId ?? `${c.req.method} ${c.req.path}`}`,
    );
  }
  const wait = limiter.take(found.tokenId);
  if (wait > 0) {
    const res = problem(c, 'rate-limited', 'this API token made too many requests; slow down');
    res.headers.set('retry-after', String(wait));
    return res;
  }
  if (found.touch) {
    await touchToken(deps, found, {
      operationId,
      method: c.req.method,
      path: c.req.path,
      ip: c.get('ip'),
    });
  }
  c.set('session', found.info);
  c.set('user', found.info.user);
  return null;
}

export type BearerOptions = {
  /** The operationId of the route a request reaches (see operationResolver). */
  operationOf: (c: Context<AppEnv>) => string | undefined;
  /** Requests per minute per token (see rate-limit.ts). */
  limiter: RateLimiter;
};

/** Decides a request carrying `Authorization: Bearer …` by its token; others pass on. */
export function bearerAuth({ operationOf, limiter }: BearerOptions): MiddlewareHandler<AppEnv> {
  return async function authenticateToken(c, next) {
    const token = bearerOf(c.req.header('authorization'));
    if (token === null) return next();
    return (await authenticateBearer(c, token, operationOf, limiter)) ?? next();
  };
}
