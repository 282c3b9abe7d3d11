/**
 * Chaos: three server processes behind haproxy (deploy/haproxy.cfg), one Postgres database of
 * its own, 64 clients creating records and acting on them with Idempotency-Keys, while a
 * random server is killed with kill -9 every few seconds and restarted, and one is stopped
 * with SIGSTOP for longer than a timer claim's lease, then continued. Afterwards: every
 * acknowledged command is in the history exactly once, no record version is skipped or
 * repeated, every timer that came due fired exactly once. One summary line is printed.
 *
 * Left out: restarting Postgres (the database server is shared by other sessions on this
 * machine; see docs/deploy.md), a process with a skewed clock, outbox delivery and SSE resume.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SopDocument } from '@closeloop/engine';
import { createDb, createWorkspace, type Db, migrateDb } from '@closeloop/server';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../integration/harness.ts';
import { freePort, ServerSlot, startHaproxy } from './cluster.ts';
import { type Ack, check, LEASE_MS, settleDue } from './cluster-check.ts';

const BASE = process.env.DATABASE_URL;
const CLIENTS = 64;
const LOAD_MS = Number(process.env.CHAOS_LOAD_MS ?? 150_000);
const PASSWORD = 'chaos-pass-1';
const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** new (reminder after 10 s, manager alert after 20 s) → qualified → won/lost. */
const SOP: SopDocument = {
  id: 'chaos',
  version: 0,
  name: t('混沌', 'Chaos'),
  fields: [
    { key: 'company', type: 'text', label: t('公司', 'Company') },
    { key: 'note', type: 'text', label: t('备注', 'Note') },
  ],
  machine: {
    id: 'chaos',
    initial: 'new',
    states: {
      new: {
        meta: {
          stage: {
            title: t('新', 'New'),
            owner: { rules: [], default: { team: 'sales', strategy: 'round-robin' } },
            sla: {
              duration: 'PT20S',
              clock: 'wall',
              escalations: [
                { after: 'PT10S', kind: 'remind-owner' },
                { after: 'PT20S', kind: 'notify-manager' },
              ],
            },
          },
        },
        on: {
          QUALIFY: { target: 'qualified', meta: { label: t('确认', 'Qualify') } },
          LOSE: { target: 'lost', meta: { label: t('丢单', 'Lose') } },
        },
      },
      qualified: {
        meta: { stage: { title: t('已确认', 'Qualified') } },
        on: {
          WIN: { target: 'won', meta: { label: t('赢单', 'Win') } },
          LOSE: { target: 'lost', meta: { label: t('丢单', 'Lose') } },
        },
      },
      won: { type: 'final', meta: { stage: { title: t('赢单', 'Won'), outcome: 'won' } } },
      lost: { type: 'final', meta: { stage: { title: t('丢单', 'Lost'), outcome: 'lost' } } },
    },
  },
};

type Rec = { id: string; version: number; status: string; activeStages: string[] };
type Answer = { status: number; body: Json } | null; // null: no answer (connection cut, timeout)

/** A browser-like client over the balancer: a cookie, a CSRF header, a 60 s timeout. */
class ChaosClient {
  cookie = '';
  constructor(readonly base: string) {}
  async req(method: string, path: string, body?: unknown, key?: string): Promise<Answer> {
    const headers: Record<string, string> = {
      'x-closeloop-csrf': '1',
      'content-type': 'application/json',
    };
    if (this.cookie) headers.cookie = this.cookie;
    if (key) headers['idempotency-key'] = key;
    try {
      const res = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const set = res.headers.get('set-cookie');
      if (set) this.cookie = set.split(';')[0] ?? '';
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // an HTML error page from the balancer
      }
      return { status: res.status, body: parsed };
    } catch {
      return null;
    }
  }
  /** Sends one command until it is answered for good; retries reuse its Idempotency-Key. */
  async command(method: string, path: string, body: unknown, key: string, stop: () => boolean) {
    for (let attempt = 0; attempt < 40; attempt++) {
      const r = await this.req(method, path, body, key);
      if (r && r.status < 500 && r.status !== 429) return r;
      if (stop() && attempt > 10) return null;
      await Bun.sleep(250 + Math.random() * 500);
    }
    return null;
  }
}

const rand = (n: number) => Math.floor(Math.random() * n);

