import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { SessionInfo } from '../services/auth/sessions.ts';
import type { Ctx, Deps } from '../services/core/context.ts';
import { Unauthenticated } from '../services/core/errors.ts';
import { problem } from './problem.ts';
import { UNSAFE_TEXT_MESSAGE, unsafeTextPaths } from './safe-text.ts';
import { Problem } from './schemas.ts';

export type AppEnv = {
  Variables: {
    requestId: string;
    session: SessionInfo | null;
    user: SessionInfo['user'] | undefined;
    deps: Deps;
    /** The client's address (middleware/proxy.ts), for the audit log and sign-in throttling. */
    ip: string | null;
    /** The client's connection is TLS (directly or at a trusted proxy): cookies are Secure. */
    https: boolean;
  };
};

/** The service context for a signed-in caller; 401 otherwise. */
export function ctxOf(c: Context<AppEnv>): Ctx {
  const session = c.get('session');
  if (!session) throw new Unauthenticated();
  const deps = c.get('deps');
  return {
    ...deps,
    user: session.user,
    now: deps.clock.now() + session.clockOffsetMs,
    calendar: session.calendar,
    clockOffsetMs: session.clockOffsetMs,
    ip: c.get('ip') ?? null,
  };
}

/**
 * Every router shares the validation hook: zod failures become problem+json 422, and so
 * does valid input holding text the database cannot store (safe-text.ts), in any target.
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) {
        const bad = unsafeTextPaths(result.data);
        if (!bad.length) return;
        return problem(c, 'invalid-text', `unsafe text in the ${result.target}`, {
          errors: bad.map((p) => ({
            path: [result.target, ...p.map(String)].join('.'),
            code: 'unsafe-text',
            message: UNSAFE_TEXT_MESSAGE,
          })),
        });
      }
      const issues: z.core.$ZodIssue[] = result.error.issues;
      return problem(c, 'validation', `${issues.length} problem(s) in the ${result.target}`, {
        errors: issues.map((i) => ({
          path: [result.target, ...i.path.map(String)].join('.'),
          code: i.code,
          message: i.message,
        })),
      });
    },
  });
}

const problemContent = { 'application/problem+json': { schema: Problem } };

/** Standard error responses for the OpenAPI document. */
export const errorResponses = {
  400: { description: 'Malformed request', content: problemContent },
  401: { description: 'Not signed in', content: problemContent },
  403: { description: 'Not allowed', content: problemContent },
  404: { description: 'Not found', content: problemContent },
  409: { description: 'Conflict (stale version, state)', content: problemContent },
  413: { description: 'Body too large', content: problemContent },
  422: { description: 'Invalid input or failed gate', content: problemContent },
} as const;

export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return {
    body: {
      content: { 'application/json': { schema } },
      required: true,
      ...(description ? { description } : {}),
    },
  };
}

export function ok<T extends z.ZodType>(schema: T, description = 'OK') {
  return { description, content: { 'application/json': { schema } } };
}
