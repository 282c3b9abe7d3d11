/**
 * kill -9 of a server process under load: every acknowledged command is in the database,
 * none is half applied, and replaying each record's events rebuilds its stored state.
 */
import { replay } from '@closeloop/engine';
import { createDb, type Db, migrateDb, parseConfig, readEvents } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, type Client, LANES, makeWorkspace, publish, testSop } from './harness.ts';
import { type Proc, spawnServer, stopServer } from './processes.ts';

const pg = LANES.find((l) => l.name === 'postgres');

type Ack = { recordId: string; version: number; eventIds: string[] };

describe.runIf(pg?.enabled === true)('kill -9 under load on Postgres', () => {
  let db: Db;
  let server: Proc | undefined;
  let restarted: Proc | undefined;
  const url = pg?.databaseUrl ?? '';
  const env = { DATABASE_URL: url, SCHEDULER_INTERVAL_MS: '50', POOL_SIZE: '10' };

  beforeAll(async () => {
    const parsed = parseConfig({ databaseUrl: url, poolSize: '4' });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    db = await createDb(parsed.config);
    await migrateDb(db, parsed.config);
    server = await spawnServer(env);
  });
  afterAll(async () => {
    await stopServer(server);
    await stopServer(restarted);
    await db?.close();
  });

  it('loses no acknowledged command and half-applies none', async () => {
    if (!server) throw new Error('no server');
    const ws = await makeWorkspace(db);
    const sopId = `k9-${crypto.randomUUID().slice(0, 6)}`;
    const clients: Client[] = await Promise.all(
      ['rep1', 'rep2', 'manager'].map((w) => as(server?.url ?? '', ws.email(w))),
    );
    const manager = clients[2];
    if (!manager) throw new Error('no manager');
    await publish(manager, testSop(sopId));
    const acks: Ack[] = [];
    const ack = (body: { record: { id: string; version: number }; events: { id: string }[] }) =>
      acks.push({
        recordId: body.record.id,
        version: body.record.version,
        eventIds: body.events.map((e) => e.id),
      });
    let stop = false;
    let sent = 0;
    const worker = async (w: number) => {
      const c = clients[w % 2] ?? manager;
      const owner = ws.userId(w % 2 ? 'rep2' : 'rep1');
      let rec: { id: string; version: number; activeStages: string[]; status: string } | null =
        null;
      while (!stop) {
        try {
          sent++;
          if (rec?.status !== 'open') {
            const r = await c.post('/api/records', {
              sopId,
              fields: { company: `k9 ${w}` },
              ownerId: owner,
            });
            if (r.status !== 201) continue;
            ack(r.body);
            rec = r.body.record;
            continue;
          }
          const roll = Math.random();
          const r =
            roll < 0.5
              ? await c.patch(`/api/records/${rec.id}/fields`, {
                  fields: {
                    company: `k9 ${w} ${Math.random()}`,
                    budget: Math.floor(Math.random() * 1000) + 1,
                  },
                  version: rec.version,
                })
              : rec.activeStages.includes('new')
                ? await c.post(`/api/records/${rec.id}/actions`, {
                    action: 'QUALIFY',
                    fields: { phone: '13800138000' },
                    version: rec.version,
                  })
                : await c.post(`/api/records/${rec.id}/actions`, {
                    action: roll < 0.8 ? 'LOSE' : 'WIN',
                    ...(roll < 0.8 ? {} : { checklist: { qualified: ['called', 'quoted'] } }),
                    version: rec.version,
                  });
          if (r.status === 200) {
            ack(r.body);
            rec = r.body.record;
          }
        } catch {
          // the server died mid-request: outcome unknown, which is allowed
          return;
        }
      }
    };
    const load = Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    await Bun.sleep(4000);
    server.proc.kill('SIGKILL');
    await server.proc.exited;
    stop = true;
    await load;
    console.log(`sent ${sent} commands, ${acks.length} acknowledged before kill -9`);
    expect(acks.length).toBeGreaterThan(50);

    // every acknowledged command is stored, with exactly the events it answered with
    const events = await db.query(
      'select id, record_id, record_version from record_events where workspace_id = $1',
      [ws.id],
    );
    const byId = new Map(events.map((e) => [String(e.id), e]));
    for (const a of acks) {
      for (const id of a.eventIds) {
        const e = byId.get(id);
        expect(e, `event ${id} of an acknowledged command`).toBeTruthy();
        expect(e?.record_id).toBe(a.recordId);
        expect(e?.record_version).toBe(a.version);
      }
    }
    // no record is half applied: history, version, counters and timers all agree
    const records = await db.query(
      'select id, state, version, event_count from records where workspace_id = $1',
      [ws.id],
    );
    for (const r of records) {
      const history = await readEvents(db, ws.id, String(r.id));
      expect(history.length).toBe(r.event_count);
      expect(Math.max(...history.map((e) => e.version))).toBe(r.version);
      expect(replay(history.map(({ seq: _s, ...e }) => e))).toEqual(r.state);
      const pending = await db.query(
        "select id from timers where workspace_id = $1 and record_id = $2 and status in ('pending', 'claimed') order by id",
        [ws.id, r.id],
      );
      const state = r.state as { timers: { id: string }[] };
      expect(pending.map((p) => p.id)).toEqual(state.timers.map((t) => t.id).sort());
    }

    // a new process takes over the same database and carries on
    restarted = await spawnServer(env);
    const again = await as(restarted.url, ws.email('rep1'));
    const open = await again.get(
      `/api/records?sopId=${sopId}&status=open&ownerId=${ws.userId('rep1')}&limit=1`,
    );
    const rec = open.body.items[0];
    if (rec) {
      const r = await again.patch(`/api/records/${rec.id}/fields`, {
        fields: { company: 'after' },
        version: rec.version,
      });
      expect(r.status).toBe(200);
    }
  }, 300_000);
});
