/**
 * Benchmark: performAction over HTTP at 1, 16 and 64 concurrent clients, against a baseline
 * in the same run — the raw driver doing the same writes (record update, event insert,
 * timer upsert) in one transaction. Postgres when DATABASE_URL is set, and PGlite beside it.
 *
 *   DATABASE_URL=postgres://… bun test/bench/server-perform.ts [--ms 5000] [--clients 1,16,64]
 *     [--workers 1,2] [--lanes postgres,pglite]
 *
 * Goal: at 64 clients, at least 0.7× the baseline's throughput and p99 under 50 ms.
 *
 * Set-up, so that the comparison is fair both ways: the server runs in its own process(es)
 * (`procs`: WORKERS, sharing the port with SO_REUSEPORT; Postgres only), the HTTP clients in
 * this process, so client and server do not share a JavaScript thread. The baseline runs in
 * this process too, and sends its transaction the way the server's command path does: BEGIN
 * pipelined with the statements on a reserved connection, then COMMIT (server/src/db/client.ts),
 * so the ratio measures the server's own work, not a difference in how the driver is used.
 * Everything shares the machine's cores with Postgres: quote `nproc` and the load average.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, createWorkspace, type Db, migrateDb, parseConfig } from '@closeloop/server';
import postgres from 'postgres';
import { type Proc, spawnServer, stopServer } from '../integration/processes.ts';
import { writeResults } from './_results.ts';
import {
  arg,
  backendPids,
  benchSop,
  cpuSeconds,
  drive,
  fmt,
  login,
  type Stats,
  table,
  withChildren,
} from './server-common.ts';

const MS = Number(arg('ms', '5000'));
const CLIENTS = arg('clients', '1,16,64').split(',').map(Number);
const MAX = Math.max(...CLIENTS);
const WORKERS = arg('workers', '1').split(',').map(Number);
/** Which lanes run (default both); e.g. `--lanes postgres` for quicker repeated runs. */
const LANES = new Set(arg('lanes', 'postgres,pglite').split(','));

type Lane = { name: string; env: Record<string, string>; open: () => Promise<Db> };

async function prepare(db: Db) {
  const tag = crypto.randomUUID().slice(0, 8);
  const ws = await createWorkspace(db, {
    name: `bench ${tag}`,
    users: [
      { email: `bench-mgr-${tag}@bench.test`, name: 'M', role: 'manager', password: 'bench-pass' },
      { email: `bench-rep-${tag}@bench.test`, name: 'R', role: 'rep', password: 'bench-pass' },
    ],
    teams: [
      {
        id: 'sales',
        name: 'Sales',
        managers: [`bench-mgr-${tag}@bench.test`],
        members: [`bench-rep-${tag}@bench.test`],
      },
    ],
  });
  return { ws, email: `bench-rep-${tag}@bench.test`, mgr: `bench-mgr-${tag}@bench.test` };
}

async function http(base: string, cookie: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the benchmark reads a few known fields
  const json: any = await res.json();
  return { status: res.status, headers: res.headers, body: json };
}

/** CPU ms per operation of the server processes and of their Postgres backends. */
type Cpu = { server: number; db: number };

async function runHttp(server: Proc, who: { email: string; mgr: string }, db: Db | null) {
  const sopId = `bench-${crypto.randomUUID().slice(0, 6)}`;
  const mgr = await login(server.url, who.mgr);
  const rep = await login(server.url, who.email);
  await http(server.url, mgr, 'POST', '/api/sops', { doc: benchSop(sopId) });
  await http(server.url, mgr, 'POST', `/api/sops/${sopId}/publish`, { note: 'bench' });
  const records: Array<{ id: string; version: number }> = [];
  for (let i = 0; i < MAX; i++) {
    const r = await http(server.url, rep, 'POST', '/api/records', { sopId, fields: {} });
    if (r.status !== 201) throw new Error(`create ${r.status} ${JSON.stringify(r.body)}`);
    records.push({ id: r.body.record.id, version: r.body.record.version });
  }
  const out: Record<number, Stats> = {};
  const cpu: Record<number, Cpu> = {};
  for (const clients of CLIENTS) {
    const procs = withChildren(server.proc.pid);
    const before = await backendPids(db);
    const s0 = cpuSeconds(procs);
    const d0 = cpuSeconds(before);
    out[clients] = await drive(clients, MS, async (c) => {
      const rec = records[c];
      if (!rec) throw new Error('record');
      const r = await http(server.url, rep, 'POST', `/api/records/${rec.id}/actions`, {
        action: 'LOG',
        fields: { note: `n${rec.version}` },
        version: rec.version,
      });
      if (r.status !== 200) throw new Error(`performAction ${r.status} ${JSON.stringify(r.body)}`);
      rec.version = r.body.record.version;
    });
    const s1 = cpuSeconds(procs);
    // backends opened during the run started from zero
    const after = await backendPids(db);
    const d1 = cpuSeconds(after);
    const ops = out[clients]?.total || 1;
    cpu[clients] = { server: ((s1 - s0) * 1000) / ops, db: ((d1 - d0) * 1000) / ops };
  }
  return { out, cpu, records, sopId };
}

