/**
 * Two server processes on one Postgres fire 1,000 timers that fall due in the same second:
 * each takes effect exactly once. Each record's customer also gets 公海 warning and reclaim
 * timers, due weeks later: the first test leaves them out of its counts, the second moves a
 * workspace's clock past them and checks every customer is warned and reclaimed exactly once.
 */
import type { SopDocument } from '@closeloop/engine';
import { replay } from '@closeloop/engine';
import { createDb, type Db, migrateDb, parseConfig, readEvents } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, LANES, makeWorkspace, publish } from './harness.ts';
import { type Proc, spawnServer, stopServer } from './processes.ts';

const pg = LANES.find((l) => l.name === 'postgres');
const t = (s: string) => ({ 'zh-CN': s, en: s });

function burstSop(id: string): SopDocument {
  return {
    id,
    version: 0,
    name: t('Burst'),
    fields: [{ key: 'due', type: 'datetime', label: t('Due') }],
    machine: {
      id,
      initial: 'waiting',
      states: {
        waiting: {
          meta: {
            stage: {
              title: t('Waiting'),
              owner: { rules: [], default: { team: 'sales', strategy: 'round-robin' } },
              // the deadline is the `due` field plus a second, so every record falls due at once
              sla: { duration: 'PT1S', clock: 'wall', dueField: 'due', escalations: [] },
            },
          },
          on: { DONE: { target: 'done' } },
        },
        done: { type: 'final', meta: { stage: { title: t('Done'), outcome: 'done' } } },
      },
    },
  };
}

