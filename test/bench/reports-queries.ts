/**
 * Benchmark: each dashboard query on the generated data set (generate-events.ts: 1M records,
 * ~10M events) on Postgres, through the real report verbs, as an admin (whole workspace)
 * and as a manager (one team). Reports medians with, from the same run, a baseline — a plain
 * count(*) over the workspace's events — so machine noise is visible. Goal: under 300 ms per
 * query. Nothing is asserted.
 *
 *   DATABASE_URL=postgres://… bun test/bench/reports-queries.ts [--runs 7] [--keep-rollup] [name…]
 *
 * It rebuilds the daily rollup first (timed) unless --keep-rollup.
 */
import { chinaCalendar } from '@closeloop/engine';
import { createApp } from '../../server/src/app.ts';
import { parseConfig } from '../../server/src/config.ts';
import { createDb } from '../../server/src/db/client.ts';
import { migrateDb } from '../../server/src/db/migrate.ts';
import { loadUserInfo } from '../../server/src/services/auth/sessions.ts';
import type { Ctx } from '../../server/src/services/core/context.ts';
import {
  exportReport,
  getBottleneckMap,
  getBreaches,
  getFunnel,
  getOutcomes,
  getStageTimes,
  getTrends,
  getWorkload,
} from '../../server/src/services/reports/index.ts';
import { refreshRollup, rollupOptions } from '../../server/src/services/reports/rollup.ts';
import { loadSopContext } from '../../server/src/services/reports/scope.ts';
import { BENCH_SOP, BENCH_WS } from './_bench-data.ts';
import { writeResults } from './_results.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.log('reports-queries: DATABASE_URL is not set; skipped (Postgres only).');
  process.exit(0);
}
const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) || 7 : 7;
/** Case names to run (substrings); all when none is given. */
const only = () => args.filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));

const parsed = parseConfig({ databaseUrl: url, schedulerIntervalMs: 0, seed: 'off', poolSize: 4 });
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const db = await createDb(parsed.config);
await migrateDb(db, parsed.config); // the rollup tables (0007) on a data set made before them
const counts = await db.query(
  `select (select count(*) from records where workspace_id = $1)::int as records,
          (select count(*) from record_events where workspace_id = $1)::int as events`,
  [BENCH_WS],
);
const size = counts[0];
if (!size || Number(size.records) === 0) {
  console.log(
    'reports-queries: no benchmark data; run test/bench/generate-events.ts first. Skipped.',
  );
  await db.close();
  process.exit(0);
}
const app = createApp({ db, clock: { now: () => Date.now() }, config: parsed.config });

async function ctxFor(email: string): Promise<Ctx> {
  const rows = await db.query('select id from users where workspace_id = $1 and email = $2', [
    BENCH_WS,
    email,
  ]);
  const info = await loadUserInfo(db, BENCH_WS, String(rows[0]?.id), false);
  if (!info) throw new Error(`no user ${email}`);
  const ctx: Ctx = {
    ...app.deps,
    user: info.user,
    now: Date.now(),
    calendar: info.calendar ?? chinaCalendar,
    clockOffsetMs: 0,
  };
  // a request's ctx.now is its start; here every call is a new request
  Object.defineProperty(ctx, 'now', { get: () => Date.now() });
  return ctx;
}
const admin = await ctxFor('admin@bench.test');
const manager = await ctxFor('manager1@bench.test');

const day = (offset: number) =>
  new Date(Date.now() + 8 * 3600_000 - offset * 86_400_000).toISOString().slice(0, 10);
const last30 = { sopId: BENCH_SOP }; // the default period: the last 30 days
const last90 = { sopId: BENCH_SOP, from: day(89), to: day(0) };
const last365 = { sopId: BENCH_SOP, from: day(364), to: day(0) };

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm the cache and the plan
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

