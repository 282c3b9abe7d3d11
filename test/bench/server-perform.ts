/**
 * Benchmark: performAction over HTTP at 1, 16 and 64 concurrent clients against the SAME
 * WRITES — raw postgres.js sending exactly the statements the product sent for the same
 * actions (same SQL text and parameters, one transaction per action, BEGIN pipelined with the
 * statements as the server's batch does), in the same run. Ratio `perform_vs_same_writes`.
 *
 *   DATABASE_URL=postgres://… bun run bench server-perform [--actions 1200] [--runs 3] [--group-commit on|off]
 *     [--clients 1,16,64] [--workers 1] [--coalesce on|off]
 *
 * How the baseline gets the product's statements: a template database is prepared once
 * (workspace, published SOP, one record per client per point per run, the rep's session)
 * and cloned three times. On the first clone the app runs in this process with a statement
 * hook (DbConfig.onStatement) and performs every action of the workload one at a time,
 * recording what each request sent: the session and record reads, and the transaction
 * (BEGIN … COMMIT). The product runs on the second clone as a real server process, driven
 * over HTTP; the baseline replays the recorded statements on the third, each client its own
 * record's requests in order. Both clones then hold the same records, events and timers
 * (checked at the end). Every point is fixed work — `clients` × ⌈actions / clients⌉
 * actions — so product and baseline do the same work; the product's point runs first, the
 * baseline's right after it. Goals (issue 19): ≥ 0.85× at 16 and 64 clients; p99 < 100 ms
 * at 64; p50 < 5 ms at 1 client.
 *
 * The server runs with group commit on, its default (`--group-commit off`): concurrent actions
 * share transactions and multi-row statements. The baseline replays each action's own
 * statements in a transaction of its own — what a hand-written service would send.
 *
 * Both clones are VACUUM ANALYZEd before measuring. The server runs in its own process(es),
 * the clients and the baseline in this one; everything shares the machine's cores with
 * Postgres (`nproc` and the load average are printed). On PGlite, beside it, the product's
 * figures alone (PGlite has one connection and no wire protocol to replay on).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createApp,
  createDb,
  createWorkspace,
  migrateDb,
  parseConfig,
  systemClock,
  withCoalescingSocket,
} from '@closeloop/server';
import postgres from 'postgres';
import { type Proc, spawnServer, stopServer } from '../integration/processes.ts';
import { databaseUrl, ownDatabase } from './_own-db.ts';
import { machineLine, median, writeResults } from './_results.ts';
import {
  appBackendPids,
  arg,
  benchSop,
  cpuSeconds,
  fmt,
  type Stats,
  stats,
  table,
  withChildren,
} from './server-common.ts';

const ACTIONS = Number(arg('actions', '1200'));
const RUNS = Number(arg('runs', '3'));
const CLIENTS = arg('clients', '1,16,64').split(',').map(Number);
const WORKERS = Number(arg('workers', '1'));
const GROUP_COMMIT = arg('group-commit', 'on');
/** Writes coalesced per event-loop turn (db/socket.ts) in server and baseline alike, or not. */
const COALESCE = arg('coalesce', 'on');
const POOL = 20;
const perClient = (clients: number) => Math.ceil(ACTIONS / clients);
/** A warm-up point before the measured ones (JIT, caches, connections), not reported. */
const WARM = { clients: 16, actions: 10 };

/** A point of the workload: `records[c]` is client c's record, acted on `actions` times. */
type Point = {
  run: number;
  clients: number;
  actions: number;
  records: Array<{ id: string; version: number }>;
};
type Who = { ws: string; rep: string; sopId: string };