describe.runIf(pg?.enabled === true)('timers across two processes on Postgres', () => {
  let db: Db;
  let a: Proc | undefined;
  let b: Proc | undefined;
  const url = pg?.databaseUrl ?? '';

  beforeAll(async () => {
    const parsed = parseConfig({ databaseUrl: url, poolSize: '4' });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    db = await createDb(parsed.config);
    await migrateDb(db, parsed.config);
    const env = {
      DATABASE_URL: url,
      TEST_CLOCK: 'on',
      SCHEDULER_INTERVAL_MS: '50',
      SCHEDULER_BATCH: '50',
      POOL_SIZE: '10',
    };
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
  });
  afterAll(async () => {
    await Promise.all([stopServer(a), stopServer(b)]);
    await db?.close();
  });

  it('fires 1,000 timers due in the same second exactly once', async () => {
    if (!a || !b) throw new Error('servers missing');
    const ws = await makeWorkspace(db);
    const sopId = `burst-${crypto.randomUUID().slice(0, 6)}`;
    const onA = await as(a.url, ws.email('manager'));
    const onB = await as(b.url, ws.email('manager'));
    await publish(onA, burstSop(sopId));
    const due = Math.ceil((Date.now() + 3600_000) / 1000) * 1000;
    const N = 1000;
    let next = 0;
    const worker = async (i: number) => {
      const c = i % 2 ? onA : onB;
      while (next < N) {
        next++;
        const r = await c.post('/api/records', {
          sopId,
          fields: { due: new Date(due).toISOString() },
        });
        if (r.status !== 201) throw new Error(`create ${r.status} ${JSON.stringify(r.body)}`);
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 16 }, (_, i) => worker(i)));
    console.log(`created ${N} records in ${Math.round(performance.now() - t0)} ms`);
    const pending = await db.query(
      "select count(*)::int as n, count(distinct due_at)::int as d from timers where workspace_id = $1 and status = 'pending' and kind not like 'pool.%'",
      [ws.id],
    );
    expect(pending[0]).toEqual({ n: N, d: 1 });

    // move this workspace's clock past the due second; both schedulers race for the timers
    await db.query('update workspaces set clock_offset_ms = $2 where id = $1', [
      ws.id,
      due - Date.now() + 2000,
    ]);
    const t1 = performance.now();
    const until = Date.now() + 120_000;
    for (;;) {
      const left = await db.query(
        "select count(*)::int as n from timers where workspace_id = $1 and status in ('pending', 'claimed') and kind not like 'pool.%'",
        [ws.id],
      );
      if (left[0]?.n === 0) break;
      if (Date.now() > until)
        throw new Error(`timers left: ${left[0]?.n}\nA:${a.log()}\nB:${b.log()}`);
      await Bun.sleep(100);
    }

    console.log(`fired ${N} timers in ${Math.round(performance.now() - t1)} ms`);
    const fired = await db.query(
      "select status, count(*)::int as n, count(distinct claimed_by)::int as procs from timers where workspace_id = $1 and kind not like 'pool.%' group by status",
      [ws.id],
    );
    expect(fired).toEqual([{ status: 'fired', n: N, procs: 2 }]);
    const perTimer = await db.query(
      `select data->>'timerId' as timer, count(*)::int as n from record_events
        where workspace_id = $1 and type = 'timer.fired' group by 1 having count(*) <> 1`,
      [ws.id],
    );
    expect(perTimer).toEqual([]);
    const totals = await db.query(
      `select (select count(*)::int from record_events where workspace_id = $1 and type = 'timer.fired') as fired,
              (select count(*)::int from record_events where workspace_id = $1 and type = 'sla.breached') as breached,
              (select count(*)::int from notifications where workspace_id = $1 and kind = 'overdue') as notified`,
      [ws.id],
    );
    expect(totals[0]).toEqual({ fired: N, breached: N, notified: N });
    const sample = await db.query(
      'select id, state from records where workspace_id = $1 limit 20',
      [ws.id],
    );
    for (const r of sample) {
      const events = await readEvents(db, ws.id, String(r.id));
      expect(replay(events.map(({ seq: _s, ...e }) => e))).toEqual(r.state);
    }
  }, 300_000);

  it('fires 公海 warning and reclaim timers exactly once per customer', async () => {
    if (!a || !b) throw new Error('servers missing');
    const ws = await makeWorkspace(db);
    const sopId = `pool-${crypto.randomUUID().slice(0, 6)}`;
    const onA = await as(a.url, ws.email('manager'));
    const onB = await as(b.url, ws.email('manager'));
    await publish(onA, burstSop(sopId));
    const N = 200;
    // the records' own deadlines lie a year out, so only the pool timers fall due below
    const due = new Date(Date.now() + 365 * 86_400_000).toISOString();
    for (let i = 0; i < N; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, j) => {
          const r = await (j % 2 ? onA : onB).post('/api/records', { sopId, fields: { due } });
          if (r.status !== 201) throw new Error(`create ${r.status} ${JSON.stringify(r.body)}`);
        }),
      );
    }
    const armed = await db.query(
      `select kind, count(*)::int as n, count(distinct record_id)::int as customers
         from timers where workspace_id = $1 and kind like 'pool.%' and status = 'pending'
        group by kind order by kind`,
      [ws.id],
    );
    expect(armed).toEqual([
      { kind: 'pool.reclaim', n: N, customers: N },
      { kind: 'pool.warn', n: N, customers: N },
    ]);
    const [last] = await db.query(
      "select max(due_at) as at from timers where workspace_id = $1 and kind like 'pool.%'",
      [ws.id],
    );
    // move this workspace's clock a day past the last reclaim; both schedulers race for them
    await db.query('update workspaces set clock_offset_ms = $2 where id = $1', [
      ws.id,
      new Date(String(last?.at)).getTime() - Date.now() + 86_400_000,
    ]);
    const until = Date.now() + 120_000;
    for (;;) {
      const [left] = await db.query(
        "select count(*)::int as n from timers where workspace_id = $1 and kind like 'pool.%' and status in ('pending', 'claimed')",
        [ws.id],
      );
      if (left?.n === 0) break;
      if (Date.now() > until)
        throw new Error(`pool timers left: ${left?.n}\nA:${a.log()}\nB:${b.log()}`);
      await Bun.sleep(100);
    }
    const fired = await db.query(
      `select status, count(*)::int as n from timers
        where workspace_id = $1 and kind like 'pool.%' group by status`,
      [ws.id],
    );
    expect(fired).toEqual([{ status: 'fired', n: 2 * N }]);
    const procs = await db.query(
      "select count(distinct claimed_by)::int as n from timers where workspace_id = $1 and kind like 'pool.%'",
      [ws.id],
    );
    expect(procs[0]?.n).toBe(2);
    const perCustomer = await db.query(
      `select type, count(*)::int as customers, min(n)::int as lo, max(n)::int as hi from (
         select customer_id, type, count(*) as n from customer_events
          where workspace_id = $1 and type in ('pool.warned', 'pool.reclaimed')
          group by customer_id, type) x
        group by type order by type`,
      [ws.id],
    );
    expect(perCustomer).toEqual([
      { type: 'pool.reclaimed', customers: N, lo: 1, hi: 1 },
      { type: 'pool.warned', customers: N, lo: 1, hi: 1 },
    ]);
    const [inPool] = await db.query(
      "select count(*)::int as n from customers where workspace_id = $1 and pool_state = 'pool' and owner_id is null",
      [ws.id],
    );
    expect(inPool?.n).toBe(N);
  }, 300_000);
});
