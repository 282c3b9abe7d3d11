/**
 * CSRF protection for cookie-authenticated writes. A write (POST, PUT, PATCH, DELETE) is
 * refused with 403 `csrf-rejected` when the browser says it is cross-site, when its Origin
 * names another host, or when it carries the session cookie without our custom header and
 * is not a JSON request: browsers send either cross-origin only after a CORS preflight,
 * which this server never grants, while forms and no-cors fetches can send neither (Hono's
 * csrf middleware checks form types only). Requests with an API token skip the check (see
 * bearer.ts): the token, not a cookie, decides them.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../context.ts';
import { problem } from '../problem.ts';
import { bearerOf } from './bearer.ts';

/** Sent by our own clients on every write (editor/src/shared/api/client.ts). */
export const CSRF_HEADER = 'x-closeloop-csrf';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type CsrfOptions = { sessionCookie: string };

/** Our header, or a JSON body: neither can be sent cross-origin without a preflight. */
function csrfSafe(headers: Headers): boolean {
  if (headers.get(CSRF_HEADER) === '1') return true;
  const type = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}

/** The Origin header's host; '' for a malformed one, null when absent or opaque. */
function originHost(origin: string | undefined): string | null {
  if (!origin || origin === 'null') return null;
  try {
    return new URL(origin).host;
  } catch {
    return '';
  }
}

export function csrf({ sessionCookie }: CsrfOptions): MiddlewareHandler<AppEnv> {
  return async function rejectCrossSite(c, next) {
    if (!UNSAFE.has(c.req.method) || bearerOf(c.req.header('authorization')) !== null) {
      return next();
    }
    if (c.req.header('sec-fetch-site') === 'cross-site') {
      return problem(c, 'csrf-rejected', 'cross-site request');
    }
    const host = originHost(c.req.header('origin'));
    if (host === '') return problem(c, 'csrf-rejected', 'bad Origin header');
    if (host !== null && host !== c.req.header('host')) {
      return problem(c, 'csrf-rejected', 'foreign origin');
    }
    if (getCookie(c, sessionCookie) && !csrfSafe(c.req.raw.headers)) {
      return problem(
        c,
        'csrf-rejected',
        `cookie-authenticated writes need the ${CSRF_HEADER} header`,
      );
    }
    return next();
  };
}
