/**
 * Benchmark (issue 19, item 3): N due timers (default 100,000) fired by two processes, each
 * firing doing the product's work (engine step, events, stage visits, the next timers), by
 *
 * - the scheduler: two server processes (SKIP LOCKED claims of 200, batches committed
 *   together; server/src/services/commands/scheduler.ts);
 * - graphile-worker and pg-boss (npm, on the same Postgres, in the same run): one job per
 *   timer, two worker processes (_timers-peer-worker.ts), each job reading the record,
 *   stepping the engine and writing exactly the statements a scheduler firing writes, in one
 *   transaction on the library's own connection (pg-boss: its transactional worker, which
 *   commits the job's completion with it);
 * - a raw SKIP LOCKED loop in this process (two loops) writing the least a firing writes
 *   (timer, record version, one event; no engine): a floor, not a peer.
 *
 * Each lane runs in a database of its own (created, migrated, filled, VACUUM ANALYZEd, then
 * dropped), so every lane sees the same table sizes. Everything is written before the clock
 * starts, due tomorrow: the timers and, for the peers, the jobs (run_at / start_after
 * tomorrow). The processes start and idle; then one transaction makes the timers (and the
 * jobs) due now, and wakes the peers the way their own enqueue would (graphile-worker's
 * `jobs:insert` NOTIFY, pg-boss's queue NOTIFY); the scheduler's servers poll every 20 ms.
 * The clock stops when N timers are fired. Lag is each timer's fired_at − due_at (the firing
 * transaction's start). CPU is /proc user+system time of the worker processes (with their
 * children) and of the lane's Postgres client backends (autovacuum not counted).
 *
 *   DATABASE_URL=postgres://… bun run bench timers-peers [--timers 100000] [--runs 1]
 *     [--graphile 4/-1,8/9] [--pgboss 4/1,2/20]   concurrency/batch per process, see below
 *     [--lanes scheduler,graphile,pgboss,raw]
 *
 * graphile-worker `c/b`: concurrency c (concurrentJobs) per process; b > 1 turns on its
 * localQueue of b jobs and batched completion (completeJobBatchDelay 0). pg-boss `c/b`:
 * localConcurrency c per process, batchSize b (a batch of jobs is one transaction; with
 * b > 1, burstWhenBatchFull). Pools: c + 2 connections per process (graphile-worker's advice,
 * at least 10 for graphile-worker). Ratios are scheduler/s ÷ peer/s, the peer at its best
 * setting of the run.
 */
import { fileURLToPath } from 'node:url';
import { createDb, migrateDb, parseConfig } from '@closeloop/server';
import { makeWorkerUtils } from 'graphile-worker';
import { PgBoss } from 'pg-boss';
import postgres from 'postgres';
import { type Proc, spawnServer, stopServer } from '../integration/processes.ts';
import { machineLine, median, writeResults } from './_results.ts';
import { firedRung, rawLoops, setupTimers } from './_timers.ts';
import type { PeerOptions } from './_timers-peer-worker.ts';
import { cpuSeconds, fmt, table, withChildren } from './server-common.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const N = Number(arg('timers', '100000'));
const RUNS = Number(arg('runs', '1'));
const settings = (s: string) =>
  s.split(',').map((x) => {
    const [c, b] = x.split('/').map(Number);
    return { concurrency: c ?? 1, batch: b ?? -1 };
  });
const GRAPHILE = settings(arg('graphile', '8/9'));
const PGBOSS = settings(arg('pgboss', '4/10'));
const LANES = arg('lanes', 'scheduler,graphile,pgboss,raw').split(',');
const QUEUE = 'fire-timer';
const BENCH_APP = 'timers-bench';
const WORKER = fileURLToPath(new URL('./_timers-peer-worker.ts', import.meta.url));

const url = process.env.DATABASE_URL;
if (!url) {
  console.log('DATABASE_URL is not set: the timers-peers bench needs Postgres; skipped.');
  process.exit(0);
}

function dbUrl(name: string, app: string): string {
  const u = new URL(url ?? '');
  u.pathname = `/${name}`;
  u.searchParams.set('application_name', app);
  return u.toString();
}

