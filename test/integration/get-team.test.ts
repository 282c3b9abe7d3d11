/**
 * getTeam (admin pages): one team with its managers, members and each member's
 * routing settings, for an admin or that team's manager; everyone else is refused and
 * learns nothing, and what updateTeam wrote reads back the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, type Client, LANES, makeWorkspace, type Server, startServer } from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`getTeam on ${lane.name}`, () => {
    let srv: Server;
    let ws: Awaited<ReturnType<typeof makeWorkspace>>;
    let other: Awaited<ReturnType<typeof makeWorkspace>>;
    let admin: Client;
    let manager: Client;
    let trainer: Client;
    let rep1: Client;
    let foreign: Client;

    beforeAll(async () => {
      srv = await startServer(lane);
      [ws, other] = await Promise.all([makeWorkspace(srv.db), makeWorkspace(srv.db)]);
      const login = (who: string) => as(srv.url, ws.email(who));
      [admin, manager, trainer, rep1, foreign] = await Promise.all([
        login('admin'),
        login('manager'),
        login('trainer'),
        login('rep1'),
        as(srv.url, other.email('admin')),
      ]);
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('reads back the routing settings updateTeam wrote, for the admin and the team manager', async () => {
      const leaveFrom = '2026-12-01T00:00:00.000Z';
      const leaveUntil = '2026-12-15T00:00:00.000Z';
      const up = await admin.patch('/api/teams/sales', {
        shared: true,
        members: [
          { userId: ws.userId('rep1'), weight: 3, cap: 40 },
          {
            userId: ws.userId('rep2'),
            weight: 1,
            leaveFrom,
            leaveUntil,
            shift: { start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] },
          },
        ],
      });
      expect(up.status, JSON.stringify(up.body)).toBe(200);

      for (const who of [admin, manager]) {
        const r = await who.get('/api/admin/teams/sales');
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body).toEqual({
          id: 'sales',
          name: 'Sales',
          shared: true,
          managerIds: [ws.userId('manager')],
          members: expect.arrayContaining([
            {
              userId: ws.userId('rep1'),
              weight: 3,
              cap: 40,
              leaveFrom: null,
              leaveUntil: null,
              shift: null,
            },
            {
              userId: ws.userId('rep2'),
              weight: 1,
              cap: null,
              leaveFrom,
              leaveUntil,
              shift: { start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] },
            },
          ]),
        });
        expect(r.body.members).toHaveLength(2);
      }
    });

    it('refuses reps, trainers, managers of other teams and other workspaces', async () => {
      expect((await rep1.get('/api/admin/teams/sales')).status).toBe(403);
      expect((await trainer.get('/api/admin/teams/sales')).status).toBe(403);
      // the manager manages `sales` only: `marketing` exists, and is still refused
      const notTheirs = await manager.get('/api/admin/teams/marketing');
      expect(notTheirs.status).toBe(403);
      expect(notTheirs.headers.get('content-type')).toContain('application/problem+json');
      // another workspace's admin reaches their own `sales`, never ours
      const theirs = await foreign.get('/api/admin/teams/sales');
      expect(theirs.status).toBe(200);
      const text = JSON.stringify(theirs.body);
      for (const id of [ws.userId('rep1'), ws.userId('rep2'), ws.userId('manager')]) {
        expect(text).not.toContain(id);
      }
      expect(theirs.body.managerIds).toEqual([other.userId('manager')]);
    });

    it('answers 404 for an unknown team and 400 for a malformed id', async () => {
      const missing = await admin.get('/api/admin/teams/no-such-team');
      expect(missing.status).toBe(404);
      expect(missing.body.type).toBeTruthy();
      const bad = await admin.get('/api/admin/teams/Not%20A%20Slug');
      expect([400, 422]).toContain(bad.status);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
    });

    it('needs a sign-in', async () => {
      const r = await fetch(`${srv.url}/api/admin/teams/sales`);
      expect(r.status).toBe(401);
    });
  });
}