describe.runIf(!!BASE)(
  'chaos: three processes behind haproxy, kill -9 and SIGSTOP under load',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'closeloop-chaos-'));
    const admin = postgres(BASE ?? '', { max: 1, onnotice: () => {} });
    const dbName = `${new URL(BASE ?? 'postgres://x/x').pathname.slice(1)}_chaos`;
    let url = '';
    let db: Db;
    let slots: ServerSlot[] = [];
    let balancer: Awaited<ReturnType<typeof startHaproxy>> | null = null;

    beforeAll(async () => {
      await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
      await admin.unsafe(`create database "${dbName}"`);
      const u = new URL(BASE ?? '');
      u.pathname = `/${dbName}`;
      url = u.toString();
      db = await createDb({ databaseUrl: url, dataDir: '', poolSize: 4 });
      await migrateDb(db, { databaseUrl: url, dataDir: '' });
      const env = {
        DATABASE_URL: url,
        SEED: 'off',
        EDITOR_DIST: '/nonexistent',
        SCHEDULER_INTERVAL_MS: '200',
        POOL_SIZE: '8',
        TRUST_PROXY: 'on',
        SHUTDOWN_TIMEOUT_MS: '3000',
      };
      slots = [freePort(), freePort(), freePort()].map((p) => new ServerSlot(p, env, dir));
      await Promise.all(slots.map((s) => s.start()));
      balancer = await startHaproxy(
        freePort(),
        slots.map((s) => s.port),
        dir,
      );
    });

    afterAll(async () => {
      await balancer?.stop();
      await Promise.all(slots.map((s) => s.stop()));
      await db?.close();
      await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
      await admin.end({ timeout: 5 });
    });

    it('loses no acknowledged command, duplicates none, fires every due timer once', async () => {
      const lb = balancer?.url ?? '';
      const { ws, reps } = await openChaosWorkspace(db, lb);

      const acks: Ack[] = [];
      let sent = 0;
      let unanswered = 0;
      let stopLoad = false;
      const stopping = () => stopLoad;

      const client = async (n: number) => {
        const email = reps[n % reps.length] ?? '';
        const c = new ChaosClient(lb);
        for (;;) {
          const r = await c.req('POST', '/api/auth/login', { email, password: PASSWORD });
          if (r?.status === 200) break;
          await Bun.sleep(500);
        }
        const userId = ws.users[email]?.id ?? '';
        let rec: Rec | null = null;
        let seq = 0;
        while (!stopLoad) {
          await Bun.sleep(200 + rand(800));
          const key = `c${n}-${seq++}`;
          const marker = `${key}-${crypto.randomUUID().slice(0, 8)}`;
          const { method, path, body } = nextCommand(rec, marker, userId);
          sent++;
          const r = await c.command(method, path, body, key, stopping);
          if (!r) {
            unanswered++;
            rec = null;
            continue;
          }
          if (r.status === 200 || r.status === 201) {
            const b = r.body;
            acks.push({
              key,
              recordId: b.record.id,
              version: b.record.version,
              eventIds: b.events.map((e: { id: string }) => e.id),
              marker,
            });
            rec = b.record;
          } else if (rec) {
            // stale version or a closed record: read it again
            const g = await c.req('GET', `/api/records/${rec.id}`);
            rec = g?.status === 200 ? g.body.record : null;
          }
        }
      };

      const chaos = { kills: 0, stops: 0, stoppedMs: 0 };
      const driver = () => runChaos(slots, chaos);

      const load = Promise.all(
        Array.from({ length: CLIENTS }, (_, n) =>
          client(n).catch((e) => console.error('client', n, e)),
        ),
      );
      await driver();
      stopLoad = true;
      await load;
      for (const s of slots) {
        if (s.stopped) s.proc?.kill('SIGCONT');
        s.stopped = false;
        if (s.proc?.exitCode !== null) await s.start();
      }
      // every timer due by now must fire: a claim left by a killed or frozen process lapses
      // after its lease, then another process fires it
      const settleStart = Date.now();
      const checkAt = await settleDue((text, params) => db.query(text, params), ws.id, settleStart);
      // timers keep coming due: stop the processes (SIGTERM, graceful), then read one snapshot
      await balancer?.stop();
      balancer = null;
      await Promise.all(slots.map((s) => s.stop()));
      const result = await db.transaction(async (q) => {
        await q('set transaction isolation level repeatable read');
        return check(q, ws.id, acks, checkAt);
      });
      console.log(
        `chaos: acknowledged=${acks.length} lost=${result.lost} duplicated=${result.duplicated} ` +
          `timers fired=${result.timersFired} timers double=${result.timersDouble} timers missed=${result.timersMissed} ` +
          `versions bad=${result.badVersions} | sent=${sent} unanswered=${unanswered} kills=${chaos.kills} ` +
          `sigstop=${chaos.stops}x${chaos.stoppedMs}ms records=${result.records} clients=${CLIENTS} load=${LOAD_MS}ms`,
      );
      expect(result.problems.slice(0, 20)).toEqual([]);
      expect(result.lost).toBe(0);
      expect(result.duplicated).toBe(0);
      expect(result.timersDouble).toBe(0);
      expect(result.timersMissed).toBe(0);
      expect(result.badVersions).toBe(0);
      expect(chaos.kills).toBeGreaterThanOrEqual(Math.floor(LOAD_MS / 30_000));
      expect(chaos.stops).toBe(1);
      expect(acks.length).toBeGreaterThan(500);
      expect(result.timersFired).toBeGreaterThan(20);
    });
  },
);

