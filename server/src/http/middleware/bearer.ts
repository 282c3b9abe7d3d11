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
import { getConnInfo } from 'hono/bun';
import { matchedRoutes } from 'hono/route';
import { resolveToken, touchToken } from '../../services/auth/api-tokens.ts';
import { tokenMayCall } from '../../services/core/access.ts';
import type { AppEnv } from '../context.ts';
import { problem } from '../problem.ts';

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
 * expired token; 403 `token-scope` for an operation outside its scopes. Otherwise sets the
 * caller (a token acting for its workspace), records its use (throttled) and returns null.
 */
export async function authenticateBearer(
  c: Context<AppEnv>,
  token: string,
  operationOf: (c: Context<AppEnv>) => string | undefined,
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
};

/** Decides a request carrying `Authorization: Bearer …` by its token; others pass on. */
export function bearerAuth({ operationOf }: BearerOptions): MiddlewareHandler<AppEnv> {
  return async function authenticateToken(c, next) {
    const token = bearerOf(c.req.header('authorization'));
    if (token === null) return next();
    return (await authenticateBearer(c, token, operationOf)) ?? next();
  };
}

/**
 * The client's address: with `trustProxy`, the last X-Forwarded-For entry (the one our proxy
 * appended; earlier entries are the client's word); else the socket's. Null when unknown
 * (e.g. app.fetch called without a Bun server).
 */
export function clientIp(c: Context<AppEnv>, trustProxy: boolean): string | null {
  if (trustProxy) {
    const last = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (last) return last.slice(0, 100);
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}
