/**
 * Lead import end to end: a GBK CSV of N rows is uploaded over HTTP, parsed in the worker,
 * planned, and run (each row a record created through the engine in its own transaction),
 * against Postgres COPY of the same rows into a bare table in the same run. Reports rows/s,
 * the ratio and the process's peak RSS; writes bench-results/intake-import.json.
 *
 *   DATABASE_URL=postgres://… bun test/bench/intake-import.ts      (INTAKE_BENCH_ROWS=2000 for a quick run)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
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
import { benchSop } from './server-common.ts';

const N = Number(process.env.INTAKE_BENCH_ROWS ?? 100_000);
const url = process.env.DATABASE_URL;
if (!url) {
  console.log(
    'DATABASE_URL is not set: the intake import bench needs Postgres for its COPY baseline; skipped.',
  );
  process.exit(0);
}

const rows = Array.from({ length: N }, (_, i) => [
  `公司${i}`,
  `联系人${i}`,
  `13${String(1_000_000_000 + i).slice(1)}`,
]);
const csv = encodeGbk(toCsv([['公司', '联系人', '手机'], ...rows]));

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

// baseline: COPY the same rows into a bare table
const sql = postgres(url, { max: 1, onnotice: () => {} });
const table = `bench_copy_${process.pid}`;
await sql.unsafe(`create unlogged table ${table} (company text, contact text, phone text)`);
const c0 = performance.now();
const writable = await sql.unsafe(`copy ${table} from stdin with (format csv)`).writable();
await new Promise<void>((resolve, reject) => {
  writable.on('error', reject);
  writable.on('finish', () => resolve());
  writable.end(Buffer.from(rows.map((r) => r.join(',')).join('\n')));
});
const copySeconds = (performance.now() - c0) / 1000;
await sql.unsafe(`drop table ${table}`);
await sql.end();

// the import through the API
const p = parseConfig({
  databaseUrl: url,
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
const ws = await createWorkspace(db, {
  name: `bench ${tag}`,
  users: [
    { email: `admin-${tag}@bench.test`, name: 'Admin', role: 'admin', password: 'bench-pass-1' },
  ],
  teams: [{ id: 'sales', name: 'Sales', members: [`admin-${tag}@bench.test`] }],
});
const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: `admin-${tag}@bench.test`, password: 'bench-pass-1' }),
});
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
const h = { cookie, 'x-closeloop-csrf': '1' };
const doc = benchSop(`bench-intake-${tag}`);
doc.fields.push({ key: 'company', type: 'text', label: { 'zh-CN': '公司', en: 'Company' } });
doc.fields.push({ key: 'contact', type: 'text', label: { 'zh-CN': '联系人', en: 'Contact' } });
doc.fields.push({ key: 'phone', type: 'phone', label: { 'zh-CN': '手机', en: 'Phone' } });
const json = { ...h, 'content-type': 'application/json' };
await fetch(`${base}/api/sops`, { method: 'POST', headers: json, body: JSON.stringify({ doc }) });
const pub = await fetch(`${base}/api/sops/${doc.id}/publish`, {
  method: 'POST',
  headers: json,
  body: '{}',
});
if (pub.status >= 300) throw new Error(`publish ${pub.status} ${await pub.text()}`);

const t0 = performance.now();
const form = new FormData();
form.set('file', new File([csv.slice()], 'bench.csv'));
form.set('sopId', doc.id);
const up = await fetch(`${base}/api/imports`, { method: 'POST', headers: h, body: form });
const upBody = (await up.json()) as { import: { id: string } };
if (up.status !== 201) throw new Error(`upload ${up.status} ${JSON.stringify(upBody)}`);
const uploadSeconds = (performance.now() - t0) / 1000;
const id = upBody.import.id;
await fetch(`${base}/api/imports/${id}/run`, { method: 'POST', headers: json, body: '{}' });
let last: { status: string; created: number; processed: number } = {
  status: 'running',
  created: 0,
  processed: 0,
};
while (['running', 'cancelling'].includes(last.status)) {
  await Bun.sleep(250);
  last = (await (await fetch(`${base}/api/imports/${id}`, { headers: h })).json()) as typeof last;
}
const importSeconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
server.stop(true);
await app.stop();
await db.close();

const result = {
  rows: N,
  ws: ws.id,
  status: last.status,
  created: last.created,
  import: {
    seconds: importSeconds,
    rowsPerSecond: N / importSeconds,
    uploadAndParseSeconds: uploadSeconds,
  },
  copy: { seconds: copySeconds, rowsPerSecond: N / copySeconds },
  ratio: { importVsCopy: N / importSeconds / (N / copySeconds) },
  peakRssMb: Math.round(peakRss / 1024 / 1024),
};
console.log(JSON.stringify(result, null, 2));
const out = join(import.meta.dir, '..', '..', 'bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'intake-import.json'), `${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
