/**
 * The database tools as an operator runs them (real `bun run db:*` processes): backup and
 * restore on both lanes, the move from an embedded data folder into Postgres, and their
 * refusals. Each compares every record's state, history and timers, and every table's row
 * count and checksum, before and after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { checksum, listTables } from '../../server/src/db/ops/introspect.ts';
import { as, LANES, makeWorkspace, publish, testSop } from './harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pg = LANES.find((l) => l.name === 'postgres');
const tag = crypto.randomUUID().slice(0, 6);

type Run = { code: number; out: string };

/** Runs `bun server/src/db/ops/cli.ts ARGS` with the lane's variables. */
async function cli(
  args: string[],
  lane: { DATABASE_URL?: string; DATA_DIR?: string },
): Promise<Run> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  Object.assign(env, lane);
  const p = Bun.spawn(['bun', 'server/src/db/ops/cli.ts', ...args], {
    cwd: ROOT,
    env,
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [out, err] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
  ]);
  return { code: await p.exited, out: out + err };
}

/** A workspace with records in several stages, fired and pending timers, on `db`. */
async function populate(db: Db): Promise<void> {
  const parsed = parseConfig({
    dataDir: 'memory://',
    testClock: 'on',
    seed: 'off',
    schedulerIntervalMs: '0',
    editorDist: '/nonexistent',
  });
  if (!parsed.ok) throw new Error(parsed.errors.join());
  const app = createApp({ db, clock: systemClock, config: parsed.config });
  const server = Bun.serve({ port: 0, fetch: app.fetch });
  try {
    const url = `http://127.0.0.1:${server.port}`;
    const ws = await makeWorkspace(db);
    const manager = await as(url, ws.email('manager'));
    await publish(manager, testSop('ops-lead'));
    const ids: { id: string; version: number }[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await manager.post(
        '/api/records',
        {
          sopId: 'ops-lead',
          fields: { company: `Ops ${i} 公司`, budget: i * 10 },
        },
        { 'idempotency-key': `ops-${i}` },
      );
      if (r.status !== 201) throw new Error(`create ${r.status} ${JSON.stringify(r.body)}`);
      ids.push(r.body.record);
    }
    for (const rec of ids.slice(0, 5)) {
      const r = await manager.post(`/api/records/${rec.id}/actions`, {
        action: 'QUALIFY',
        fields: { phone: '13800138000', budget: 500 },
        version: rec.version,
      });
      if (r.status !== 200) throw new Error(`qualify ${r.status} ${JSON.stringify(r.body)}`);
    }
    // the 30-minute reminders of the records still in `new` fire; the 1-hour alerts stay due
    const tick = await manager.post('/api/test-clock', { advanceMs: 40 * 60_000 });
    if (tick.status !== 200 || tick.body.fired < 1)
      throw new Error(`clock ${JSON.stringify(tick.body)}`);
  } finally {
    server.stop(true);
    await app.stop();
  }
}

type Snapshot = {
  records: unknown[];
  events: unknown[];
  timers: unknown[];
  tables: Record<string, unknown>;
};

/** Every record, event and timer as stored, and each table's count and checksum. */
async function snapshot(
  q: (text: string) => Promise<Record<string, unknown>[]>,
): Promise<Snapshot> {
  await q(`set timezone to 'UTC'`);
  const all = async (table: string, order: string) =>
    (await q(`select to_jsonb(t) as j from ${table} t order by ${order}`)).map((r) => r.j);
  const tables: Record<string, unknown> = {};
  for (const t of await listTables(q)) tables[t.name] = await checksum(q, t.name);
  return {
    records: await all('records', 'workspace_id collate "C", id collate "C"'),
    events: await all('record_events', 'workspace_id collate "C", record_id collate "C", seq'),
    timers: await all('timers', 'workspace_id collate "C", id collate "C"'),
    tables,
  };
}

async function snapshotPglite(dataDir: string): Promise<Snapshot> {
  const db = await createDb({ dataDir });
  try {
    return await snapshot((text) => db.query(text));
  } finally {
    await db.close();
  }
}

