/**
 * Readiness and graceful shutdown. Health says whether the database answers and the
 * migrations are applied (both lanes, in process); a real server process on SIGTERM stops
 * accepting, ends its live streams, finishes the command in flight, hands back the timers it
 * still holds claimed, and exits 0 (Postgres lane: the test holds row locks from its own
 * connection to catch the process mid-command).
 */
import {
  createApp,
  createDb,
  type Db,
  migrateDb,
  parseConfig,
  systemClock,
} from '@closeloop/server';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, LANES, makeWorkspace, publish, testSop } from './harness.ts';
import { type Proc, spawnServer, stopServer } from './processes.ts';

const pg = LANES.find((l) => l.name === 'postgres');

describe.each(LANES.filter((l) => l.enabled))('readiness on $name', (lane) => {
  const admin = lane.databaseUrl
    ? postgres(lane.databaseUrl, { max: 1, onnotice: () => {} })
    : null;
  let dbName = '';
  afterAll(async () => {
    if (admin && dbName) await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin?.end({ timeout: 5 });
  });

  it('is not ready before the migrations and ready after them; draining turns it off', async () => {
    let url: string | undefined;
    if (admin && lane.databaseUrl) {
      const u = new URL(lane.databaseUrl);
      dbName = `${u.pathname.slice(1)}_ready_${crypto.randomUUID().slice(0, 6)}`;
      await admin.unsafe(`create database "${dbName}"`);
      u.pathname = `/${dbName}`;
      url = u.toString();
    }
    const parsed = parseConfig({
      databaseUrl: url,
      dataDir: 'memory://',
      seed: 'off',
      schedulerIntervalMs: '0',
      poolSize: '2',
    });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    const db = await createDb(parsed.config);
    const app = createApp({ db, clock: systemClock, config: parsed.config });
    try {
      const before = await app.fetch(new Request('http://x/api/health'));
      expect(before.status).toBe(503);
      const b = await before.json();
      expect(b).toMatchObject({
        ok: false,
        ready: false,
        databaseReachable: true,
        draining: false,
      });
      expect(b.migrations).toMatchObject({ applied: 0, ready: false });
      expect(b.migrations.expected).toBeGreaterThan(0);
      const live = await app.fetch(new Request('http://x/api/health/live'));
      expect(live.status).toBe(200);

      await migrateDb(db, parsed.config);
      const after = await app.fetch(new Request('http://x/api/health'));
      expect(after.status).toBe(200);
      const a = await after.json();
      expect(a).toMatchObject({ ok: true, ready: true, db: lane.name });
      expect(a.migrations.applied).toBe(a.migrations.expected);

      app.lifecycle.drain();
      const draining = await app.fetch(new Request('http://x/api/health'));
      expect(draining.status).toBe(503);
      expect(await draining.json()).toMatchObject({
        ready: false,
        draining: true,
        databaseReachable: true,
      });
    } finally {
      await app.stop();
      await db.close();
    }
  });
});

