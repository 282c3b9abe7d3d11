import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { newTokenSecret, parseToken } from '../../services/auth/api-tokens.ts';
import type { AppEnv } from '../context.ts';
import { bearerAuth, bearerOf } from './bearer.ts';
import { createRateLimiter } from './rate-limit.ts';

describe('bearer header', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['Basic dXNlcjpwYXNz', null],
    ['Bearer clk_a_b_c', 'clk_a_b_c'],
    ['bearer   clk_a_b_c  ', 'clk_a_b_c'],
    ['Bearer', ''],
    ['Bearer ', ''],
  ])('%s → %s', (header, token) => {
    expect(bearerOf(header)).toBe(token);
  });
});

describe('token format', () => {
  it('round-trips, also for workspace ids holding underscores', () => {
    for (const ws of ['demo', 'a_b_c', crypto.randomUUID()]) {
      const t = newTokenSecret(ws);
      expect(parseToken(t.token)).toEqual({ workspaceId: ws, id: t.id, secret: t.secret });
    }
  });

  it.each([
    'clk_',
    'clk_ws',
    `clk__0123456789abcdef_${'a'.repeat(64)}`,
    `clk_ws_0123456789abcdef_${'a'.repeat(63)}`,
    `clk_ws_0123456789ABCDEF_${'a'.repeat(64)}`,
    `xyz_ws_0123456789abcdef_${'a'.repeat(64)}`,
    `clk_${'w'.repeat(400)}_0123456789abcdef_${'a'.repeat(64)}`,
  ])('refuses %s', (token) => {
    expect(parseToken(token)).toBeNull();
  });
});

describe('bearer middleware', () => {
  const app = new Hono<AppEnv>()
    .use(
      '*',
      bearerAuth({
        operationOf: () => 'getRecord',
        limiter: createRateLimiter({ limit: 10, windowMs: 60_000 }),
      }),
    )
    .get('*', (c) => c.text('ran'));

  it('passes a request without a bearer header on to the next handler', async () => {
    const res = await app.request('/api/x', { headers: { cookie: 'cl_session=a.b' } });
    expect(await res.text()).toBe('ran');
  });

  it.each(['Bearer', 'Bearer not-a-token'])(
    'answers %s with 401 token-invalid and a WWW-Authenticate challenge',
    async (authorization) => {
      const res = await app.request('/api/x', { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(((await res.json()) as { code: string }).code).toBe('token-invalid');
    },
  );
});