async function request(
  fetcher: (r: Request) => Response | Promise<Response>,
  base: string,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetcher(
    new Request(base + path, {
      method,
      headers: { cookie, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  // biome-ignore lint/suspicious/noExplicitAny: the benchmark reads a few known fields
  const json: any = await res.json();
  return { status: res.status, headers: res.headers, body: json };
}

async function login(fetcher: (r: Request) => Response | Promise<Response>, email: string) {
  const r = await request(fetcher, 'http://bench', '', 'POST', '/api/auth/login', {
    email,
    password: 'bench-pass',
  });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function openApp(config: Record<string, string | undefined>, hook?: Hook) {
  const p = parseConfig({ ...config, seed: 'off' });
  if (!p.ok) throw new Error(p.errors.join());
  const db = await createDb({ ...p.config, onStatement: hook });
  await migrateDb(db, p.config);
  const app = createApp({ db, clock: systemClock, config: p.config });
  return { db, app, fetch: (r: Request) => app.fetch(r) };
}

/** The workspace, SOP and every point's records, written through the app (no server). */
async function prepare(config: Record<string, string | undefined>) {
  const { db, fetch } = await openApp(config);
  const tag = crypto.randomUUID().slice(0, 8);
  const rep = `bench-rep-${tag}@bench.test`;
  const mgr = `bench-mgr-${tag}@bench.test`;
  const ws = await createWorkspace(db, {
    name: `bench ${tag}`,
    users: [
      { email: mgr, name: 'M', role: 'manager', password: 'bench-pass' },
      { email: rep, name: 'R', role: 'rep', password: 'bench-pass' },
    ],
    teams: [{ id: 'sales', name: 'Sales', managers: [mgr], members: [rep] }],
  });
  const sopId = `bench-${tag.slice(0, 6)}`;
  const mgrCookie = await login(fetch, mgr);
  const repCookie = await login(fetch, rep);
  const post = (cookie: string, path: string, body: unknown) =>
    request(fetch, 'http://bench', cookie, 'POST', path, body);
  await post(mgrCookie, '/api/sops', { doc: benchSop(sopId) });
  await post(mgrCookie, `/api/sops/${sopId}/publish`, { note: 'bench' });
  const points: Point[] = [];
  const newPoint = async (run: number, clients: number, actions: number) => {
    const records: Point['records'] = [];
    for (let c = 0; c < clients; c++) {
      const r = await post(repCookie, '/api/records', { sopId, fields: {} });
      if (r.status !== 201) throw new Error(`create ${r.status} ${JSON.stringify(r.body)}`);
      records.push({ id: r.body.record.id, version: r.body.record.version });
    }
    points.push({ run, clients, actions, records });
  };
  await newPoint(-1, WARM.clients, WARM.actions);
  for (let run = 0; run < RUNS; run++)
    for (const clients of CLIENTS) await newPoint(run, clients, perClient(clients));
  await db.close();
  return { who: { ws: ws.id, rep: repCookie, sopId } satisfies Who, points };
}

/**
 * The k-th action on a record that started at `version`: every action succeeds and adds one
 * to the version, so the k-th one expects `version + k` (the same in every lane).
 */
async function perform(
  fetcher: (r: Request) => Response | Promise<Response>,
  base: string,
  cookie: string,
  rec: { id: string; version: number },
  k: number,
) {
  const r = await request(fetcher, base, cookie, 'POST', `/api/records/${rec.id}/actions`, {
    action: 'LOG',
    fields: { note: `n${k}` },
    version: rec.version + k,
  });
  if (r.status !== 200) throw new Error(`performAction ${r.status} ${JSON.stringify(r.body)}`);
}

// ---- capture ---------------------------------------------------------------------------

type Hook = (connection: number, text: string, params: readonly unknown[]) => void;
type Sent = { text: string; params: unknown[] };
/** What one request sent: statements on their own, and transactions (BEGIN … COMMIT). */
type Segment = { tx: false; stmt: Sent } | { tx: true; stmts: Sent[] };
type Recorded = Segment[];

/**
 * Performs every point's actions one at a time on the app in this process, recording the
 * statements each request sent. One request at a time and no background loops (the app is
 * not started), so everything sent between a request's start and its answer is its own.
 */
async function capture(url: string, who: Who, points: Point[]) {
  let sent: Array<{ connection: number; text: string; params: unknown[] }> = [];
  const hook: Hook = (connection, text, params) =>
    sent.push({ connection, text, params: [...params] });
  const { db, fetch } = await openApp({ databaseUrl: url, poolSize: String(POOL) }, hook);
  const out = new Map<Point, Recorded[][]>();
  for (const point of points) {
    const perClient: Recorded[][] = [];
    for (const rec of point.records) {
      const mine: Recorded[] = [];
      for (let k = 0; k < point.actions; k++) {
        sent = [];
        await perform(fetch, 'http://bench', who.rep, rec, k);
        mine.push(segments(sent));
      }
      perClient.push(mine);
    }
    out.set(point, perClient);
  }
  await db.close();
  return out;
}

function segments(sent: Array<{ connection: number; text: string; params: unknown[] }>): Recorded {
  const out: Recorded = [];
  const open = new Map<number, Sent[]>();
  for (const s of sent) {
    const word = s.text.trim().toLowerCase();
    if (word.startsWith('begin')) {
      open.set(s.connection, []);
    } else if (word === 'commit' || word === 'rollback') {
      const stmts = open.get(s.connection) ?? [];
      open.delete(s.connection);
      if (word === 'commit') out.push({ tx: true, stmts });
    } else if (/^(savepoint|release savepoint|rollback to savepoint) /.test(word)) {
      // group commit's own (a savepoint per command): not part of one action's writes
    } else {
      const tx = open.get(s.connection);
      if (tx) tx.push({ text: s.text, params: s.params });
      else out.push({ tx: false, stmt: { text: s.text, params: s.params } });
    }
  }
  if (open.size) throw new Error('a transaction was still open when the request answered');
  return out;
}

// ---- the two lanes ---------------------------------------------------------------------

/** Fixed work: each client runs `op` `n` times in turn; wall time and per-op latency. */
async function fixedWork(
  clients: number,
  n: number,
  op: (client: number, k: number) => Promise<void>,
): Promise<Stats> {
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let k = 0; k < n; k++) {
        const s = performance.now();
        await op(c, k);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const s = stats(latencies, (performance.now() - t0) / 1000);
  return { ...s, total: s.ops };
}

const RAW_APP = 'closeloop_bench_same_writes';
const PREPARED = { prepare: true };

/** Replays one recorded request: its reads one by one, its transaction pipelined. */
async function replay(sql: postgres.Sql, req: Recorded) {
  for (const seg of req) {
    if (!seg.tx) {
      await sql.unsafe(seg.stmt.text, seg.stmt.params as never[], PREPARED);
      continue;
    }
    const c = await sql.reserve();
    try {
      const begin = c.unsafe('begin').execute();
      const sent = seg.stmts.map((s) => c.unsafe(s.text, s.params as never[], PREPARED).execute());
      for (const q of [begin, ...sent]) q.catch(() => {});
      try {
        await begin;
        await Promise.all(sent);
      } catch (e) {
        await Promise.allSettled(sent);
        await c.unsafe('rollback').catch(() => {});
        throw e;
      }
      await c.unsafe('commit');
    } finally {
      c.release();
    }
  }
}

type Cpu = { server: number; db: number };
type PointResult = { api: Stats; base: Stats | null; cpu: Cpu; baseDbCpu: number };

async function runPostgres(url: string) {
  const stamp = `${process.pid}_${Date.now().toString(36)}`;
  const names = {
    tmpl: `cl_perf_t_${stamp}`,
    cap: `cl_perf_c_${stamp}`,
    api: `cl_perf_a_${stamp}`,
    raw: `cl_perf_r_${stamp}`,
  };
  const tmpl = await ownDatabase(url, names.tmpl);
  const dbs: postgres.Sql[] = [];
  let server: Proc | undefined;
  try {
    const { who, points } = await prepare({
      databaseUrl: databaseUrl(url, names.tmpl),
      poolSize: '4',
    });
    for (const n of [names.cap, names.api, names.raw]) await tmpl.clone(n);
    const c0 = performance.now();
    const recorded = await capture(databaseUrl(url, names.cap), who, points);
    const captureMs = performance.now() - c0;
    const perRequest = [...recorded.values()].flat(2);
    const txStmts = median(perRequest.map((r) => r.flatMap((s) => (s.tx ? s.stmts : [])).length));
    const reads = median(perRequest.map((r) => r.filter((s) => !s.tx).length));
    for (const n of [names.api, names.raw]) {
      const s = postgres(databaseUrl(url, n), { max: 1, onnotice: () => {} });
      await s.unsafe('vacuum analyze');
      await s.end();
    }
    server = await spawnServer({
      DATABASE_URL: databaseUrl(url, names.api),
      POOL_SIZE: String(POOL),
      SCHEDULER_INTERVAL_MS: '1000',
      WORKERS: String(WORKERS),
      GROUP_COMMIT: GROUP_COMMIT,
      DATABASE_COALESCE_WRITES: COALESCE,
    });
    if (WORKERS > 1) await Bun.sleep(3000);
    const apiSql = postgres(databaseUrl(url, names.api), { max: 1, onnotice: () => {} });
    const rawOptions = { max: POOL, onnotice: () => {}, connection: { application_name: RAW_APP } };
    const raw = postgres(
      databaseUrl(url, names.raw),
      COALESCE === 'on' ? withCoalescingSocket(rawOptions) : rawOptions,
    );
    dbs.push(apiSql, raw);
    const results = new Map<Point, PointResult>();
    for (const point of points) {
      const target = server;
      const procs = withChildren(target.proc.pid);
      const fetcher = (r: Request) => fetch(r);
      const s0 = cpuSeconds(procs);
      const d0 = cpuSeconds(await appBackendPids(apiSql, 'closeloop', names.api));
      const api = await fixedWork(point.clients, point.actions, async (c, k) => {
        const rec = point.records[c];
        if (!rec) throw new Error('no record');
        await perform(fetcher, target.url, who.rep, rec, k);
      });
      const cpu = {
        server: ((cpuSeconds(procs) - s0) * 1000) / api.ops,
        db:
          ((cpuSeconds(await appBackendPids(apiSql, 'closeloop', names.api)) - d0) * 1000) /
          api.ops,
      };
      const mine = recorded.get(point);
      if (!mine) throw new Error('no capture for a point');
      const r0 = cpuSeconds(await appBackendPids(apiSql, RAW_APP, names.raw));
      const base = await fixedWork(point.clients, point.actions, async (c, k) => {
        const req = mine[c]?.[k];
        if (!req) throw new Error('no recorded request');
        await replay(raw, req);
      });
      const baseDbCpu =
        ((cpuSeconds(await appBackendPids(apiSql, RAW_APP, names.raw)) - r0) * 1000) / base.ops;
      results.set(point, { api, base, cpu, baseDbCpu });
    }
    const same = await sameFinalState(apiSql, raw, who.ws);
    return { results, points, same, captureMs, txStmts, reads };
  } finally {
    await stopServer(server);
    for (const s of dbs) await s.end({ timeout: 5 }).catch(() => {});
    await tmpl.drop(names.cap, names.api, names.raw);
  }
}

/** Whether both clones hold the same records, events, stage visits and timers. */
async function sameFinalState(a: postgres.Sql, b: postgres.Sql, ws: string) {
  const q = (s: postgres.Sql) =>
    s.unsafe(
      `select (select string_agg(id || ':' || version || ':' || event_count, ',' order by id) from records where workspace_id = $1) as records,
              (select count(*)::int from record_events where workspace_id = $1) as events,
              (select string_agg(id || ':' || status, ',' order by id) from timers where workspace_id = $1) as timers,
              (select count(*)::int from stage_visits where workspace_id = $1) as visits`,
      [ws],
    );
  const [x] = await q(a);
  const [y] = await q(b);
  return JSON.stringify(x) === JSON.stringify(y)
    ? 'yes'
    : `NO: ${JSON.stringify(x).slice(0, 200)} vs ${JSON.stringify(y).slice(0, 200)}`;
}

/** The product alone on PGlite (one server process), for the figures beside Postgres. */
async function runPglite() {
  const dir = mkdtempSync(join(tmpdir(), 'closeloop-bench-'));
  let server: Proc | undefined;
  try {
    const { who, points } = await prepare({ dataDir: dir });
    server = await spawnServer({ DATA_DIR: dir, DATABASE_URL: '', SCHEDULER_INTERVAL_MS: '1000' });
    const target = server;
    const results = new Map<Point, PointResult>();
    for (const point of points) {
      const procs = withChildren(target.proc.pid);
      const s0 = cpuSeconds(procs);
      const api = await fixedWork(point.clients, point.actions, async (c, k) => {
        const rec = point.records[c];
        if (!rec) throw new Error('no record');
        await perform(fetch, target.url, who.rep, rec, k);
      });
      results.set(point, {
        api,
        base: null,
        cpu: { server: ((cpuSeconds(procs) - s0) * 1000) / api.ops, db: 0 },
        baseDbCpu: 0,
      });
    }
    return { results, points };
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- report ----------------------------------------------------------------------------

function summarise(lane: string, run: { results: Map<Point, PointResult>; points: Point[] }) {
  return CLIENTS.map((clients) => {
    const mine = run.points.filter((p) => p.run >= 0 && p.clients === clients);
    const got = mine.map((p) => run.results.get(p)).filter((r): r is PointResult => !!r);
    const m = (f: (r: PointResult) => number) => median(got.map(f));
    const ratios = got.flatMap((r) => (r.base ? [r.api.perSecond / r.base.perSecond] : []));
    return {
      db: lane,
      clients,
      'api ops/s': m((r) => r.api.perSecond),
      'api p50 ms': m((r) => r.api.p50),
      'api p99 ms': m((r) => r.api.p99),
      'same-writes ops/s': got[0]?.base ? m((r) => r.base?.perSecond ?? 0) : null,
      'same-writes p50 ms': got[0]?.base ? m((r) => r.base?.p50 ?? 0) : null,
      'same-writes p99 ms': got[0]?.base ? m((r) => r.base?.p99 ?? 0) : null,
      perform_vs_same_writes: ratios.length ? median(ratios) : null,
      'server cpu ms/op': m((r) => r.cpu.server),
      'db cpu ms/op': lane === 'postgres' ? m((r) => r.cpu.db) : null,
      'same-writes db cpu ms/op': lane === 'postgres' ? m((r) => r.baseDbCpu) : null,
      runs: got.length,
      'actions per run': (mine[0]?.actions ?? 0) * clients,
    };
  });
}

const rows: Array<Record<string, number | string | null>> = [];
const extra: Record<string, unknown> = {};
const url = process.env.DATABASE_URL;
if (url) {
  const pg = await runPostgres(url);
  rows.push(...summarise('postgres', pg));
  Object.assign(extra, {
    sameFinalState: pg.same,
    captureSeconds: pg.captureMs / 1000,
    statementsPerActionTransaction: pg.txStmts,
    readsPerAction: pg.reads,
  });
  console.log(
    `captured ${pg.points.reduce((n, p) => n + p.clients * p.actions, 0)} actions in ${(pg.captureMs / 1000).toFixed(1)} s: per action ${pg.reads} statement(s) on their own and a transaction of ${pg.txStmts}; both clones end with the same records, events, visits and timers: ${pg.same}`,
  );
} else {
  console.log(
    'DATABASE_URL is not set: the Postgres lane (and the same-writes baseline) is skipped.',
  );
}
rows.push(...summarise('pglite', await runPglite()));
console.log(
  `\nperformAction over HTTP vs the same writes sent raw, fixed work of ≈${ACTIONS} actions per point, median of ${RUNS} runs (goals: ≥ 0.85× at 16 and 64; p99 < 100 ms at 64; p50 < 5 ms at 1)`,
);
console.log(
  `${WORKERS} server process(es), group commit ${GROUP_COMMIT}, coalesced writes ${COALESCE}; ${machineLine()}\n`,
);
const shown = rows.map((r) =>
  Object.fromEntries(
    Object.entries(r).map(([k, v]) => [
      k,
      v === null
        ? '-'
        : typeof v === 'number' && !Number.isInteger(v)
          ? fmt(v, k.includes('ops/s') ? 0 : 2)
          : String(v),
    ]),
  ),
);
table(shown);
writeResults('server-perform', {
  actions: ACTIONS,
  runs: RUNS,
  workers: WORKERS,
  groupCommit: GROUP_COMMIT,
  coalesceWrites: COALESCE,
  ...extra,
  rows,
});
process.exit(0);