// the daily rollup behind periods over 31 days: its first build, then an incremental refresh
// after ~100 scattered writes (records of any age touched, as a command would), then the
// freshness check every long-period report makes when nothing changed
const ref = await loadSopContext(admin, BENCH_SOP);
if (!args.includes('--keep-rollup')) {
  await db.query('delete from report_rollup_state where workspace_id = $1 and sop_id = $2', [
    BENCH_WS,
    BENCH_SOP,
  ]);
}
let t0 = performance.now();
const build = await refreshRollup(admin, ref);
const buildMs = performance.now() - t0;
const rows = await db.query(
  'select count(*)::int as n from report_days where workspace_id = $1 and sop_id = $2',
  [BENCH_WS, BENCH_SOP],
);
await db.query(
  `update records set updated_at = now(), version = version + 1
    where workspace_id = $1 and id in (select 'rec-' || lpad((1 + (g * 9973) % $2)::text, 8, '0')
                                         from generate_series(1, 100) g)`,
  [BENCH_WS, Number(size.records)],
);
t0 = performance.now();
const incr = await refreshRollup(admin, ref);
const incrMs = performance.now() - t0;
// and 10 writes to today's records, the usual case
await db.query(
  `update records set updated_at = now(), version = version + 1
    where workspace_id = $1 and id in (select 'rec-' || lpad((${Number(size.records)} - g * 7)::text, 8, '0')
                                         from generate_series(0, 9) g)`,
  [BENCH_WS],
);
t0 = performance.now();
const today = await refreshRollup(admin, ref);
const todayMs = performance.now() - t0;
const once = (name: string, ms: number) =>
  `  ${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  (once)`;
const rollupLines = [
  once(
    `rollup build (${build.rebuilt ? 'full' : 'incr.'}, ${build.days} d, ${rows[0]?.n} rows)`,
    buildMs,
  ),
  once(`rollup refresh, 100 scattered writes (${incr.days} d)`, incrMs),
  once(`rollup refresh, 10 writes today (${today.days} d)`, todayMs),
];