async function snapshotPostgres(url: string): Promise<Snapshot> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await snapshot(
      async (text) => (await sql.unsafe(text)) as unknown as Record<string, unknown>[],
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function expectSame(before: Snapshot, after: Snapshot) {
  expect(before.records.length).toBeGreaterThan(0);
  expect(before.timers.length).toBeGreaterThan(0);
  expect(after.records).toEqual(before.records);
  expect(after.events).toEqual(before.events);
  expect(after.timers).toEqual(before.timers);
  expect(after.tables).toEqual(before.tables);
}

async function populateFolder(dir: string) {
  const db = await createDb({ dataDir: dir });
  try {
    await migrateDb(db, { dataDir: dir });
    await populate(db);
  } finally {
    await db.close();
  }
}

describe('db:backup and db:restore on PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'closeloop-ops-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('restores every record, event and timer into a new folder, and refuses a used one', async () => {
    const src = join(dir, 'src');
    await populateFolder(src);
    const before = await snapshotPglite(src);
    const file = join(dir, 'backup.tar.gz');
    const b = await cli(['backup', file], { DATA_DIR: src });
    expect(b.code, b.out).toBe(0);
    const dst = join(dir, 'dst');
    const r = await cli(['restore', file], { DATA_DIR: dst });
    expect(r.code, r.out).toBe(0);
    expectSame(before, await snapshotPglite(dst));

    const again = await cli(['restore', file], { DATA_DIR: dst });
    expect(again.code).toBe(1);
    expect(again.out).toContain(`the data folder ${dst} is not empty`);
    const over = await cli(['backup', file], { DATA_DIR: src });
    expect(over.code).toBe(1);
    expect(over.out).toContain('exists already');
  }, 180_000);

  it('rejects bad arguments with the usage and exit 2, bad files with a reason and exit 1', async () => {
    const none = await cli(['backup'], { DATA_DIR: join(dir, 'x') });
    expect(none.code).toBe(2);
    expect(none.out).toContain('name exactly one FILE');
    expect(none.out).toContain('usage:');
    const two = await cli(['restore', 'a', 'b'], {});
    expect(two.code).toBe(2);
    const unknown = await cli(['frobnicate'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain('unknown command frobnicate');
    const missing = await cli(['restore', join(dir, 'nope.tar.gz')], { DATA_DIR: join(dir, 'y') });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('no backup file');
    const junk = join(dir, 'junk.bin');
    await Bun.write(junk, 'not a backup');
    const bad = await cli(['restore', junk], { DATA_DIR: join(dir, 'z') });
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('neither a pg_dump');
    const noFolder = await cli(['backup', join(dir, 'b.tgz')], { DATA_DIR: join(dir, 'absent') });
    expect(noFolder.code).toBe(1);
    expect(noFolder.out).toContain('no embedded database');
    const move = await cli(['move', '--to', 'mysql://x'], {});
    expect(move.code).toBe(2);
    expect(move.out).toContain('--to must be a postgres:// URL');
    const flag = await cli(['move', '--bogus'], {});
    expect(flag.code).toBe(2);
  }, 120_000);
});

describe.runIf(pg?.enabled === true)('db tools on Postgres', () => {
  const base = pg?.databaseUrl ?? '';
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  const made: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'closeloop-ops-pg-'));
  /** A new, empty database beside DATABASE_URL's (dropped after the suite). */
  async function freshDb(what: string): Promise<string> {
    const u = new URL(base);
    const name = `${u.pathname.slice(1)}_${what}_${tag}`;
    await admin.unsafe(`drop database if exists "${name}"`);
    await admin.unsafe(`create database "${name}"`);
    made.push(name);
    u.pathname = `/${name}`;
    return u.toString();
  }
  beforeAll(async () => {
    await admin`select 1`;
  });
  afterAll(async () => {
    for (const name of made) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('db:backup and db:restore keep every record, event and timer; restore refuses a used database', async () => {
    const src = await freshDb('bksrc');
    const db = await createDb({ databaseUrl: src, dataDir: '', poolSize: 2 });
    try {
      await migrateDb(db, { databaseUrl: src, dataDir: '' });
      await populate(db);
    } finally {
      await db.close();
    }
    const before = await snapshotPostgres(src);
    const file = join(dir, 'backup.dump');
    const b = await cli(['backup', file], { DATABASE_URL: src });
    expect(b.code, b.out).toBe(0);
    const dst = await freshDb('bkdst');
    const r = await cli(['restore', file], { DATABASE_URL: dst });
    expect(r.code, r.out).toBe(0);
    expectSame(before, await snapshotPostgres(dst));

    const again = await cli(['restore', file], { DATABASE_URL: dst });
    expect(again.code).toBe(1);
    expect(again.out).toContain(`${new URL(dst).pathname} is not empty`);
  }, 180_000);

  it('db:move copies a data folder into an empty database, verified, and refuses a non-empty one', async () => {
    const folder = join(dir, 'embedded');
    await populateFolder(folder);
    const before = await snapshotPglite(folder);
    const to = await freshDb('move');
    const m = await cli(['move', '--to', to, '--from', folder], {});
    expect(m.code, m.out).toBe(0);
    expect(m.out).toContain('row counts and checksums equal');
    expectSame(before, await snapshotPostgres(to));

    const again = await cli(['move', '--to', to, '--from', folder], {});
    expect(again.code).toBe(1);
    expect(again.out).toContain(`the target database`);
    expect(again.out).toContain(`${new URL(to).pathname} is not empty: table`);
    // a Postgres lane cannot take a PGlite backup: the message says what to do instead
    const tgz = join(dir, 'embedded.tar.gz');
    expect((await cli(['backup', tgz], { DATA_DIR: folder })).code).toBe(0);
    const wrong = await cli(['restore', tgz], { DATABASE_URL: await freshDb('wrong') });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('is a PGlite backup');
  }, 240_000);
});
