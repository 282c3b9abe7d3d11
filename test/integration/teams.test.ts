/**
 * Teams and rotation: invitations, user changes, teams with routing settings, and
 * rotation over the live roster — weights, caps, leave and shifts — over 1,000 assignments.
 */
import type { SopDocument } from '@closeloop/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  type Json,
  LANES,
  openWorld,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

/** One stage routed to `team` by `strategy`, plus a way out. */
function routedSop(id: string, team: string, strategy: 'weighted' | 'round-robin'): SopDocument {
  const doc = testSop(id);
  const states = doc.machine.states as Record<string, Json>;
  states.new.meta.stage.owner = { rules: [], default: { team, strategy } };
  delete states.new.meta.stage.sla;
  return doc;
}

/** HH:MM in China time, `hours` from now. */
const chinaHHMM = (hours: number) => {
  const d = new Date(Date.now() + (8 + hours) * 3600_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
};

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`teams and rotation on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let admin: Client;
    let manager: Client;
    let rep1: Client;
    const people: Record<string, string> = {};

    beforeAll(async () => {
      ({ srv, ws, admin, manager, rep1 } = await openWorld(lane, {
        people: ['admin', 'manager', 'rep1'],
      }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('invites with a one-time link stored hashed; the invitee signs in with their password', async () => {
      expect(
        (await manager.post('/api/invites', { email: 'x@it.test', name: 'X', role: 'rep' })).status,
      ).toBe(403);
      for (const who of ['a', 'b', 'c', 'd', 'e']) {
        const email = `${who}-${ws.id.slice(0, 8)}@it.test`;
        const inv = await admin.post('/api/invites', {
          email,
          name: who.toUpperCase(),
          role: 'rep',
        });
        expect(inv.status, JSON.stringify(inv.body)).toBe(201);
        const secret = String(inv.body.token).split('.').pop() ?? '';
        const stored = await srv.db.query('select id from invites where workspace_id = $1', [
          ws.id,
        ]);
        expect(stored.map((r) => r.id)).not.toContain(secret);
        const anon = new Client(srv.url);
        const ok = await anon.post('/api/invites/accept', {
          token: inv.body.token,
          password: 'long-pass-1',
        });
        expect(ok.status, JSON.stringify(ok.body)).toBe(201);
        people[who] = ok.body.userId;
        const twice = await anon.post('/api/invites/accept', {
          token: inv.body.token,
          password: 'long-pass-2',
        });
        expect(twice.status).toBe(400);
        const signed = new Client(srv.url);
        expect((await signed.login(email, 'long-pass-1')).status).toBe(200);
      }
    }, 300_000);

    it('changes roles (admin only) and nobody their own role', async () => {
      const a = people.a ?? '';
      expect((await rep1.patch(`/api/users/${a}`, { role: 'manager' })).status).toBe(403);
      expect((await admin.patch(`/api/users/${ws.userId('admin')}`, { role: 'rep' })).status).toBe(
        422,
      );
      const r = await admin.patch(`/api/users/${a}`, { name: 'Anna', locale: 'en' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ id: a, name: 'Anna', role: 'rep', locale: 'en' });
      const self = await rep1.patch(`/api/users/${ws.userId('rep1')}`, { locale: 'en' });
      expect(self.status).toBe(200);
    });

    it('creates and updates teams; managers may change members only', async () => {
      const made = await admin.post('/api/teams', {
        id: 'rot',
        name: 'Rotation',
        managers: [ws.userId('manager')],
        members: [{ userId: people.a }],
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      expect((await admin.post('/api/teams', { id: 'rot', name: 'Again' })).status).toBe(409);
      expect((await rep1.patch('/api/teams/rot', { name: 'Mine' })).status).toBe(403);
      expect((await manager.patch('/api/teams/rot', { shared: true })).status).toBe(403);
      const now = Date.now();
      const up = await manager.patch('/api/teams/rot', {
        members: [
          { userId: people.a, weight: 1 },
          { userId: people.b, weight: 2 },
          { userId: people.c, weight: 3, cap: 100 },
          {
            userId: people.d,
            weight: 5,
            leaveFrom: new Date(now - 86400_000).toISOString(),
            leaveUntil: new Date(now + 30 * 86400_000).toISOString(),
          },
          { userId: people.e, weight: 5, shift: { start: chinaHHMM(2), end: chinaHHMM(3) } },
        ],
      });
      expect(up.status, JSON.stringify(up.body)).toBe(200);
      expect(up.body.managerIds).toEqual([ws.userId('manager')]);
      expect(up.body.members).toHaveLength(5);
      const shared = await admin.patch('/api/teams/rot', { shared: true });
      expect(shared.body.shared).toBe(true);
    });

    it('weighted rotation over 1,000 assignments honours weights, caps, leave and shifts', async () => {
      const sopId = `it-rot-${crypto.randomUUID().slice(0, 6)}`;
      await publish(admin, routedSop(sopId, 'rot', 'weighted'));
      for (let i = 0; i < 1000; i++) {
        const r = await admin.post('/api/records', { sopId, fields: {} });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
      }
      const rows = await srv.db.query(
        `select owner_id, count(*)::int as n from records
          where workspace_id = $1 and sop_id = $2 group by owner_id`,
        [ws.id, sopId],
      );
      const n = (id: string | undefined) => Number(rows.find((r) => r.owner_id === id)?.n ?? 0);
      expect(rows.reduce((s, r) => s + Number(r.n), 0)).toBe(1000);
      expect(n(people.d)).toBe(0); // on leave
      expect(n(people.e)).toBe(0); // out of shift
      expect(n(people.c)).toBe(100); // at their cap
      // the other 900 split 1:2 by weight
      expect(Math.abs(n(people.a) - 300)).toBeLessThanOrEqual(2);
      expect(Math.abs(n(people.b) - 600)).toBeLessThanOrEqual(2);
    }, 600_000);

    it('round-robin position is stored per team and skips members on leave', async () => {
      const made = await admin.post('/api/teams', {
        id: 'rr',
        name: 'RR',
        members: [
          { userId: people.a },
          { userId: people.b, leaveFrom: new Date(Date.now() - 1000).toISOString() },
          { userId: people.d },
        ],
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      // people.d is on leave in `rot` only; here they rotate
      const sopId = `it-rr-${crypto.randomUUID().slice(0, 6)}`;
      await publish(admin, routedSop(sopId, 'rr', 'round-robin'));
      const owners: string[] = [];
      for (let i = 0; i < 30; i++) {
        owners.push((await admin.post('/api/records', { sopId, fields: {} })).body.record.ownerId);
      }
      expect(owners.filter((o) => o === people.a)).toHaveLength(15);
      expect(owners.filter((o) => o === people.d)).toHaveLength(15);
      expect(owners).not.toContain(people.b);
      for (let i = 1; i < owners.length; i++) expect(owners[i]).not.toBe(owners[i - 1]);
      const cursor = await srv.db.query(
        'select rr_cursor from teams where workspace_id = $1 and id = $2',
        [ws.id, 'rr'],
      );
      expect(Number(cursor[0]?.rr_cursor)).toBeGreaterThanOrEqual(30);
    });
  });
}
