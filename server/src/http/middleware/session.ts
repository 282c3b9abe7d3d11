/**
 * Cookie sessions: resolves the session cookie to the caller and answers 401
 * `unauthenticated` for any path outside `publicPaths` without one, before any validation,
 * so that nobody learns more than "sign in first". A request with an API token was decided
 * by the bearer middleware and passes untouched (its cookie is never resolved).
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { SessionInfo } from '../../services/auth/sessions.ts';
import type { AppEnv } from '../context.ts';
import { problem } from '../problem.ts';
import { bearerOf } from './bearer.ts';

export type SessionOptions = {
  cookie: string;
  /** The session behind a cookie value, or null (unknown, expired, signed out). */
  resolve: (sid: string) => Promise<SessionInfo | null>;
  /** Paths answered without a session (health, login, the API document). */
  publicPaths: ReadonlySet<string>;
};

export function session({
  cookie,
  resolve,
  publicPaths,
}: SessionOptions): MiddlewareHandler<AppEnv> {
  return async function resolveSession(c, next) {
    if (bearerOf(c.req.header('authorization')) !== null) return next();
    const sid = getCookie(c, cookie);
    if (sid) {
      const found = await resolve(sid);
      c.set('session', found);
      c.set('user', found?.user);
    }
    if (!c.get('session') && !publicPaths.has(c.req.path)) {
      return problem(c, 'unauthenticated', 'sign in first');
    }
    return next();
  };
}
