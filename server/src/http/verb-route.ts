/**
 * Most routes are a thin transport over one service verb: validate the request, hand the
 * verb the caller's context and an input made from the request, answer its result as JSON.
 * `verbRoutes` declares such a route in one place; routes that stream, redirect, answer
 * something other than JSON or call something other than a verb use `r.openapi` directly.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler, z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { Ctx } from '../services/core/context.ts';
import { type AppEnv, ctxOf, errorResponses, type ok } from './context.ts';

/** The one success response a verb route answers with: `{ 200: ok(Schema) }` and the like. */
type Success = Partial<Record<200 | 201 | 202, ReturnType<typeof ok>>>;

/** The JSON body the success response declares (what the verb must return). */
type Answer<S> = {
  [K in keyof S]: S[K] extends { content: { 'application/json': { schema: infer T } } }
    ? T extends z.ZodType
      ? z.output<T>
      : never
    : never;
}[keyof S];

type RequestParts = NonNullable<RouteConfig['request']>;

/** The route as zod-openapi sees it: the declared parts plus the standard error responses. */
type FullRoute<P extends string, Q extends RequestParts, S extends Success> = {
  method: RouteConfig['method'];
  path: P;
  request: Q;
  responses: S & Partial<typeof errorResponses>;
};

/** The request context the input is made from; `c.req.valid(...)` is typed by the route. */
export type VerbContext<P extends string, Q extends RequestParts, S extends Success> = Parameters<
  RouteHandler<FullRoute<P, Q, S>, AppEnv>
>[0];

export type VerbRoute<P extends string, Q extends RequestParts, S extends Success, I> = {
  method: RouteConfig['method'];
  path: P;
  operationId: string;
  /** The file's tags unless given (a route filed under another resource). */
  tags?: string[];
  summary: string;
  description?: string;
  security?: RouteConfig['security'];
  request?: Q;
  /** Exactly one success response; its status is the status answered. */
  responses: S;
  /** The error responses documented; all the standard ones unless given. */
  errors?: Partial<typeof errorResponses>;
  /** The service verb the route calls with the caller's context. */
  verb: (args: { ctx: Ctx; input: I }) => Promise<Answer<S>>;
  /** The verb's input, made from the validated request (a promise when reading a file). */
  input: (c: VerbContext<P, Q, S>) => I | Promise<I>;
};

/**
 * The registrar for one file's verb routes, filed under `tags`: it adds the standard error
 * responses to the route's document and answers the verb's result with the success status.
 * The route object keeps the key order of a hand-written createRoute call, so the OpenAPI
 * document does not depend on which way a route was declared.
 */
export function verbRoutes(tags: string[]) {
  return function verbRoute<
    P extends string,
    S extends Success,
    I,
    Q extends RequestParts = Record<never, never>,
  >(r: OpenAPIHono<AppEnv>, spec: VerbRoute<P, Q, S, I>): void {
    const { method, path, operationId, responses, errors, verb, input, ...rest } = spec;
    const status = successStatus(responses);
    const route = createRoute({
      method,
      path,
      operationId,
      tags,
      ...rest,
      responses: { ...responses, ...(errors ?? errorResponses) },
    });
    const handler = async (c: VerbContext<P, Q, S>) => {
      const ctx = ctxOf(c as never);
      return c.json(await verb({ ctx, input: await input(c) }), status);
    };
    r.openapi(route, handler as never);
  };
}

/**
 * The request's members without the undefined ones: zod leaves an absent optional member
 * undefined, and verb inputs (exactOptionalPropertyTypes) want it absent.
 */
export function defined<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** The status of a verb route's only success response. */
function successStatus(responses: Success): 200 | 201 | 202 {
  const codes = Object.keys(responses).map(Number);
  const [code] = codes;
  if (codes.length !== 1 || (code !== 200 && code !== 201 && code !== 202)) {
    throw new Error(`a verb route declares one success response, not ${codes.join(', ')}`);
  }
  return code;
}
