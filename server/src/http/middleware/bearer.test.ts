import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { newTokenSecret, parseToken } from '../../services/auth/api-tokens.ts';
import type { AppEnv } from '../context.ts';
import { bearerAuth, bearerOf, clientIp } from './bearer.ts';

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

describe('client address', () => {
  const app = (trustProxy: boolean) =>
    new Hono<AppEnv>().get('/', (c) => c.text(String(clientIp(c, trustProxy))));
  const xff = { 'x-forwarded-for': '203.0.113.9, 10.0.0.7' };

  it('takes the last X-Forwarded-For entry (our proxy appended it) only when trusted', async () => {
    expect(await (await app(true).request('/', { headers: xff })).text()).toBe('10.0.0.7');
  });

  it('ignores X-Forwarded-For otherwise and answers null without a Bun server', async () => {
    expect(await (await app(false).request('/', { headers: xff })).text()).toBe('null');
  });

  it('reads the socket address under Bun.serve', async () => {
    const server = Bun.serve({ port: 0, fetch: (req, s) => app(false).fetch(req, s) });
    try {
      const text = await (await fetch(`http://127.0.0.1:${server.port}/`, { headers: xff })).text();
      expect(text).toMatch(/127\.0\.0\.1$/);
    } finally {
      server.stop(true);
    }
  });
});

describe('bearer middleware', () => {
  const app = new Hono<AppEnv>()
    .use('*', bearerAuth({ operationOf: () => 'getRecord' }))
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
