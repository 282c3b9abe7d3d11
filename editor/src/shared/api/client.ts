/**
 * The one way the app talks to the server: `http`, an openapi-fetch client typed by
 * `openapi.d.ts` (generated from the server's /api/openapi.json by `bun run api:gen`), and
 * `ok()`, which turns a failed answer into an `ApiError` carrying the server's
 * application/problem+json (RFC 9457) so the UI can show its `title`.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { z } from 'zod/mini';
import { i18n } from '../i18n/index.ts';
import type { components, paths } from './openapi';

/** A schema of the server's OpenAPI document, by component name. */
export type Schemas = components['schemas'];

export const ProblemDetails = z.object({
  type: z.optional(z.string()),
  title: z.string(),
  status: z.optional(z.number()),
  detail: z.optional(z.string()),
  instance: z.optional(z.string()),
  errors: z.optional(z.array(z.unknown())),
});
export type ProblemDetails = z.infer<typeof ProblemDetails>;

/**
 * A failed request; `problem.title` is already in the caller's language. `problem` keeps
 * the RFC 9457 members; `body` is the whole answer, with the members a problem type adds
 * (a 409's current `record`, a failed gate's `failures`).
 */
export class ApiError extends Error {
  readonly problem: ProblemDetails;
  readonly status: number;
  readonly body: unknown;
  constructor(problem: ProblemDetails, status: number, body?: unknown) {
    super(problem.title);
    this.name = 'ApiError';
    this.problem = problem;
    this.status = status;
    this.body = body ?? problem;
  }
}

/** The RFC 9457 members of a failed answer's body, or a title made from its status. */
export function problemOf(res: Response, body: unknown): ProblemDetails {
  const parsed = ProblemDetails.safeParse(body);
  return parsed.success
    ? parsed.data
    : { title: res.statusText || i18n.t('app.error'), status: res.status };
}

const HAN = /[\u3400-\u9fff]/;

/**
 * Whether a problem's `detail` is in the reader's language. Titles come translated; details
 * are often the server's English words for developers, and "SOP 已存在: an SOP with id …
 * already exists" reads as two languages at once.
 */
export function detailFitsLocale(detail: string, lang: string): boolean {
  return lang === 'en' ? !HAN.test(detail) : HAN.test(detail);
}

/** The message to show for any error thrown by `ok()` or by code around it. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const d = error.problem.detail;
    const title = error.problem.title;
    return d && d !== title && detailFitsLocale(d, i18n.language) ? `${title}: ${d}` : title;
  }
  if (error instanceof TypeError) return i18n.t('app.networkError');
  if (error instanceof Error) return error.message;
  return i18n.t('app.error');
}

/** Every request says which language its problem titles should be in and passes the CSRF check. */
const headers: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept', 'application/json, application/problem+json');
    request.headers.set('accept-language', i18n.language);
    // the server requires it on cookie-authenticated writes (CSRF)
    request.headers.set('x-closeloop-csrf', '1');
    return request;
  },
};

/**
 * The typed client; paths are the OpenAPI document's (without the `/api` prefix).
 *
 * @example
 * const me = await ok(http.GET('/me', { signal }));
 */
export const http = createClient<paths>({
  baseUrl: '/api',
  credentials: 'same-origin',
  // looked up at call time, so a page that swaps `fetch` later is still seen
  fetch: (req) => globalThis.fetch(req),
});
http.use(headers);

type Answer = { data?: unknown; error?: unknown; response: Response };
/** The success arm's body of an openapi-fetch answer. */
type DataOf<A> = A extends { data: infer D; error?: never } ? D : never;

/**
 * The body of a successful answer; a failed one throws `ApiError` with the whole problem body.
 */
export async function ok<A extends Answer>(answer: Promise<A>): Promise<DataOf<A>> {
  const r = await answer;
  if (r.error !== undefined || !r.response.ok) {
    throw new ApiError(problemOf(r.response, r.error), r.response.status, r.error);
  }
  return r.data as DataOf<A>;
}

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/**
 * The JSON body a successful call answers with, by path and method.
 *
 * @example
 * type Teams = Answered<'/teams', 'get'>['items'];
 */
export type Answered<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: infer A }
    ? JsonOf<A>
    : R extends { 201: infer A }
      ? JsonOf<A>
      : never
  : never;
