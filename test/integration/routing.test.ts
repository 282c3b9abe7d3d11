/**
 * Filing and handing on records: the team and owner a caller names are checked against who
 * may route work there.
 */
// Regression: a rep could file a record under a team they are not in (whose manager then saw
// it) or under a team that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, LANES, openWorld, type Server, testSop, type Workspace } from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`routing checks on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let rep: Client;
    let manager: Client;
    let admin: Client;
    const sopId = `rt-${crypto.randomUUID().slice(0, 6)}`;

    beforeAll(async () => {
      ({
        srv,
        ws,
        rep1: rep,
        manager,
        admin,
      } = await openWorld(lane, {
        people: ['rep1', 'manager', 'admin'],
        publish: [testSop(sopId)],
      }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    const file = (c: Client, extra: Record<string, unknown>) =>
      c.post('/api/records', { sopId, fields: {}, ...extra });

    it('lets a rep file only under their own teams, with an owner from that team', async () => {
      const foreign = await file(rep, { teamId: 'marketing' });
      expect(foreign.status).toBe(403);
      expect(foreign.body.code).toBe('forbidden');
      const missing = await file(rep, { teamId: 'no-such-team' });
      expect(missing.status).toBe(422);
      expect(missing.body.errors[0].path).toBe('teamId');
      const outsider = await file(rep, { teamId: 'sales', ownerId: ws.userId('rep3') });
      expect(outsider.status).toBe(403);
      const ok = await file(rep, { teamId: 'sales', ownerId: ws.userId('rep2') });
      expect(ok.status).toBe(201);
      expect(ok.body.record).toMatchObject({ teamId: 'sales', ownerId: ws.userId('rep2') });
      // nothing was written for the refused ones
      const n = await srv.db.query(
        'select count(*)::int as n from records where workspace_id = $1',
        [ws.id],
      );
      expect(n[0]?.n).toBe(1);
    });

    it('refuses an unknown team or owner, even for an admin', async () => {
      const admin2 = await file(admin, { teamId: 'no-such-team' });
      expect(admin2.status).toBe(422);
      const unknown = await file(admin, { ownerId: 'nobody' });
      expect(unknown.status).toBe(422);
    });

    it('reassigns only to people the caller may route to', async () => {
      const r = (await file(manager, { teamId: 'sales', ownerId: ws.userId('rep1') })).body.record;
      const out = await manager.post(`/api/records/${r.id}/reassign`, {
        toUserId: ws.userId('rep3'),
        version: r.version,
      });
      expect(out.status).toBe(403);
      const ghost = await admin.post(`/api/records/${r.id}/reassign`, {
        toUserId: 'nobody',
        version: r.version,
      });
      expect(ghost.status).toBe(422);
      expect(ghost.body.errors[0].path).toBe('toUserId');
      const ok = await manager.post(`/api/records/${r.id}/reassign`, {
        toUserId: ws.userId('rep2'),
        version: r.version,
      });
      expect(ok.status).toBe(200);
    });
  });
}
