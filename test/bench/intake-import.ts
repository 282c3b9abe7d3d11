/**
 * Lead import end to end: a GBK CSV of N rows (default 100,000) is uploaded over HTTP, parsed
 * in the worker, planned, and run in batches (every row matched to its customer and created
 * through the engine: events, owner rule, stage visit, SLA timer), against Postgres COPY of
 * the same rows into a bare table in the same run. Postgres runs in a database of its own,
 * vacuumed and analysed before measuring; a smaller import on embedded PGlite is measured
 * beside it. Reports medians (COPY: 5 runs; the import: INTAKE_BENCH_RUNS, default 1 at
 * 100,000 rows), rows/s, the ratio and the process's peak RSS (server, worker and client
 * share it); writes bench-results/intake-import.json.
 *
 *   DATABASE_URL=postgres://… bun run bench intake-import
 *   INTAKE_BENCH_ROWS=5000 INTAKE_BENCH_RUNS=3 INTAKE_BENCH_PGLITE_ROWS=2000 … (a quicker run)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  createApp,
  createDb,
  createWorkspace,
  encodeGbk,
  migrateDb,
  parseConfig,
  systemClock,
  toCsv,
} from '@closeloop/server';
import postgres from 'postgres';
import { companyName } from '../integration/company-names.ts';
import { ownDatabase } from './_own-db.ts';
import { median } from './_results.ts';
import { benchSop } from './server-common.ts';

const N = Number(process.env.INTAKE_BENCH_ROWS ?? 100_000);
const RUNS = Number(process.env.INTAKE_BENCH_RUNS ?? (N >= 50_000 ? 1 : 3));
const PGLITE_N = Number(process.env.INTAKE_BENCH_PGLITE_ROWS ?? 2000);
const url = process.env.DATABASE_URL;
if (!url) {
  console.log(
    'DATABASE_URL is not set: the intake import bench needs Postgres for its COPY baseline; skipped.',
  );
  process.exit(0);
}

/** Distinct companies, contacts and mobiles; `run` keeps runs from repeating each other. */
const rowsOf = (n: number, run: number) =>
  Array.from({ length: n }, (_, i) => [
    companyName(run * 1_000_000 + i),
    `联系人${i}`,
    `13${run % 10}${String(i).padStart(8, '0')}`,
  ]);

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

// the bench's own database, so its tables hold nothing but what it writes
const own = await ownDatabase(url, `closeloop_bench_import_${process.pid}`);
const benchUrl = own.url;

/** COPY of the same rows into a bare table: the floor of writing N rows at all. */
async function copySeconds(rows: string[][]): Promise<number> {
  const sql = postgres(benchUrl, { max: 1, onnotice: () => {} });
  const table = `bench_copy_${process.pid}`;
  await sql.unsafe(`create unlogged table ${table} (company text, contact text, phone text)`);
  const c0 = performance.now();
  const writable = await sql.unsafe(`copy ${table} from stdin with (format csv)`).writable();
  await new Promise<void>((resolve, reject) => {
    writable.on('error', reject);
    writable.on('finish', () => resolve());
    writable.end(Buffer.from(rows.map((r) => r.join(',')).join('\n')));
  });
  const s = (performance.now() - c0) / 1000;
  await sql.unsafe(`drop table ${table}`);
  await sql.end();
  return s;
}

type ImportRun = {
  seconds: number;
  uploadAndParseSeconds: number;
  created: number;
  status: string;
};

