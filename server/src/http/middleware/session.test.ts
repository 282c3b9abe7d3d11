import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.ts';
import { parseConfig } from '../../config.ts';
import { createDb, type Db } from '../../db/client.ts';
import { migrateDb } from '../../db/migrate.ts';
import { login, resolveSession, SESSION_COOKIE } from '../../services/auth/sessions.ts';
import type { Deps } from '../../services/core/context.ts';
import { createWorkspace } from '../../services/people/create-workspace.ts';
import type { AppEnv } from '../context.ts';
import { session } from './session.ts';

let db: Db;
let deps: Deps;
let cookie = '';

beforeAll(async () => {
  const parsed = parseConfig({ dataDir: 'memory://', schedulerIntervalMs: 0, seed: 'off' });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  db = await createDb(parsed.config);
  await migrateDb(db, parsed.config);
  deps = createApp({ db, clock: { now: () => Date.now() }, config: parsed.config }).deps;
  await createWorkspace(db, {
    id: 'ws',
    name: 'Session test',
    users: [{ email: 'rep@example.com', name: 'Rep', role: 'rep', password: 'long enough pw' }],
  });
  cookie = (await login(deps, { email: 'rep@example.com', password: 'long enough pw' })).cookie;
}, 60_000);

afterAll(async () => {
  await db.close();
});

function app() {
  return new Hono<AppEnv>()
    .use('*', async (c, next) => {
      c.set('session', null);
      c.set('user', undefined);
      await next();
    })
    .use(
      '*',
      session({
        cookie: SESSION_COOKIE,
        resolve: (sid) => resolveSession(deps, sid),
        publicPaths: new Set(['/api/health']),
      }),
    )
    .get('*', (c) => c.json({ email: c.get('user')?.email ?? null }));
}

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await app().request(`http://localhost${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('session', () => {
  it('resolves the cookie to the signed-in user', async () => {
    const r = await get('/api/me', { cookie: `${SESSION_COOKIE}=${cookie}` });
    expect(r).toEqual({ status: 200, body: { email: 'rep@example.com' } });
  });

  it('answers 401 unauthenticated without a session, or with a forged one', async () => {
    const cases: Array<Record<string, string>> = [{}, { cookie: `${SESSION_COOKIE}=ws.forged` }];
    for (const headers of cases) {
      const r = await get('/api/me', headers);
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('unauthenticated');
    }
  });

  it('answers public paths without a session', async () => {
    expect(await get('/api/health')).toEqual({ status: 200, body: { email: null } });
  });

  it('passes a bearer request on without resolving its cookie', async () => {
    const r = await get('/api/me', {
      authorization: 'Bearer clk_x',
      cookie: `${SESSION_COOKIE}=${cookie}`,
    });
    expect(r).toEqual({ status: 200, body: { email: null } });
  });
});
