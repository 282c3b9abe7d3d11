import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import type { Ctx, Deps } from '../services/core/context.ts';
import { createRouter, ok } from './context.ts';
import { defined, verbRoutes } from './verb-route.ts';

const verbRoute = verbRoutes(['test']);
const Echo = z.object({ id: z.string(), n: z.number().optional() });

/** A router whose callers are signed in as one user, as the session middleware would do. */
function signedInRouter() {
  const r = createRouter();
  r.use(async (c, next) => {
    c.set('deps', { clock: { now: () => 1_000 } } as unknown as Deps);
    c.set('ip', null);
    c.set('session', {
      user: { id: 'u1', workspaceId: 'w1' },
      clockOffsetMs: 5,
      calendar: {},
    } as never);
    await next();
  });
  return r;
}

describe('verbRoute', () => {
  it('hands the verb the caller context and the input, and answers with the success status', async () => {
    const r = signedInRouter();
    const seen: unknown[] = [];
    verbRoute(r, {
      method: 'post',
      path: '/things/{id}',
      operationId: 'makeThing',
      summary: 'Make a thing',
      request: {
        params: z.object({ id: z.string() }),
        body: { content: { 'application/json': { schema: z.object({ n: z.number() }) } } },
      },
      responses: { 201: ok(Echo, 'Created') },
      verb: async ({ ctx, input }: { ctx: Ctx; input: { id: string; n: number } }) => {
        seen.push({ user: ctx.user.id, now: ctx.now });
        return input;
      },
      input: (c) => ({ ...c.req.valid('param'), ...c.req.valid('json') }),
    });
    const res = await r.request('/things/a', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: 2 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: 'a', n: 2 });
    expect(seen).toEqual([{ user: 'u1', now: 1_005 }]);
  });

  it('documents the standard error responses unless the route names its own', () => {
    const r = createRouter();
    const verb = async () => ({ id: 'x' });
    verbRoute(r, {
      method: 'get',
      path: '/a',
      operationId: 'a',
      summary: 'A',
      responses: { 200: ok(Echo) },
      verb,
      input: () => ({}),
    });
    verbRoute(r, {
      method: 'get',
      path: '/b',
      operationId: 'b',
      tags: ['other'],
      summary: 'B',
      responses: { 200: ok(Echo) },
      errors: {},
      verb,
      input: () => ({}),
    });
    const doc = r.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
    expect(Object.keys(doc.paths?.['/a']?.get?.responses ?? {})).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '422',
    ]);
    expect(doc.paths?.['/a']?.get?.tags).toEqual(['test']);
    expect(Object.keys(doc.paths?.['/b']?.get?.responses ?? {})).toEqual(['200']);
    expect(doc.paths?.['/b']?.get?.tags).toEqual(['other']);
  });

  it('refuses a route with more than one success response', () => {
    expect(() =>
      verbRoute(createRouter(), {
        method: 'get',
        path: '/c',
        operationId: 'c',
        summary: 'C',
        responses: { 200: ok(Echo), 201: ok(Echo) },
        verb: async () => ({ id: 'x' }),
        input: () => ({}),
      }),
    ).toThrow(/one success response/);
  });
});

describe('defined', () => {
  it('leaves out the members that are undefined, and keeps null and false', () => {
    expect(defined({ a: 1, b: undefined, c: null, d: false })).toEqual({ a: 1, c: null, d: false });
    expect(Object.keys(defined({ a: undefined }))).toEqual([]);
  });
});
