/**
 * Benchmark: the duplicate check of every entry point (matchCustomers: hard keys, the >20
 * fan-out cut, the trigram look-alike search) against N customers, beside a baseline measured
 * in the same run — a bare indexed lookup of the same phone key in customer_keys. Reports p50,
 * p99 and their ratios, and the same for a lead with no hard key (the look-alike search
 * alone); writes bench-results/customers-duplicates.json. Nothing is asserted.
 *
 *   DATABASE_URL=postgres://… bun test/bench/customers-duplicates.ts      # 1,000,000 customers
 *   CUSTOMERS_N=50000 bun test/bench/customers-duplicates.ts             # PGlite, smaller N
 *
 * Rows are generated with generate_series and kept between runs (same N: reused).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { companyKey } from '@closeloop/engine/customers';
import { parseConfig } from '../../server/src/config.ts';
import { createDb } from '../../server/src/db/client.ts';
import { migrateDb } from '../../server/src/db/migrate.ts';
import { matchCustomers } from '../../server/src/services/customers/resolve-customer.ts';
import { fmt, stats, table } from './server-common.ts';

const WS = 'bench-customers';
const url = process.env.DATABASE_URL;
const N = Number(process.env.CUSTOMERS_N) || (url ? 1_000_000 : 50_000);
const RUNS = Number(process.env.CUSTOMERS_RUNS) || 1_000;

const parsed = parseConfig({
  ...(url ? { databaseUrl: url } : { dataDir: 'memory://' }),
  schedulerIntervalMs: 0,
  seed: 'off',
  poolSize: 4,
});
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const db = await createDb(parsed.config);
await migrateDb(db, parsed.config);

const have = await db.query(
  `select (select count(*)::int from customers where workspace_id = $1) as n,
          (select count(*)::int from customer_keys where workspace_id = $1) as k`,
  [WS],
);
if (Number(have[0]?.n) !== N || Number(have[0]?.k) !== 3 * N) {
  const t0 = performance.now();
  await db.query('delete from customer_keys where workspace_id = $1', [WS]);
  await db.query('delete from customers where workspace_id = $1', [WS]);
  // a company per i: a name of 12 hex characters plus 贸易有限公司, a mobile and an e-mail
  await db.query(
    `insert into customers (workspace_id, id, kind, name, name_key, owner_id, pool_state, created_at, updated_at)
     select $1, 'c' || i, 'company', substr(md5(i::text), 1, 12) || '贸易有限公司',
            substr(md5(i::text), 1, 12) || '贸易', 'u' || (i % 50), 'owned', now(), now()
       from generate_series(1, $2::int) as i`,
    [WS, N],
  );
  await db.query(
    `insert into customer_keys (workspace_id, kind, value, customer_id)
     select $1, k.kind, k.value, 'c' || i
       from generate_series(1, $2::int) as i
      cross join lateral (values
        ('phone', '+86138' || lpad(i::text, 8, '0')),
        ('email', 'u' || i || '@example.com'),
        ('company', substr(md5(i::text), 1, 12) || '贸易')) as k(kind, value)`,
    [WS, N],
  );
  console.log(`generated ${N} customers in ${Math.round(performance.now() - t0)} ms`);
}
// fresh statistics and visibility maps before anything is measured
await db.query('vacuum analyze customers');
await db.query('vacuum analyze customer_keys');
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(`${availableParallelism()} cores (nproc); load average before ${load()}`);

const md5 = (s: string) => new Bun.CryptoHasher('md5').update(s).digest('hex');
const pick = () => 1 + Math.floor(Math.random() * N);
const phoneOf = (i: number) => `+86138${String(i).padStart(8, '0')}`;

const full: number[] = [];
const soft: number[] = [];
const bare: number[] = [];
let found = 0;
const t0 = performance.now();
for (let r = 0; r < RUNS + 50; r++) {
  const i = pick();
  const name = `${md5(String(i)).slice(0, 12)}贸易有限公司`;
  const facts = {
    kind: 'company' as const,
    name,
    phones: [phoneOf(i)],
    emails: [`u${i}@example.com`],
    uscc: null,
    nameKey: companyKey(name) ?? '',
  };
  // alternate which goes first, so neither always meets a warm cache
  const a = async () => {
    const s = performance.now();
    const m = await matchCustomers(db.query, WS, facts);
    if (r >= 50) full.push(performance.now() - s);
    if (m.some((x) => x.id === `c${i}` && x.hard)) found++;
  };
  // a new phone and e-mail, a known company name: no hard key, so the trigram search runs
  const c = async () => {
    const s = performance.now();
    await matchCustomers(db.query, WS, {
      ...facts,
      phones: [`+86139${String(i).padStart(8, '0')}`],
      emails: [],
    });
    if (r >= 50) soft.push(performance.now() - s);
  };
  const b = async () => {
    const s = performance.now();
    await db.query(
      `select customer_id from customer_keys where workspace_id = $1 and kind = 'phone' and value = $2`,
      [WS, phoneOf(i)],
    );
    if (r >= 50) bare.push(performance.now() - s);
  };
  if (r % 2) {
    await a();
    await b();
  } else {
    await b();
    await a();
  }
  await c();
}
const seconds = (performance.now() - t0) / 1000;
const f = stats(full, seconds);
const b = stats(bare, seconds);
const l = stats(soft, seconds);
table([
  { case: 'matchCustomers', p50: fmt(f.p50, 2), p99: fmt(f.p99, 2) },
  { case: 'bare key lookup', p50: fmt(b.p50, 2), p99: fmt(b.p99, 2) },
  { case: 'ratio', p50: fmt(f.p50 / b.p50, 1), p99: fmt(f.p99 / b.p99, 1) },
  { case: 'look-alike only', p50: fmt(l.p50, 2), p99: fmt(l.p99, 2) },
  { case: 'ratio', p50: fmt(l.p50 / b.p50, 1), p99: fmt(l.p99 / b.p99, 1) },
]);
console.log(
  `${N} customers on ${db.kind}, ${RUNS} checks, own customer found in ${found} of ${RUNS + 50}; ${availableParallelism()} cores, load average after ${load()}`,
);
const out = {
  name: 'customers-duplicates',
  lane: db.kind,
  customers: N,
  runs: RUNS,
  matchCustomers: { p50Ms: f.p50, p99Ms: f.p99 },
  bareLookup: { p50Ms: b.p50, p99Ms: b.p99 },
  lookAlikeOnly: { p50Ms: l.p50, p99Ms: l.p99, ratioP99: l.p99 / b.p99 },
  ratio: { p50: f.p50 / b.p50, p99: f.p99 / b.p99 },
  hitRate: found / (RUNS + 50),
  cores: availableParallelism(),
  loadAverage: loadavg(),
};
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/customers-duplicates.json', `${JSON.stringify(out, null, 2)}\n`);
await db.close();
