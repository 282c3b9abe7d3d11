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
 *   DATABASE_URL=postgres://… bun test/bench/server-scheduler.ts [--timers 100000] [--pglite-timers 20000]
 */
import { chinaCalendar, compile, type SopDocument, step } from '@closeloop/engine';
import {
  createApp,
  createDb,
  createWorkspace,
  type Db,
  migrateDb,
  parseConfig,
  systemClock,
} from '@closeloop/server';
import postgres from 'postgres';
import { type Proc, spawnServer, stopServer } from '../integration/processes.ts';
import { writeResults } from './_results.ts';
import { fmt, t, table } from './server-common.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const N = Number(arg('timers', '100000'));
const N_PGLITE = Number(arg('pglite-timers', String(Math.min(N, 20000))));

function sop(id: string): SopDocument {
  return {
    id,
    version: 1,
    name: t('Timers'),
    fields: [{ key: 'due', type: 'datetime', label: t('Due') }],
    machine: {
      id,
      initial: 'waiting',
      states: {
        waiting: {
          meta: {
            stage: {
              title: t('Waiting'),
              sla: { duration: 'PT1S', clock: 'wall', dueField: 'due', escalations: [] },
            },
          },
          on: { DONE: { target: 'done' } },
        },
        done: { type: 'final', meta: { stage: { title: t('Done') } } },
      },
    },
  };
}

/** A workspace holding `n` records, each with one deadline timer due at `due`. */
async function setup(db: Db, n: number, due: number) {
  const tag = crypto.randomUUID().slice(0, 8);
  const ws = await createWorkspace(db, {
    name: `sched ${tag}`,
    users: [{ email: `sched-${tag}@bench.test`, name: 'R', role: 'rep', password: 'bench-pass' }],
    teams: [{ id: 'sales', name: 'Sales', members: [`sched-${tag}@bench.test`] }],
  });
  const owner = Object.values(ws.users)[0]?.id ?? '';
  const doc = sop(`sched-${tag}`);
  const first = await step(
    compile(doc),
    null,
    {
      type: 'create',
      recordId: '__REC__',
      fields: { due: new Date(due - 1000).toISOString() },
      ownerId: owner,
      teamId: 'sales',
    },
    {
      now: Date.now(),
      actor: { id: 'bench', role: 'admin' },
      newId: () => crypto.randomUUID(),
      roster: {
        teams: [
          {
            id: 'sales',
            managerIds: [],
            members: [{ userId: owner, active: true, openCount: 0 }],
            rrCursor: 0,
          },
        ],
      },
      calendar: chinaCalendar,
    },
  );
  if (!first.ok) throw new Error(first.rejection.message.en);
  const template = JSON.stringify(first.record);
  await db.query(
    `insert into sops (workspace_id, id, name, draft, published_version) values ($1, $2, $3::text::jsonb, $4::text::json, 1)`,
    [ws.id, doc.id, JSON.stringify(doc.name), JSON.stringify(doc)],
  );
  await db.query(
    `insert into sop_versions (workspace_id, sop_id, version, doc, hash) values ($1, $2, 1, $3::text::json, 'bench')`,
    [ws.id, doc.id, JSON.stringify(doc)],
  );
  const chunk = 20_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    await db.query(
      `insert into records (workspace_id, id, sop_id, sop_version, status, state, fields, owner_id, team_id,
              stage, stages, due_at, version, event_count, search, created_at, updated_at)
       select $1, 'r' || g, $2, 1, 'open', replace($3, '__REC__', 'r' || g)::jsonb, '{}'::jsonb, $4, 'sales',
              'waiting', '{waiting}', to_timestamp($5::float8 / 1000), 1, $6, '', now(), now()
         from generate_series($7::int, $8::int) g`,
      [ws.id, doc.id, template, owner, due, first.events.length, from, to],
    );
    await db.query(
      `insert into timers (workspace_id, id, record_id, stage, rung, kind, due_at)
       select $1, 'r' || g || '/waiting@1/due', 'r' || g, 'waiting', -1, 'deadline', to_timestamp($2::float8 / 1000)
         from generate_series($3::int, $4::int) g`,
      [ws.id, due, from, to],
    );
  }
  return ws.id;
}