type Raw = {
  tx: (ws: string, rec: RawRecord) => Promise<void>;
  close: () => Promise<void>;
};
type RawRecord = { id: string; version: number; seq: number; state: string };

const UPDATE = `update records set state = $3::text::jsonb, version = version + 1, updated_at = now()
  where workspace_id = $1 and id = $2 and version = $4 returning version`;
const EVENTS = `insert into record_events (workspace_id, record_id, seq, id, type, at, actor_id, data, record_version)
  select $1, $2, x.s, x.i, x.t, now(), 'bench', x.d::jsonb, $3
    from unnest($4::int[], $5::text[], $6::text[], $7::text[]) as x(s, i, t, d)`;
const TIMER = `insert into timers (workspace_id, id, record_id, stage, rung, kind, due_at)
  values ($1, $2, $3, 'working', -1, 'deadline', now() + interval '1 hour')
  on conflict (workspace_id, id) do update set due_at = excluded.due_at, status = 'pending'`;

function rawParams(ws: string, rec: RawRecord) {
  const types = [
    'action.performed',
    'timer.cancelled',
    'stage.exited',
    'stage.entered',
    'timer.scheduled',
  ];
  const v = rec.version + 1;
  return {
    update: [ws, rec.id, rec.state, rec.version],
    events: [
      ws,
      rec.id,
      v,
      types.map((_, i) => rec.seq + i + 1),
      types.map(() => crypto.randomUUID()),
      types,
      types.map((t) => JSON.stringify({ action: 'LOG', t })),
    ],
    timer: [ws, `${rec.id}/working@${v}/due`, rec.id],
  };
}

const RAW_APP = 'closeloop_bench_raw';