type Case = [name: string, fn: () => Promise<unknown>];
const cases: Case[] = [
  [
    'baseline: count(*) of the workspace events',
    () => db.query('select count(*) from record_events where workspace_id = $1', [BENCH_WS]),
  ],
  [
    'baseline: count(*) of the workspace records',
    () => db.query('select count(*) from records where workspace_id = $1', [BENCH_WS]),
  ],
  ['getFunnel (admin, 30 d)', () => getFunnel({ ctx: admin, input: last30 })],
  ['getStageTimes (admin, 30 d)', () => getStageTimes({ ctx: admin, input: last30 })],
  ['getBreaches (admin, 30 d)', () => getBreaches({ ctx: admin, input: last30 })],
  ['getWorkload (admin, now)', () => getWorkload({ ctx: admin, input: { sopId: BENCH_SOP } })],
  ['getOutcomes (admin, 30 d)', () => getOutcomes({ ctx: admin, input: last30 })],
  ['getTrends (admin, 30 d)', () => getTrends({ ctx: admin, input: last30 })],
  ['getBottleneckMap (admin, 30 d)', () => getBottleneckMap({ ctx: admin, input: last30 })],
  [
    'exportReport funnel CSV (admin, 30 d)',
    () => exportReport({ ctx: admin, input: { report: 'funnel', lang: 'zh-CN', filters: last30 } }),
  ],
  ['getFunnel (manager, 1 team, 30 d)', () => getFunnel({ ctx: manager, input: last30 })],
  [
    'getBottleneckMap (manager, 1 team, 30 d)',
    () => getBottleneckMap({ ctx: manager, input: last30 }),
  ],
  [
    'getFunnel version 2 (A/B side, 30 d)',
    () => getFunnel({ ctx: admin, input: { ...last30, version: 2 } }),
  ],
  ['getFunnel (admin, 90 d)', () => getFunnel({ ctx: admin, input: last90 })],
  ['getStageTimes (admin, 90 d)', () => getStageTimes({ ctx: admin, input: last90 })],
  ['getTrends (admin, 90 d)', () => getTrends({ ctx: admin, input: last90 })],
  ['getBottleneckMap (admin, 90 d)', () => getBottleneckMap({ ctx: admin, input: last90 })],
  // a year-long cohort (~365k records, ~1.2M visits): the stretch goal, reported honestly
  ['getFunnel (admin, 365 d)', () => getFunnel({ ctx: admin, input: last365 })],
  ['getStageTimes (admin, 365 d)', () => getStageTimes({ ctx: admin, input: last365 })],
  ['getBreaches (admin, 365 d)', () => getBreaches({ ctx: admin, input: last365 })],
  ['getBottleneckMap (admin, 365 d)', () => getBottleneckMap({ ctx: admin, input: last365 })],
  ['rollup freshness check (nothing written)', () => refreshRollup(admin, ref)],
  ['getBreaches (admin, 90 d)', () => getBreaches({ ctx: admin, input: last90 })],
  ['getWorkload (admin, 365 d)', () => getWorkload({ ctx: admin, input: last365 })],
  ['getOutcomes (admin, 90 d)', () => getOutcomes({ ctx: admin, input: last90 })],
  ['getOutcomes (admin, 365 d)', () => getOutcomes({ ctx: admin, input: last365 })],
  ['getTrends (admin, 365 d)', () => getTrends({ ctx: admin, input: last365 })],
  [
    'exportReport funnel CSV (admin, 90 d)',
    () => exportReport({ ctx: admin, input: { report: 'funnel', lang: 'zh-CN', filters: last90 } }),
  ],
  [
    'exportReport funnel CSV (admin, 365 d)',
    () =>
      exportReport({ ctx: admin, input: { report: 'funnel', lang: 'zh-CN', filters: last365 } }),
  ],
  ['getFunnel (manager, 1 team, 90 d)', () => getFunnel({ ctx: manager, input: last90 })],
  ['getFunnel (manager, 1 team, 365 d)', () => getFunnel({ ctx: manager, input: last365 })],
  [
    'getBottleneckMap (manager, 1 team, 90 d)',
    () => getBottleneckMap({ ctx: manager, input: last90 }),
  ],
  [
    'getBottleneckMap (manager, 1 team, 365 d)',
    () => getBottleneckMap({ ctx: manager, input: last365 }),
  ],
  [
    'getFunnel version 2 (A/B side, 90 d)',
    () => getFunnel({ ctx: admin, input: { ...last90, version: 2 } }),
  ],
  [
    'getFunnel version 2 (A/B side, 365 d)',
    () => getFunnel({ ctx: admin, input: { ...last365, version: 2 } }),
  ],
  [
    'getStageTimes (admin, 365 d, histograms summed in JS)',
    async () => {
      rollupOptions.sumInSql = false;
      try {
        return await getStageTimes({ ctx: admin, input: last365 });
      } finally {
        rollupOptions.sumInSql = true;
      }
    },
  ],
];

console.log(
  `reports-queries: ${Number(size.records).toLocaleString()} records, ${Number(size.events).toLocaleString()} events (workspace "${BENCH_WS}"), median of ${RUNS} runs after one warm-up`,
);
for (const line of rollupLines) console.log(line);
let baseline = 0;
const results: Array<{ name: string; medianMs: number; ratio: number }> = [];
for (const [name, fn] of cases) {
  if (only().length && !name.startsWith('baseline') && !only().some((o) => name.includes(o))) {
    continue;
  }
  const ms = await median(fn);
  if (!baseline) baseline = ms;
  results.push({ name, medianMs: ms, ratio: ms / baseline });
  const goal = name.startsWith('baseline') ? '' : ms <= 300 ? '  ✓ < 300 ms' : '  ✗ > 300 ms';
  console.log(
    `  ${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / baseline).toFixed(2).padStart(5)}× baseline${goal}`,
  );
}
writeResults('reports-queries', { records: Number(size.records), runs: RUNS, results });
await app.stop();
await db.close();