async function waitFired(db: Db, ws: string, n: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const rows = await db.query(
      "select count(*)::int as n from timers where workspace_id = $1 and status = 'fired'",
      [ws],
    );
    if (Number(rows[0]?.n) >= n) return (performance.now() - t0) / 1000;
    await Bun.sleep(200);
  }
}

const CLAIM = `select t.id, t.record_id from timers t
  where t.workspace_id = $1 and t.status = 'pending' and t.due_at <= now()
  order by t.due_at limit 200 for update skip locked`;
const FIRE_RECORDS = `update records r set version = r.version + 1, event_count = r.event_count + 1,
    state = jsonb_set(jsonb_set(r.state, '{timers}', '[]'::jsonb), '{version}', to_jsonb(r.version + 1)),
    due_at = null, updated_at = now()
  where r.workspace_id = $1 and r.id = any($2::text[])`;
const FIRE_EVENTS = `insert into record_events (workspace_id, record_id, seq, id, type, at, actor_id, data, record_version)
  select $1, r.id, r.event_count, gen_random_uuid()::text, 'timer.fired', now(), 'system', '{}'::jsonb, r.version
    from records r where r.workspace_id = $1 and r.id = any($2::text[])`;
const FIRE_TIMERS = `update timers set status = 'fired', fired_at = now() where workspace_id = $1 and id = any($2::text[])`;

/** Makes every timer of the workspace due now (the start of a measurement). */
async function makeDue(db: Db, ws: string): Promise<void> {
  await db.query('update timers set due_at = now() where workspace_id = $1', [ws]);
}

/** The baseline: `loops` raw SKIP LOCKED loops, each batch one transaction. */
async function rawLoops(
  run: (
    fn: (
      q: (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
    ) => Promise<number>,
  ) => Promise<number>,
  ws: string,
  loops: number,
): Promise<void> {
  const loop = async () => {
    for (;;) {
      const n = await run(async (q) => {
        const claimed = await q(CLAIM, [ws]);
        if (claimed.length === 0) return 0;
        const ids = claimed.map((c) => String(c.id));
        const recs = claimed.map((c) => String(c.record_id));
        await q(FIRE_RECORDS, [ws, recs]);
        await q(FIRE_EVENTS, [ws, recs]);
        await q(FIRE_TIMERS, [ws, ids]);
        return claimed.length;
      });
      if (n === 0) return;
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
}

const rows: Array<Record<string, string | number>> = [];
const url = process.env.DATABASE_URL;
if (url) {
  const p = parseConfig({ databaseUrl: url, poolSize: '6' });
  if (!p.ok) throw new Error(p.errors.join());
  const db = await createDb(p.config);
  await migrateDb(db, p.config);
  const due = Date.now() + 24 * 3600_000;
  const apiWs = await setup(db, N, due);
  const rawWs = await setup(db, N, due);
  const env = {
    DATABASE_URL: url,
    SCHEDULER_INTERVAL_MS: '20',
    SCHEDULER_BATCH: '200',
  };
  let a: Proc | undefined;
  let b: Proc | undefined;
  try {
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    await makeDue(db, apiWs);
    const apiSeconds = await waitFired(db, apiWs, N);
    const sql = postgres(url, { max: 4, onnotice: () => {} });
    await makeDue(db, rawWs);
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
  const apiWs = await setup(db, N_PGLITE, due);
  const rawWs = await setup(db, N_PGLITE, due);
  const app = createApp({ db, clock: systemClock, config: p.config });
  await makeDue(db, apiWs);
  const t0 = performance.now();
  await app.scheduler.runUntilIdle(apiWs, 60 * 60_000);
  const apiSeconds = (performance.now() - t0) / 1000;
  await makeDue(db, rawWs);
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
console.log('\nDue timers fired: scheduler through the engine vs a raw SKIP LOCKED loop\n');
table(rows);
writeResults('server-scheduler', { rows });
process.exit(0);