function rawPostgres(url: string): Raw {
  const sql = postgres(url, {
    max: 20,
    onnotice: () => {},
    connection: { application_name: RAW_APP },
  });
  const P = { prepare: true };
  return {
    async tx(ws, rec) {
      const p = rawParams(ws, rec);
      const c = await sql.reserve();
      try {
        const sent = [
          c.unsafe('begin').execute(),
          c.unsafe(UPDATE, p.update as never[], P).execute(),
          c.unsafe(EVENTS, p.events as never[], P).execute(),
          c.unsafe(TIMER, p.timer as never[], P).execute(),
        ];
        for (const q of sent) q.catch(() => {});
        try {
          const [, updated] = await Promise.all(sent);
          if (updated?.length !== 1) throw new Error('raw update matched no row');
        } catch (e) {
          await Promise.allSettled(sent);
          await c.unsafe('rollback');
          throw e;
        }
        await c.unsafe('commit');
      } finally {
        c.release();
      }
      rec.version++;
      rec.seq += 5;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** PGlite's own transaction() with the three statements (the Db wrapper is a pass-through). */
function rawPglite(db: Db): Raw {
  return {
    async tx(ws, rec) {
      const p = rawParams(ws, rec);
      await db.transaction(async (q) => {
        await q(UPDATE, p.update);
        await q(EVENTS, p.events);
        await q(TIMER, p.timer);
      });
      rec.version++;
      rec.seq += 5;
    },
    close: async () => {
      await db.close();
    },
  };
}

async function loadRaw(db: Db, ws: string, ids: string[]): Promise<RawRecord[]> {
  const rows = await db.query(
    'select id, version, event_count, state::text as state from records where workspace_id = $1 and id = any($2::text[])',
    [ws, ids],
  );
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  return ids.map((id) => {
    const r = byId.get(id);
    return {
      id,
      version: Number(r?.version),
      seq: Number(r?.event_count),
      state: String(r?.state),
    };
  });
}

async function runLane(
  lane: Lane,
  openRaw: (db: Db) => Promise<Raw>,
  reopen: () => Promise<Db>,
  workers: number[],
) {
  const db = await lane.open();
  const who = await prepare(db);
  if (lane.name === 'pglite') await db.close();
  const runs: Array<{ procs: number; http: Awaited<ReturnType<typeof runHttp>> }> = [];
  for (const procs of workers) {
    const server = await spawnServer({
      ...lane.env,
      SCHEDULER_INTERVAL_MS: '1000',
      WORKERS: String(procs),
    });
    try {
      // let the other workers come up (the first answers /api/health before they listen)
      if (procs > 1) await Bun.sleep(3000);
      runs.push({
        procs,
        http: await runHttp(server, who, lane.name === 'postgres' ? db : null),
      });
    } finally {
      await stopServer(server);
    }
  }
  const db2 = lane.name === 'pglite' ? await reopen() : db;
  const recs = await loadRaw(
    db2,
    who.ws.id,
    (runs.at(-1)?.http.records ?? []).map((r) => r.id),
  );
  const raw = await openRaw(db2);
  const base: Record<number, Stats> = {};
  const baseDbCpu: Record<number, number> = {};
  const pgDb = lane.name === 'postgres' ? db2 : null;
  for (const clients of CLIENTS) {
    const d0 = cpuSeconds(await backendPids(pgDb, RAW_APP));
    base[clients] = await drive(clients, MS, async (c) => {
      const rec = recs[c];
      if (!rec) throw new Error('record');
      await raw.tx(who.ws.id, rec);
    });
    const d1 = cpuSeconds(await backendPids(pgDb, RAW_APP));
    baseDbCpu[clients] = ((d1 - d0) * 1000) / (base[clients]?.total || 1);
  }
  await raw.close();
  await db2.close().catch(() => {});
  return runs.flatMap(({ procs, http }) =>
    CLIENTS.map((clients) => {
      const a = http.out[clients];
      const b = base[clients];
      if (!a || !b) throw new Error('missing');
      return {
        db: lane.name,
        clients,
        procs,
        'api ops/s': fmt(a.perSecond),
        'api p50 ms': fmt(a.p50, 2),
        'api p99 ms': fmt(a.p99, 2),
        'raw ops/s': fmt(b.perSecond),
        'raw p50 ms': fmt(b.p50, 2),
        'raw p99 ms': fmt(b.p99, 2),
        'api/raw': fmt(a.perSecond / b.perSecond, 2),
        'server cpu ms/op': fmt(http.cpu[clients]?.server ?? 0, 2),
        'db cpu ms/op': lane.name === 'postgres' ? fmt(http.cpu[clients]?.db ?? 0, 2) : '-',
        'raw db cpu ms/op': lane.name === 'postgres' ? fmt(baseDbCpu[clients] ?? 0, 2) : '-',
      };
    }),
  );
}

const rows: Array<Record<string, string | number>> = [];
const url = process.env.DATABASE_URL;
if (url && LANES.has('postgres')) {
  const open = async () => {
    const p = parseConfig({ databaseUrl: url, poolSize: '4' });
    if (!p.ok) throw new Error(p.errors.join());
    const db = await createDb(p.config);
    await migrateDb(db, p.config);
    return db;
  };
  rows.push(
    ...(await runLane(
      { name: 'postgres', env: { DATABASE_URL: url, POOL_SIZE: '20' }, open },
      async () => rawPostgres(url),
      open,
      WORKERS,
    )),
  );
} else if (!url) {
  console.log('DATABASE_URL is not set: the Postgres lane is skipped.');
}
const dir = mkdtempSync(join(tmpdir(), 'closeloop-bench-'));
try {
  const openPglite = async () => {
    const p = parseConfig({ dataDir: dir });
    if (!p.ok) throw new Error(p.errors.join());
    const db = await createDb(p.config);
    await migrateDb(db, p.config);
    return db;
  };
  if (LANES.has('pglite'))
    rows.push(
      ...(await runLane(
        { name: 'pglite', env: { DATA_DIR: dir, DATABASE_URL: '' }, open: openPglite },
        async (db) => rawPglite(db),
        openPglite,
        [1],
      )),
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const { loadavg, availableParallelism } = await import('node:os');
console.log(
  `\nperformAction over HTTP vs raw driver, ${MS} ms per point (goal at 64: ≥0.7× raw, p99 < 50 ms)`,
);
console.log(
  `procs = server processes (WORKERS); ${availableParallelism()} cores; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}\n`,
);
table(rows);
writeResults('server-perform', { ms: MS, rows });
process.exit(0);