/** One app over `databaseUrl` (PGlite in memory when absent); imports each file once. */
async function importRuns(databaseUrl: string | undefined, files: string[][][]) {
  const p = parseConfig({
    ...(databaseUrl ? { databaseUrl } : {}),
    dataDir: 'memory://',
    seed: 'off',
    poolSize: '10',
    editorDist: '/nonexistent',
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  const db = await createDb(p.config);
  await migrateDb(db, p.config);
  const app = createApp({ db, clock: systemClock, config: p.config });
  await app.start();
  const server = Bun.serve({ port: 0, fetch: app.fetch, idleTimeout: 0 });
  const base = `http://127.0.0.1:${server.port}`;
  const tag = crypto.randomUUID().slice(0, 8);
  const email = (who: string) => `${who}-${tag}@bench.test`;
  await createWorkspace(db, {
    name: `bench ${tag}`,
    users: [
      { email: email('admin'), name: 'Admin', role: 'admin', password: 'bench-pass-1' },
      { email: email('rep1'), name: 'Rep 1', role: 'rep', password: 'bench-pass-1' },
      { email: email('rep2'), name: 'Rep 2', role: 'rep', password: 'bench-pass-1' },
    ],
    teams: [{ id: 'sales', name: 'Sales', members: [email('rep1'), email('rep2')] }],
  });
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: email('admin'), password: 'bench-pass-1' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const h = { cookie, 'x-closeloop-csrf': '1' };
  const json = { ...h, 'content-type': 'application/json' };
  const doc = benchSop(`bench-intake-${tag}`);
  doc.fields.push({ key: 'company', type: 'text', label: { 'zh-CN': '公司', en: 'Company' } });
  doc.fields.push({ key: 'contact', type: 'text', label: { 'zh-CN': '联系人', en: 'Contact' } });
  doc.fields.push({ key: 'phone', type: 'phone', label: { 'zh-CN': '手机', en: 'Phone' } });
  await fetch(`${base}/api/sops`, { method: 'POST', headers: json, body: JSON.stringify({ doc }) });
  const pub = await fetch(`${base}/api/sops/${doc.id}/publish`, {
    method: 'POST',
    headers: json,
    body: '{}',
  });
  if (pub.status >= 300) throw new Error(`publish ${pub.status} ${await pub.text()}`);
  const out: ImportRun[] = [];
  for (const rows of files) {
    if (databaseUrl) await db.query('vacuum analyze');
    const csv = encodeGbk(toCsv([['公司', '联系人', '手机'], ...rows]));
    const t0 = performance.now();
    const form = new FormData();
    form.set('file', new File([csv.slice()], 'bench.csv'));
    form.set('sopId', doc.id);
    const up = await fetch(`${base}/api/imports`, { method: 'POST', headers: h, body: form });
    const upBody = (await up.json()) as { import: { id: string } };
    if (up.status !== 201) throw new Error(`upload ${up.status} ${JSON.stringify(upBody)}`);
    const uploadAndParseSeconds = (performance.now() - t0) / 1000;
    const id = upBody.import.id;
    await fetch(`${base}/api/imports/${id}/run`, { method: 'POST', headers: json, body: '{}' });
    let last = { status: 'running', created: 0, processed: 0 };
    while (['running', 'cancelling'].includes(last.status)) {
      await Bun.sleep(250);
      last = (await (
        await fetch(`${base}/api/imports/${id}`, { headers: h })
      ).json()) as typeof last;
    }
    const seconds = (performance.now() - t0) / 1000;
    out.push({ seconds, uploadAndParseSeconds, created: last.created, status: last.status });
    console.log(
      `  ${databaseUrl ? 'postgres' : 'pglite'}: ${rows.length} rows ${last.status} in ${seconds.toFixed(1)} s (${(rows.length / seconds).toFixed(0)} rows/s)`,
    );
  }
  server.stop(true);
  await app.stop();
  await db.close();
  return out;
}

const load0 = loadavg();
console.log(
  `intake-import: ${N} rows × ${RUNS} on Postgres, ${PGLITE_N} on PGlite; ${availableParallelism()} cores (nproc); load average ${load0.map((l) => l.toFixed(2)).join(' ')}`,
);
let result: Record<string, unknown>;
try {
  const files = Array.from({ length: RUNS }, (_, r) => rowsOf(N, r));
  const copies: number[] = [];
  for (let i = 0; i < 5; i++) copies.push(await copySeconds(files[0] ?? []));
  const pgRuns = await importRuns(benchUrl, files);
  const liteRuns = PGLITE_N > 0 ? await importRuns(undefined, [rowsOf(PGLITE_N, 0)]) : [];
  const importSeconds = median(pgRuns.map((r) => r.seconds));
  const copyMedian = median(copies);
  const liteSeconds = median(liteRuns.map((r) => r.seconds));
  result = {
    rows: N,
    runs: RUNS,
    nproc: availableParallelism(),
    loadAverage: { before: load0, after: loadavg() },
    import: {
      medianSeconds: importSeconds,
      rowsPerSecond: N / importSeconds,
      medianUploadAndParseSeconds: median(pgRuns.map((r) => r.uploadAndParseSeconds)),
      runs: pgRuns,
    },
    copy: { medianSeconds: copyMedian, rowsPerSecond: N / copyMedian, runs: copies },
    ratio: { importVsCopy: N / importSeconds / (N / copyMedian) },
    pglite: liteRuns.length
      ? {
          rows: PGLITE_N,
          medianSeconds: liteSeconds,
          rowsPerSecond: PGLITE_N / liteSeconds,
          runs: liteRuns,
        }
      : null,
    peakRssMb: Math.round(peakRss / 1024 / 1024),
  };
} finally {
  clearInterval(sampler);
  await own.drop();
}
console.log(JSON.stringify(result, null, 2));
const out = join(import.meta.dir, '..', '..', 'bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'intake-import.json'), `${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