describe.runIf(pg?.enabled === true)('graceful shutdown of a server process on Postgres', () => {
  const url = pg?.databaseUrl ?? '';
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  let db: Db;
  const procs: Proc[] = [];
  beforeAll(async () => {
    const parsed = parseConfig({ databaseUrl: url, poolSize: '2' });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    db = await createDb(parsed.config);
    await migrateDb(db, parsed.config);
  });
  afterAll(async () => {
    for (const p of procs) await stopServer(p);
    await db?.close();
    await sql.end({ timeout: 5 });
  });

  /** Holds FOR UPDATE locks on the workspace's records until `release` is called. */
  async function lockRecords(workspaceId: string) {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked: () => void = () => {};
    const ready = new Promise<void>((r) => {
      locked = r;
    });
    const tx = sql.begin(async (t) => {
      await t`select id from records where workspace_id = ${workspaceId} for update`;
      locked();
      await held;
    });
    await ready;
    return async () => {
      release();
      await tx;
    };
  }

  async function waitFor(what: string, test: () => Promise<boolean>, ms = 20_000) {
    const until = Date.now() + ms;
    while (!(await test())) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await Bun.sleep(50);
    }
  }

  it('finishes the command in flight, ends live streams, refuses new work, exits 0', async () => {
    const server = await spawnServer({
      DATABASE_URL: url,
      SCHEDULER_INTERVAL_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    procs.push(server);
    const ws = await makeWorkspace(db);
    const sopId = `sd-${crypto.randomUUID().slice(0, 6)}`;
    const manager = await as(server.url, ws.email('manager'));
    await publish(manager, testSop(sopId));
    const rec = (await manager.post('/api/records', { sopId, fields: { company: 'before' } })).body
      .record;
    const stream = await fetch(`${server.url}/api/stream`, { headers: { cookie: manager.cookie } });
    const reader = stream.body?.getReader();
    if (!reader) throw new Error('no stream');
    await reader.read(); // the `ready` event

    const unlock = await lockRecords(ws.id);
    const inFlight = manager.patch(`/api/records/${rec.id}/fields`, {
      fields: { company: 'during shutdown' },
      version: rec.version,
    });
    await waitFor('the command to wait on the row lock', async () => {
      const rows = await sql`select 1 from pg_stat_activity
        where application_name = 'closeloop' and wait_event_type = 'Lock'`;
      return rows.length > 0;
    });
    server.proc.kill('SIGTERM');
    // the live stream ends (EventSource would reconnect through the balancer)
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    // no new connections while draining
    await waitFor('the socket to close', async () => {
      try {
        const h = await fetch(`${server.url}/api/health`);
        return h.status === 503;
      } catch {
        return true;
      }
    });
    expect(server.proc.exitCode).toBeNull();
    await unlock();
    const done = await inFlight;
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(await server.proc.exited).toBe(0);
    const stored = await sql`select fields->>'company' as company from records
      where workspace_id = ${ws.id} and id = ${rec.id}`;
    expect(stored[0]?.company).toBe('during shutdown');
    expect(server.log()).toContain('closeloop: stopped');
  }, 120_000);

  it('hands back claimed timers at shutdown; each then fires exactly once', async () => {
    const env = {
      DATABASE_URL: url,
      SCHEDULER_INTERVAL_MS: '50',
      TEST_CLOCK: 'on',
      POOL_SIZE: '3',
    };
    const first = await spawnServer({ ...env, SHUTDOWN_TIMEOUT_MS: '500' });
    procs.push(first);
    const ws = await makeWorkspace(db);
    const sopId = `sdt-${crypto.randomUUID().slice(0, 6)}`;
    const manager = await as(first.url, ws.email('manager'));
    await publish(manager, testSop(sopId));
    for (let i = 0; i < 20; i++) {
      expect(
        (await manager.post('/api/records', { sopId, fields: { company: `t${i}` } })).status,
      ).toBe(201);
    }
    // the scheduler claims the due reminders, then waits on the first record's lock mid-batch
    const unlock = await lockRecords(ws.id);
    await sql`update workspaces set clock_offset_ms = 35 * 60 * 1000 where id = ${ws.id}`;
    const claimed = async () =>
      Number(
        (
          await sql`select count(*)::int as n from timers where workspace_id = ${ws.id} and status = 'claimed'`
        )[0]?.n,
      );
    await waitFor('the scheduler to claim the 20 reminders', async () => (await claimed()) === 20);
    first.proc.kill('SIGTERM');
    expect(await first.proc.exited).toBe(0);
    expect(first.log()).toMatch(/released 19 claimed timer/);
    // the one timer its blocked transaction holds stays claimed until that rolls back and the
    // lease lapses; the other 19 are pending again for any process
    expect(await claimed()).toBe(1);
    await unlock();

    const second = await spawnServer({ ...env });
    procs.push(second);
    const fired = async () =>
      Number(
        (
          await sql`select count(*)::int as n from timers where workspace_id = ${ws.id} and status = 'fired'`
        )[0]?.n,
      );
    await waitFor(
      'every reminder to fire (the last after its 30 s lease)',
      async () => (await fired()) === 20,
      60_000,
    );
    const events = await sql`select data->>'timerId' as timer, count(*)::int as n from record_events
      where workspace_id = ${ws.id} and type = 'timer.fired' group by 1`;
    expect(events.length).toBe(20);
    expect(events.every((e) => e.n === 1)).toBe(true);
  }, 150_000);
});
