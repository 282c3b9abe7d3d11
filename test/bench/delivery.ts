/**
 * Benchmark: 10,000 outbox events delivered as signed webhooks to a receiver on 127.0.0.1 by
 * the real delivery worker (fan-out, claim, sign, send, record), against a bare `fetch` loop
 * sending the same bodies and headers with the same concurrency in the same run. Reports
 * deliveries/s (median of the runs), outbox lag p50/p99 (outbox row written → delivered) and
 * the ratio; writes bench-results/delivery.json (delivery-postgres.json on Postgres) through
 * _results.ts, with the machine's load. PGlite unless DATABASE_URL is set.
 *
 *   bun run bench delivery [--events 10000] [--runs 3]
 */
import {
  createApp,
  createDb,
  createWorkspace,
  migrateDb,
  parseConfig,
  systemClock,
} from '@closeloop/server';
import { signedHeaders } from '../../server/src/services/delivery/signing.ts';
import { machineLine, writeResults } from './_results.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const N = Number(arg('events', '10000'));
const RUNS = Number(arg('runs', '3'));
const CONCURRENCY = 8;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

let received = 0;
const receiver = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  async fetch(req) {
    await req.text();
    received++;
    return new Response('ok');
  },
});
const url = `http://127.0.0.1:${receiver.port}/hook`;

const parsed = parseConfig({
  databaseUrl: process.env.DATABASE_URL,
  dataDir: 'memory://',
  seed: 'off',
  schedulerIntervalMs: '0',
  deliveryIntervalMs: '10',
  deliveryConcurrency: String(CONCURRENCY),
  outboundAllowHosts: '127.0.0.1',
  editorDist: '/nonexistent',
});
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const db = await createDb(parsed.config);
await migrateDb(db, parsed.config);
const tag = crypto.randomUUID().slice(0, 8);
const ws = await createWorkspace(db, { name: `bench ${tag}`, users: [], teams: [] });
const secret = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
await db.query(
  `insert into webhook_endpoints (workspace_id, id, url, secret) values ($1, 'bench', $2, $3)`,
  [ws.id, url, secret],
);
const app = createApp({ db, clock: systemClock, config: parsed.config });

async function deliveredCount(): Promise<number> {
  const r = await db.query(
    `select count(*)::int as n from deliveries where workspace_id = $1 and status = 'delivered'`,
    [ws.id],
  );
  return Number(r[0]?.n);
}

/** One run of the real path; returns deliveries/s and the lags in ms. */
async function workerRun(run: number) {
  await db.query(
    `insert into outbox (workspace_id, id, record_id, event, payload, created_at)
     select $1, 'b' || $2 || '-' || g, 'r' || g, 'record.stage-changed',
            jsonb_build_object('recordId', 'r' || g, 'sopId', 'bench', 'stages', jsonb_build_array('working'),
                               'status', 'open', 'ownerId', 'u1', 'version', 3),
            now()
       from generate_series(1, $3::int) g`,
    [ws.id, String(run), N],
  );
  const started = performance.now();
  app.delivery.start();
  while ((await deliveredCount()) < N) await Bun.sleep(100);
  const seconds = (performance.now() - started) / 1000;
  await app.delivery.stop();
  const lags = (
    await db.query(
      `select (extract(epoch from d.delivered_at - o.created_at) * 1000)::float8 as ms
         from deliveries d join outbox o on o.workspace_id = d.workspace_id and o.id = d.outbox_id
        where d.workspace_id = $1`,
      [ws.id],
    )
  )
    .map((r) => Number(r.ms))
    .sort((a, b) => a - b);
  const bodies = (
    await db.query(
      `select message_id, event_type, data, event_at from deliveries where workspace_id = $1`,
      [ws.id],
    )
  ).map((r) => ({
    id: String(r.message_id),
    body: JSON.stringify({
      type: r.event_type,
      timestamp: new Date(String(r.event_at)).toISOString(),
      data: r.data,
    }),
  }));
  for (const t of ['delivery_attempts', 'deliveries', 'outbox'])
    await db.query(`delete from ${t} where workspace_id = $1`, [ws.id]);
  const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0;
  return { perSecond: N / seconds, p50: at(0.5), p99: at(0.99), bodies };
}

/** The baseline: the same bodies, signed the same way, sent by a bare fetch loop. */
async function fetchRun(bodies: Array<{ id: string; body: string }>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const m = bodies[next++];
        if (!m) return;
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Closeloop-Webhooks/1',
            ...signedHeaders([secret], m.id, Math.floor(Date.now() / 1000), m.body),
          },
          body: m.body,
          redirect: 'manual',
        });
        await res.text();
      }
    }),
  );
  return bodies.length / ((performance.now() - started) / 1000);
}

const worker: Array<{ perSecond: number; p50: number; p99: number }> = [];
const bare: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const w = await workerRun(run);
  worker.push({ perSecond: w.perSecond, p50: w.p50, p99: w.p99 });
  bare.push(await fetchRun(w.bodies));
  console.log(
    `run ${run + 1}: worker ${w.perSecond.toFixed(0)}/s (lag p50 ${w.p50.toFixed(0)} ms, p99 ${w.p99.toFixed(0)} ms), bare fetch ${bare.at(-1)?.toFixed(0)}/s`,
  );
}
const result = {
  database: db.kind,
  events: N,
  runs: RUNS,
  concurrency: CONCURRENCY,
  deliveriesPerSecond: median(worker.map((w) => w.perSecond)),
  bareFetchPerSecond: median(bare),
  ratio: median(bare) / median(worker.map((w) => w.perSecond)),
  outboxLagMs: { p50: median(worker.map((w) => w.p50)), p99: median(worker.map((w) => w.p99)) },
  received,
  note: 'ratio = bare fetch deliveries/s ÷ worker deliveries/s (how many times slower the full path is); lag = outbox row written → delivered, all rows written at once',
};
console.log(JSON.stringify(result, null, 2));
console.log(`  ${machineLine()}`);
console.log(
  `  wrote ${writeResults(db.kind === 'postgres' ? 'delivery-postgres' : 'delivery', result)}`,
);
receiver.stop(true);
await db.close();
process.exit(0);
