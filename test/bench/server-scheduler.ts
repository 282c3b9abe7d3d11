/**
 * Benchmark: N due timers (default 100,000) fired by the scheduler — two server processes on
 * Postgres — against a raw SKIP LOCKED loop doing the same writes in the same run (two loops).
 * The same workload on PGlite (one process; PGlite is single-connection) beside it.
 *
 * Production path: the timers are written due tomorrow, the servers start (no test clock),
 * and then one UPDATE makes them all due now; the clock starts there. (An earlier version
 * shifted a test clock instead, which measured the test clock's per-row due test, a path
 * production never takes.)
 *
 * The Postgres lane runs in a database of its own (created and dropped here), VACUUM ANALYZEd
 * after the timers are written.
 *
 *   DATABASE_URL=postgres://… bun test/bench/server-scheduler.ts [--timers 100000] [--pglite-timers 20000]
 */
import { createApp, createDb, migrateDb, parseConfig, systemClock } from '@closeloop/server';
import postgres from 'postgres';
import { type Proc, spawnServer, stopServer } from '../integration/processes.ts';
import { ownDatabase } from './_own-db.ts';
import { machineLine, writeResults } from './_results.ts';
import { makeDue, rawLoops, setupTimers, waitFired } from './_timers.ts';
import { fmt, table } from './server-common.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const N = Number(arg('timers', '100000'));
const N_PGLITE = Number(arg('pglite-timers', String(Math.min(N, 20000))));

const rows: Array<Record<string, string | number>> = [];
const base = process.env.DATABASE_URL;
if (base) {
  const own = await ownDatabase(base, `bench_sched_${process.pid}_${Date.now().toString(36)}`);
  const url = own.url;
  const p = parseConfig({ databaseUrl: url, poolSize: '6' });
  if (!p.ok) throw new Error(p.errors.join());
  const db = await createDb(p.config);
  await migrateDb(db, p.config);
  const due = Date.now() + 24 * 3600_000;
  const apiWs = await setupTimers(db, N, due, 'deadline');
  const rawWs = await setupTimers(db, N, due, 'deadline');
  await db.query('vacuum analyze');
  const env = {
    DATABASE_URL: url,
    SCHEDULER_INTERVAL_MS: '20',
    SCHEDULER_BATCH: '200',
  };
  let a: Proc | undefined;
  let b: Proc | undefined;
  try {
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    await makeDue(db, apiWs, 'deadline');
    const apiSeconds = await waitFired(db, apiWs, N);
    const sql = postgres(url, { max: 4, onnotice: () => {} });
    await makeDue(db, rawWs, 'deadline');
    const t0 = performance.now();
    await rawLoops(
      async (fn) =>
        (await sql.begin((tx) =>
          fn(async (text, params) => [...(await tx.unsafe(text, params as never[]))]),
        )) as number,
      rawWs,
      2,
    );
    const rawSeconds = (performance.now() - t0) / 1000;
    await sql.end();
    rows.push({
      db: 'postgres',
      timers: N,
      'scheduler /s': fmt(N / apiSeconds),
      procs: 2,
      'raw loop /s': fmt(N / rawSeconds),
      loops: 2,
      'sched/raw': fmt(rawSeconds / apiSeconds, 2),
    });
  } finally {
    await Promise.all([stopServer(a), stopServer(b)]);
    await db.close();
    await own.drop();
  }
} else {
  console.log('DATABASE_URL is not set: the Postgres lane is skipped.');
}

{
  // PGlite is one connection in one process: the same scheduler code runs in-process
  const p = parseConfig({
    dataDir: 'memory://',
    schedulerIntervalMs: '0',
    schedulerBatch: '200',
  });
  if (!p.ok) throw new Error(p.errors.join());
  const db = await createDb(p.config);
  await migrateDb(db, p.config);
  const due = Date.now() + 24 * 3600_000;
  const apiWs = await setupTimers(db, N_PGLITE, due, 'deadline');
  const rawWs = await setupTimers(db, N_PGLITE, due, 'deadline');
  await db.query('vacuum analyze');
  const app = createApp({ db, clock: systemClock, config: p.config });
  await makeDue(db, apiWs, 'deadline');
  const t0 = performance.now();
  await app.scheduler.runUntilIdle(apiWs, 60 * 60_000);
  const apiSeconds = (performance.now() - t0) / 1000;
  await makeDue(db, rawWs, 'deadline');
  const t1 = performance.now();
  await rawLoops((fn) => db.transaction(fn), rawWs, 1);
  const rawSeconds = (performance.now() - t1) / 1000;
  await db.close();
  rows.push({
    db: 'pglite',
    timers: N_PGLITE,
    'scheduler /s': fmt(N_PGLITE / apiSeconds),
    procs: 1,
    'raw loop /s': fmt(N_PGLITE / rawSeconds),
    loops: 1,
    'sched/raw': fmt(rawSeconds / apiSeconds, 2),
  });
}
console.log('\nDue timers fired: scheduler through the engine vs a raw SKIP LOCKED loop');
console.log(`${machineLine()}\n`);
table(rows);
writeResults('server-scheduler', { rows });
process.exit(0);