/** The chaos workspace: a manager and 16 reps in one team, the SOP published over the balancer. */
async function openChaosWorkspace(db: Db, lb: string) {
  const reps = Array.from({ length: 16 }, (_, i) => `rep${i}@chaos.test`);
  const ws = await createWorkspace(db, {
    name: 'Chaos',
    users: [
      { email: 'manager@chaos.test', name: 'Manager', role: 'manager', password: PASSWORD },
      ...reps.map((email, i) => ({
        email,
        name: `Rep ${i}`,
        role: 'rep' as const,
        password: PASSWORD,
      })),
    ],
    teams: [{ id: 'sales', name: 'Sales', managers: ['manager@chaos.test'], members: reps }],
  });
  const manager = new ChaosClient(lb);
  expect(
    (
      await manager.req('POST', '/api/auth/login', {
        email: 'manager@chaos.test',
        password: PASSWORD,
      })
    )?.status,
  ).toBe(200);
  expect((await manager.req('POST', '/api/sops', { doc: SOP }))?.status).toBe(201);
  const pub = await manager.req('POST', '/api/sops/chaos/publish', { note: 'chaos' });
  expect(pub?.status, JSON.stringify(pub?.body)).toBe(200);
  return { ws, reps };
}

/** A client's next command: a new record, a field edit or an action on the current one. */
function nextCommand(rec: Rec | null, marker: string, userId: string) {
  let method = 'POST';
  let path = '/api/records';
  let body: unknown;
  if (rec?.status !== 'open' || Math.random() < 0.15) {
    // start another record; the one left behind keeps its timers running
    body = { sopId: 'chaos', fields: { company: marker }, ownerId: userId };
  } else if (Math.random() < 0.5) {
    method = 'PATCH';
    path = `/api/records/${rec.id}/fields`;
    body = { fields: { note: marker }, version: rec.version };
  } else {
    const action = rec.activeStages.includes('new')
      ? Math.random() < 0.8
        ? 'QUALIFY'
        : 'LOSE'
      : Math.random() < 0.5
        ? 'WIN'
        : 'LOSE';
    path = `/api/records/${rec.id}/actions`;
    body = { action, version: rec.version };
  }
  return { method, path, body };
}

/**
 * Kills a random process every 4–7 s for LOAD_MS (restarting it a second later) and once,
 * a quarter in, freezes one past its claims' lease.
 */
async function runChaos(
  slots: ServerSlot[],
  chaos: { kills: number; stops: number; stoppedMs: number },
) {
  const started = Date.now();
  let stopDone = false;
  while (Date.now() - started < LOAD_MS) {
    await Bun.sleep(4000 + rand(3000));
    if (Date.now() - started >= LOAD_MS) break;
    const live = slots.filter((s) => !s.stopped);
    if (!stopDone && Date.now() - started > LOAD_MS / 4) {
      // freeze one past its claims' lease: others take its timers, it must not fire them again
      stopDone = true;
      const s = live[rand(live.length)];
      if (s?.proc) {
        s.stopped = true;
        s.proc.kill('SIGSTOP');
        chaos.stops++;
        const ms = LEASE_MS + 6000;
        chaos.stoppedMs = ms;
        void Bun.sleep(ms).then(() => {
          s.proc?.kill('SIGCONT');
          s.stopped = false;
        });
      }
      continue;
    }
    const victim = live[rand(live.length)];
    if (!victim) continue;
    await victim.kill9();
    chaos.kills++;
    await Bun.sleep(1000);
    await victim.start().catch((e) => console.error('restart failed', e));
  }
}
