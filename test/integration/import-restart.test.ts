/**
 * An import whose server process is killed (kill -9) mid-run is taken over by another
 * process once its lease lapses and continues from its last committed batch: every row ends
 * up entered exactly once, no record or customer twice, and each created row's record is
 * wholly there (its events, its customer).
 */
import { createDb, type Db, migrateDb, parseConfig, toCsv } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, LANES, makeWorkspace, publish } from './harness.ts';
import { intakeSop, upload, waitForImport } from './intake-helpers.ts';
import { type Proc, spawnServer, stopServer } from './processes.ts';

const pg = LANES.find((l) => l.name === 'postgres');
const ROWS = 600;

describe.runIf(pg?.enabled === true)('an import survives kill -9 of its process', () => {
  let db: Db;
  let first: Proc | undefined;
  let second: Proc | undefined;
  const url = pg?.databaseUrl ?? '';
  // a short lease so the takeover happens within the test; small batches so some commit
  // before the kill even on a loaded machine
  const env = {
    DATABASE_URL: url,
    IMPORT_LEASE_SECONDS: '2',
    IMPORT_BATCH_ROWS: '40',
    POOL_SIZE: '6',
  };

  beforeAll(async () => {
    const parsed = parseConfig({ databaseUrl: url, poolSize: '4' });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    db = await createDb(parsed.config);
    await migrateDb(db, parsed.config);
    first = await spawnServer(env);
  }, 120_000);
  afterAll(async () => {
    await stopServer(first);
    await stopServer(second);
    await db?.close();
  });

  it('continues from the last committed batch in another process, creating nothing twice', async () => {
    if (!first) throw new Error('no server');
    const ws = await makeWorkspace(db);
    const sopId = `imp-k9-${crypto.randomUUID().slice(0, 6)}`;
    const manager = await as(first.url, ws.email('manager'));
    await publish(manager, intakeSop(sopId));
    const rows = Array.from({ length: ROWS }, (_, i) => [
      `重启公司${i}`,
      `联系人${i}`,
      `135${String(i).padStart(8, '0')}`,
    ]);
    const csv = toCsv([['公司', '联系人', '手机'], ...rows]);
    const up = await upload(manager, new TextEncoder().encode(csv), 'restart.csv', sopId);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const id = up.body.import.id;
    expect((await manager.post(`/api/imports/${id}/run`, {})).status).toBe(200);

    // wait for at least one committed batch, then kill the process without warning
    const until = Date.now() + 300_000;
    let seen = 0;
    while (seen === 0) {
      const r = await manager.get(`/api/imports/${id}`);
      seen = Number(r.body.processed ?? 0);
      if (r.body.status !== 'running') throw new Error(`import ${r.body.status} before the kill`);
      if (Date.now() > until) throw new Error('no batch committed within five minutes');
      await Bun.sleep(20);
    }
    first.proc.kill('SIGKILL');
    await first.proc.exited;
    const atKill = await db.query(
      'select processed, lease_owner, status from imports where workspace_id = $1 and id = $2',
      [ws.id, id],
    );
    expect(atKill[0]?.status).toBe('running');
    const killedLease = atKill[0]?.lease_owner;
    expect(Number(atKill[0]?.processed)).toBeLessThan(ROWS);

    // another process, knowing nothing of the run, takes it over once the lease lapses
    second = await spawnServer(env);
    const again = await as(second.url, ws.email('manager'));
    const done = await waitForImport(again, id, 400_000);
    expect(done).toMatchObject({ status: 'done', total: ROWS, processed: ROWS, created: ROWS });
    expect(second.log()).toContain(`import ${id}: continuing a run whose process stopped`);
    const lease = await db.query(
      'select lease_owner from imports where workspace_id = $1 and id = $2',
      [ws.id, id],
    );
    expect(lease[0]?.lease_owner).not.toBe(killedLease);

    const counts = await db.query(
      `select count(*)::int as records, count(distinct r.fields->>'phone')::int as phones,
              count(distinct r.customer_id)::int as customers,
              count(*) filter (where r.event_count = 0 or r.customer_id is null)::int as partial
         from intake_leads l join records r on r.workspace_id = l.workspace_id and r.id = l.record_id
        where l.workspace_id = $1 and l.import_id = $2`,
      [ws.id, id],
    );
    expect(counts[0]).toEqual({ records: ROWS, phones: ROWS, customers: ROWS, partial: 0 });
    const outcomes = await db.query(
      `select count(*)::int as n, count(distinct record_id)::int as records from import_rows
        where workspace_id = $1 and import_id = $2 and outcome = 'created'`,
      [ws.id, id],
    );
    expect(outcomes[0]).toEqual({ n: ROWS, records: ROWS });
    const events = await db.query(
      `select count(*)::int as n from record_events e
         join intake_leads l on l.workspace_id = e.workspace_id and l.record_id = e.record_id
        where l.workspace_id = $1 and l.import_id = $2 and e.type = 'record.created'`,
      [ws.id, id],
    );
    expect(events[0]?.n).toBe(ROWS);
  }, 900_000);
});
