/**
 * Delivery across real server processes on Postgres: two processes draining the same outbox
 * never send one attempt twice, and a process killed with `kill -9` in the middle of a
 * delivery leaves a lease that lapses, after which another process sends the message again
 * with the same webhook-id; a process stopped gracefully hands its claims back at once, so
 * another sends them long before the lease would have lapsed.
 */
import { createDb, type Db, migrateDb, parseConfig } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, LANES, makeWorkspace, publish, testSop } from './harness.ts';
import { type Proc, spawnServer, stopServer } from './processes.ts';
import { type Receiver, startReceiver } from './receivers/standard-webhooks.ts';

const pg = LANES.find((l) => l.name === 'postgres');

describe.runIf(pg?.enabled === true)('delivery across processes on Postgres', () => {
  let db: Db;
  const procs: Proc[] = [];
  let rx: Receiver;
  const url = pg?.databaseUrl ?? '';
  const env = {
    DATABASE_URL: url,
    POOL_SIZE: '6',
    DELIVERY_INTERVAL_MS: '50',
    DELIVERY_CONCURRENCY: '4',
    DELIVERY_TIMEOUT_MS: '5000',
    DELIVERY_RETRY_SCALE: '0.001',
    OUTBOUND_ALLOW_HOSTS: '127.0.0.1',
  };

  beforeAll(async () => {
    const parsed = parseConfig({ databaseUrl: url, poolSize: '4' });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    db = await createDb(parsed.config);
    await migrateDb(db, parsed.config);
  }, 120_000);
  afterAll(async () => {
    for (const p of procs) await stopServer(p);
    rx?.close();
    await db?.close();
  });

  async function setup(base: string) {
    const ws = await makeWorkspace(db);
    const sopId = `dp-${crypto.randomUUID().slice(0, 6)}`;
    await publish(await as(base, ws.email('manager')), testSop(sopId));
    rx = startReceiver();
    const admin = await as(base, ws.email('admin'));
    const res = await admin.post('/api/admin/webhooks', { url: rx.url });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    rx.secrets = [res.body.secret];
    return { ws, sopId, endpointId: String(res.body.endpoint.id) };
  }

  /** Process A starts delivering a record's event to a receiver that never answers. */
  async function hungDelivery(procEnv: Record<string, string>, company: string) {
    const a = await spawnServer(procEnv);
    procs.push(a);
    const { ws, sopId, endpointId } = await setup(a.url);
    rx.mode = { kind: 'hang' };
    const rep = await as(a.url, ws.email('rep1'));
    await rep.post('/api/records', { sopId, fields: { company }, ownerId: ws.userId('rep1') });
    const [first] = await rx.waitFor(1, 60_000);
    return { a, ws, endpointId, first };
  }

  it('two processes never deliver the same attempt', async () => {
    const [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    procs.push(a, b);
    const { ws, sopId, endpointId } = await setup(a.url);
    const reps = await Promise.all([as(a.url, ws.email('rep1')), as(b.url, ws.email('rep2'))]);
    const n = 40;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        reps[i % 2]?.post('/api/records', {
          sopId,
          fields: { company: `dp ${i}` },
          ownerId: ws.userId(i % 2 ? 'rep2' : 'rep1'),
        }),
      ),
    );
    await rx.waitFor(n, 120_000);
    await Bun.sleep(500);
    const ids = rx.received.map((r) => r.id);
    expect(ids).toHaveLength(n);
    expect(new Set(ids).size).toBe(n);
    const rows = await db.query(
      `select d.attempts, (select count(*)::int from delivery_attempts x
                             where x.workspace_id = d.workspace_id and x.delivery_id = d.id) as logged
         from deliveries d where d.workspace_id = $1 and d.target_id = $2`,
      [ws.id, endpointId],
    );
    expect(rows).toHaveLength(n);
    expect(rows.every((r) => r.attempts === 1 && r.logged === 1)).toBe(true);
    await stopServer(a);
    await stopServer(b);
    rx.close();
  }, 300_000);

  it('a worker killed with kill -9 mid-delivery: another process retries the attempt', async () => {
    const { a, ws, endpointId, first } = await hungDelivery(env, 'k9');
    a.proc.kill('SIGKILL');
    await a.proc.exited;
    rx.mode = { kind: 'ok' };
    const b = await spawnServer(env);
    procs.push(b);
    const got = await rx.waitFor(2, 120_000);
    expect(got[1]?.id).toBe(first?.id);
    expect(got[1]?.answered).toBe(200);
    const until = Date.now() + 30_000;
    let row: Record<string, unknown> | undefined;
    while (Date.now() < until) {
      [row] = await db.query(
        `select status, attempts from deliveries where workspace_id = $1 and target_id = $2`,
        [ws.id, endpointId],
      );
      if (row?.status === 'delivered') break;
      await Bun.sleep(100);
    }
    expect(row).toEqual({ status: 'delivered', attempts: 2 });
  }, 300_000);

  it('a worker stopped with SIGTERM mid-delivery hands its claim back: another sends it before the lease lapses', async () => {
    // the earlier tests' processes deliver for every workspace: only A and B run here
    for (const p of procs.splice(0)) await stopServer(p);
    // a 60-s timeout makes a 75-s lease: only the hand-back lets B send within 30 s
    const slow = { ...env, DELIVERY_TIMEOUT_MS: '60000', SHUTDOWN_TIMEOUT_MS: '500' };
    const { a, ws, endpointId, first } = await hungDelivery(slow, 'sigterm');
    a.proc.kill('SIGTERM');
    await a.proc.exited;
    const [held] = await db.query(
      `select status, attempts, claimed_by from deliveries where workspace_id = $1 and target_id = $2`,
      [ws.id, endpointId],
    );
    // handed back uncounted: pending, unclaimed, no attempt spent
    expect(held).toEqual({ status: 'pending', attempts: 0, claimed_by: null });
    rx.mode = { kind: 'ok' };
    const b = await spawnServer(slow);
    procs.push(b);
    const got = await rx.waitFor(2, 30_000);
    expect(got[1]?.id).toBe(first?.id);
    expect(got[1]?.answered).toBe(200);
  }, 300_000);
});
