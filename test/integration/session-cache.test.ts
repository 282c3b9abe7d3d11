/**
 * Cached sessions across server processes. Each process keeps a resolved session
 * for up to 30 s; when an admin changes a user's role or teams through one process, every
 * other process must drop its copy at once (NOTIFY on the auth channel at commit), or the old
 * role and teams keep working there for half a minute. Two apps with their own caches and
 * connections on one Postgres; the test clock is off, since it turns the cache off.
 */
import { createApp, createDb, migrateDb, parseConfig, systemClock } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, type Client, LANES, makeWorkspace, publish, testSop } from './harness.ts';

const pg = LANES.find((l) => l.name === 'postgres');

async function startProcess(databaseUrl: string) {
  const parsed = parseConfig({
    databaseUrl,
    testClock: 'off',
    seed: 'off',
    schedulerIntervalMs: '0',
    poolSize: '4',
    editorDist: '/nonexistent',
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const db = await createDb(parsed.config);
  await migrateDb(db, parsed.config);
  const app = createApp({ db, clock: systemClock, config: parsed.config });
  await app.start();
  const server = Bun.serve({ port: 0, fetch: app.fetch, idleTimeout: 0 });
  return {
    url: `http://127.0.0.1:${server.port}`,
    db,
    async close() {
      server.stop(true);
      await app.stop();
      await db.close();
    },
  };
}

/** Polls until the probe holds; far less than the cache's 30 s, so a stale cache fails it. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > until) return false;
    await Bun.sleep(50);
  }
}

const SOON_MS = 3_000;

describe.runIf(pg?.enabled)('cached sessions on two processes', () => {
  let a: Awaited<ReturnType<typeof startProcess>>;
  let b: Awaited<ReturnType<typeof startProcess>>;
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  /** The admin works through process A; the others are signed in on process B. */
  let admin: Client;
  let managerB: Client;
  let rep2B: Client;
  let rep3B: Client;
  let recordId: string;

  beforeAll(async () => {
    const url = pg?.databaseUrl ?? '';
    a = await startProcess(url);
    b = await startProcess(url);
    ws = await makeWorkspace(a.db);
    admin = await as(a.url, ws.email('admin'));
    [managerB, rep2B, rep3B] = await Promise.all([
      as(b.url, ws.email('manager')),
      as(b.url, ws.email('rep2')),
      as(b.url, ws.email('rep3')),
    ]);
    const sopId = `it-sc-${crypto.randomUUID().slice(0, 6)}`;
    await publish(admin, testSop(sopId));
    const rec = await admin.post('/api/records', {
      sopId,
      fields: { company: 'Cache' },
      ownerId: ws.userId('rep1'),
      teamId: 'sales',
    });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    recordId = rec.body.record.id;
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  // regression: updateTeam did not NOTIFY, so process B kept old teams for up to 30 s
  it('a team change through one process applies on the other at once', async () => {
    // B resolves (and caches) both sessions with the old teams
    expect((await managerB.get(`/api/records/${recordId}`)).status).toBe(200);
    expect([403, 404]).toContain((await rep3B.get(`/api/records/${recordId}`)).status);
    const upd = await admin.patch('/api/teams/sales', {
      shared: true,
      managers: [],
      members: [
        { userId: ws.userId('rep1') },
        { userId: ws.userId('rep2') },
        { userId: ws.userId('rep3') },
      ],
    });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    // rep3 joined a shared team: they see its records; the manager no longer manages it
    expect(
      await within(SOON_MS, async () => {
        const r = await rep3B.get(`/api/records/${recordId}`);
        return r.status === 200;
      }),
    ).toBe(true);
    expect(
      await within(SOON_MS, async () => {
        const r = await managerB.get(`/api/records/${recordId}`);
        return r.status === 403 || r.status === 404;
      }),
    ).toBe(true);
    expect((await rep3B.get('/api/me')).body.user.teamIds).toEqual(['marketing', 'sales']);
  });

  // regression: createTeam did not NOTIFY either
  it('a new team through one process applies on the other at once', async () => {
    expect((await rep2B.get('/api/me')).body.user.teamIds).toEqual(['sales']);
    const made = await admin.post('/api/teams', {
      id: 'cache-new',
      name: 'New',
      members: [{ userId: ws.userId('rep2') }],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(
      await within(SOON_MS, async () => {
        const me = await rep2B.get('/api/me');
        return JSON.stringify(me.body.user.teamIds) === JSON.stringify(['cache-new', 'sales']);
      }),
    ).toBe(true);
  });

  it('a role change through one process applies on the other at once', async () => {
    expect((await rep2B.get('/api/me')).body.user.role).toBe('rep');
    const upd = await admin.patch(`/api/users/${ws.userId('rep2')}`, { role: 'manager' });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect(
      await within(SOON_MS, async () => (await rep2B.get('/api/me')).body.user.role === 'manager'),
    ).toBe(true);
  });

  it('a deactivation through one process ends the session on the other at once', async () => {
    expect((await rep3B.get('/api/me')).status).toBe(200);
    const off = await admin.post(`/api/users/${ws.userId('rep3')}/deactivate`, {});
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(await within(SOON_MS, async () => (await rep3B.get('/api/me')).status === 401)).toBe(
      true,
    );
  });
});