type Lane = {
  name: string;
  setting: string;
  /** Writes what the lane needs before the clock (jobs, schema); not timed. */
  prepare?(lane: LaneDb): Promise<void>;
  /** Starts the processes; returns their pids. */
  start(lane: LaneDb): Promise<{ pids: () => number[]; stop: () => Promise<void> }>;
  /** Statements run in the transaction that makes the timers due (the peers' jobs runnable). */
  wake?: string[];
  /** In-process lanes: runs to the end (the clock stops when it returns). */
  runInline?(lane: LaneDb): Promise<void>;
};

type LaneDb = { name: string; url: string; ws: string; sql: postgres.Sql };

type Figures = {
  lane: string;
  setting: string;
  run: number;
  seconds: number;
  perSecond: number;
  lagP50Ms: number;
  lagP99Ms: number;
  procCpuMsPerFiring: number;
  dbCpuMsPerFiring: number;
};

const jobsOf = (ws: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    w: ws,
    t: `r${from + i}/waiting@1/${firedRung('chain')}`,
    r: `r${from + i}`,
  }));

function spawnPeer(peer: 'graphile' | 'pgboss', opts: PeerOptions) {
  const proc = Bun.spawn(['bun', WORKER, peer, JSON.stringify(opts)], {
    stdout: 'pipe',
    stderr: 'inherit',
    env: process.env,
  });
  const ready = (async () => {
    const reader = proc.stdout.getReader();
    const dec = new TextDecoder();
    let out = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${peer} worker exited before it was ready:\n${out}`);
      out += dec.decode(value);
      if (out.includes('ready')) break;
    }
    // keep draining (its log) so the pipe never fills
    void (async () => {
      for (;;) if ((await reader.read()).done) return;
    })();
  })();
  return { proc, ready };
}

function peerLane(peer: 'graphile' | 'pgboss', s: { concurrency: number; batch: number }): Lane {
  const pool = peer === 'graphile' ? Math.max(10, s.concurrency + 2) : s.concurrency + 2;
  return {
    name: peer === 'graphile' ? 'graphile-worker' : 'pg-boss',
    setting: `c${s.concurrency}/b${s.batch}`,
    async prepare(lane) {
      const tomorrow = new Date(Date.now() + 24 * 3600_000);
      const chunk = 5000;
      if (peer === 'graphile') {
        const utils = await makeWorkerUtils({ connectionString: lane.url });
        await utils.migrate();
        for (let from = 1; from <= N; from += chunk) {
          const to = Math.min(N, from + chunk - 1);
          await utils.addJobs(
            jobsOf(lane.ws, from, to).map((payload) => ({
              identifier: QUEUE,
              payload,
              runAt: tomorrow,
            })),
          );
        }
        await utils.release();
      } else {
        const boss = new PgBoss({ connectionString: lane.url, supervise: false, schedule: false });
        boss.on('error', (e) => console.error('pg-boss', e));
        await boss.start();
        await boss.createQueue(QUEUE, { notify: true });
        for (let from = 1; from <= N; from += chunk) {
          const to = Math.min(N, from + chunk - 1);
          await boss.insert(
            QUEUE,
            jobsOf(lane.ws, from, to).map((data) => ({ data, startAfter: tomorrow })),
          );
        }
        await boss.stop({ graceful: false });
      }
    },
    async start(lane) {
      const opts: PeerOptions = {
        url: lane.url.replace(BENCH_APP, 'timers-peer'),
        ws: lane.ws,
        pool,
        ...s,
      };
      const workers = [spawnPeer(peer, opts), spawnPeer(peer, opts)];
      await Promise.all(workers.map((w) => w.ready));
      return {
        pids: () => workers.flatMap((w) => withChildren(w.proc.pid)),
        stop: async () => {
          for (const w of workers) w.proc.kill('SIGTERM');
          await Promise.race([Promise.all(workers.map((w) => w.proc.exited)), Bun.sleep(5000)]);
          for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
        },
      };
    },
    wake:
      peer === 'graphile'
        ? [
            `update graphile_worker._private_jobs set run_at = now()`,
            `select pg_notify('jobs:insert', '{"r":0,"count":${N}}')`,
          ]
        : [
            `update pgboss.job set start_after = now() where name = '${QUEUE}'`,
            `select pg_notify('pgboss_' || left(encode(sha224('pgboss'::bytea), 'hex'), 24), '${QUEUE}')`,
          ],
  };
}

const schedulerLane: Lane = {
  name: 'scheduler',
  setting: 'interval 20 ms, batch 200',
  async start(lane) {
    const env = {
      DATABASE_URL: lane.url.replace(`application_name=${BENCH_APP}`, 'application_name=closeloop'),
      SCHEDULER_INTERVAL_MS: '20',
      SCHEDULER_BATCH: '200',
    };
    const procs: Proc[] = await Promise.all([spawnServer(env), spawnServer(env)]);
    return {
      pids: () => procs.flatMap((p) => withChildren(p.proc.pid)),
      stop: async () => {
        await Promise.all(procs.map((p) => stopServer(p)));
      },
    };
  },
};

let rawSql: postgres.Sql | null = null;
const rawLane: Lane = {
  name: 'raw loop',
  setting: '2 loops, batch 200',
  async start(lane) {
    // its two connections open before the clock, so their backends' CPU is counted
    const sql = postgres(lane.url.replace(BENCH_APP, 'timers-raw'), { max: 2, onnotice: () => {} });
    await Promise.all([sql`select pg_sleep(0.05)`, sql`select pg_sleep(0.05)`]);
    rawSql = sql;
    return { pids: () => [], stop: () => sql.end() };
  },
  async runInline(lane) {
    const sql = rawSql;
    if (!sql) throw new Error('raw lane not started');
    await rawLoops(
      async (fn) =>
        (await sql.begin((tx) =>
          fn(async (text, params) => [...(await tx.unsafe(text, params as never[]))]),
        )) as number,
      lane.ws,
      2,
    );
  },
};

async function backends(sql: postgres.Sql, name: string): Promise<number[]> {
  const rows = await sql`select pid from pg_stat_activity
    where datname = ${name} and backend_type = 'client backend' and application_name <> ${BENCH_APP}`;
  return rows.map((r) => Number(r.pid));
}

async function runLane(lane: Lane, run: number): Promise<Figures> {
  const name = `closeloop_bench_timers_${process.pid}_${run}_${lane.name.replace(/\W/g, '')}`;
  const admin = postgres(url ?? '', { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const laneUrl = dbUrl(name, BENCH_APP);
  try {
    const p = parseConfig({ databaseUrl: laneUrl, poolSize: '4' });
    if (!p.ok) throw new Error(p.errors.join());
    const db = await createDb(p.config);
    await migrateDb(db, p.config);
    const ws = await setupTimers(db, N, Date.now() + 24 * 3600_000, 'chain');
    await db.close();
    const sql = postgres(laneUrl, { max: 2, onnotice: () => {} });
    const ld: LaneDb = { name, url: laneUrl, ws, sql };
    await lane.prepare?.(ld);
    await sql.unsafe('vacuum analyze');
    const procs = await lane.start(ld);
    let fired = 0;
    let seconds = 0;
    let procCpu = 0;
    let dbCpu = 0;
    try {
      const before = await backends(sql, name);
      const p0 = cpuSeconds(procs.pids());
      const d0 = cpuSeconds(before);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await sql.begin(async (tx) => {
        await tx`update timers set due_at = now() where workspace_id = ${ws} and rung = ${firedRung('chain')}`;
        for (const s of lane.wake ?? []) await tx.unsafe(s);
      });
      if (lane.runInline) await lane.runInline(ld);
      for (;;) {
        const [row] = await sql`select count(*)::int as n from timers
          where workspace_id = ${ws} and status = 'fired'`;
        fired = Number(row?.n);
        if (fired >= N) break;
        await Bun.sleep(200);
      }
      seconds = (performance.now() - t0) / 1000;
      const after = await backends(sql, name);
      procCpu = cpuSeconds(procs.pids()) - p0;
      if (lane.runInline) {
        const c = process.cpuUsage(c0);
        procCpu += (c.user + c.system) / 1e6;
      }
      dbCpu = cpuSeconds([...new Set([...before, ...after])]) - d0;
    } finally {
      await procs.stop();
    }
    const [lag] = await sql`select
        percentile_cont(0.5) within group (order by extract(epoch from fired_at - due_at)) as p50,
        percentile_cont(0.99) within group (order by extract(epoch from fired_at - due_at)) as p99
      from timers where workspace_id = ${ws} and status = 'fired' and rung = ${firedRung('chain')}`;
    await sql.end();
    const f: Figures = {
      lane: lane.name,
      setting: lane.setting,
      run,
      seconds,
      perSecond: N / seconds,
      lagP50Ms: Number(lag?.p50) * 1000,
      lagP99Ms: Number(lag?.p99) * 1000,
      procCpuMsPerFiring: (procCpu * 1000) / N,
      dbCpuMsPerFiring: (dbCpu * 1000) / N,
    };
    console.log(
      `  run ${run} ${lane.name} ${lane.setting}: ${f.perSecond.toFixed(0)} timers/s (${seconds.toFixed(1)} s); ${machineLine()}`,
    );
    return f;
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const lanes: Lane[] = [
  ...(LANES.includes('scheduler') ? [schedulerLane] : []),
  ...(LANES.includes('graphile') ? GRAPHILE.map((s) => peerLane('graphile', s)) : []),
  ...(LANES.includes('pgboss') ? PGBOSS.map((s) => peerLane('pgboss', s)) : []),
  ...(LANES.includes('raw') ? [rawLane] : []),
];
console.log(`timers-peers: ${N} timers, ${RUNS} run(s); ${machineLine()}`);
const all: Figures[] = [];
for (let run = 1; run <= RUNS; run++) {
  for (const lane of lanes) all.push(await runLane(lane, run));
}

const keys = [...new Set(all.map((f) => `${f.lane}\u0000${f.setting}`))];
const medians = keys.map((k) => {
  const fs = all.filter((f) => `${f.lane}\u0000${f.setting}` === k);
  const m = (pick: (f: Figures) => number) => median(fs.map(pick));
  return {
    lane: fs[0]?.lane ?? '',
    setting: fs[0]?.setting ?? '',
    runs: fs.length,
    perSecond: m((f) => f.perSecond),
    lagP50Ms: m((f) => f.lagP50Ms),
    lagP99Ms: m((f) => f.lagP99Ms),
    procCpuMsPerFiring: m((f) => f.procCpuMsPerFiring),
    dbCpuMsPerFiring: m((f) => f.dbCpuMsPerFiring),
  };
});
const best = (lane: string) =>
  medians.filter((m) => m.lane === lane).sort((a, b) => b.perSecond - a.perSecond)[0];
const sched = best('scheduler');
const ratio = (lane: string) => {
  const peer = best(lane);
  return sched && peer ? sched.perSecond / peer.perSecond : null;
};
const ratios = {
  scheduler_vs_graphile_worker: ratio('graphile-worker'),
  scheduler_vs_pg_boss: ratio('pg-boss'),
  scheduler_vs_raw_loop: ratio('raw loop'),
};

console.log(
  `\nDue timers fired by two processes (engine step, events, stage visits, next timers), median of ${RUNS} run(s)`,
);
console.log(`  ${machineLine()}\n`);
table(
  medians.map((m) => ({
    lane: m.lane,
    setting: m.setting,
    timers: N,
    'timers/s': fmt(m.perSecond),
    'lag p50 ms': fmt(m.lagP50Ms, 0),
    'lag p99 ms': fmt(m.lagP99Ms, 0),
    'proc CPU ms/firing': fmt(m.procCpuMsPerFiring, 3),
    'db CPU ms/firing': fmt(m.dbCpuMsPerFiring, 3),
  })),
);
console.log('');
for (const [k, v] of Object.entries(ratios))
  console.log(`  ${k}: ${v === null ? '-' : v.toFixed(2)}`);
writeResults('timers-peers', {
  timers: N,
  runs: RUNS,
  medians,
  ratios,
  all,
  settings: { graphile: GRAPHILE, pgboss: PGBOSS },
});
process.exit(0);
