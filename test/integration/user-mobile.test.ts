/**
 * A user's mobile (what chat robots @-mention) through updateUser: any way of writing it is
 * stored in E.164, a bad number answers 422, only admins and the user themself see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, type Client, LANES, openWorld, type Server, type Workspace } from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`a user's mobile on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let admin: Client;
    let rep1: Client;

    beforeAll(async () => {
      ({ srv, ws, admin, rep1 } = await openWorld(lane, { people: ['admin', 'rep1'] }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('stores the mobile in E.164 and refuses a bad number with 422', async () => {
      const id = ws.userId('rep1');
      const r = await admin.patch(`/api/users/${id}`, { mobile: '+86 138-0013 8000' });
      expect(r.status).toBe(200);
      expect(r.body.mobile).toBe('+8613800138000');
      const row = await srv.db.query(
        'select mobile from users where workspace_id = $1 and id = $2',
        [ws.id, id],
      );
      expect(row[0]?.mobile).toBe('+8613800138000');

      const bad = await admin.patch(`/api/users/${id}`, { mobile: '12345' });
      expect(bad.status).toBe(422);
      expect(bad.body.code).toBe('invalid-input');
      const still = await srv.db.query(
        'select mobile from users where workspace_id = $1 and id = $2',
        [ws.id, id],
      );
      expect(still[0]?.mobile).toBe('+8613800138000');
    });

    it('shows the mobile to admins and the user, not to other members; null clears it', async () => {
      const id = ws.userId('rep1');
      const byAdmin = await admin.get('/api/users');
      expect(byAdmin.body.items.find((u: { id: string }) => u.id === id).mobile).toBe(
        '+8613800138000',
      );
      const rep2 = await as(srv.url, ws.email('rep2'));
      const byRep2 = await rep2.get('/api/users');
      expect(byRep2.body.items.find((u: { id: string }) => u.id === id).mobile).toBeNull();

      const self = await rep1.patch(`/api/users/${id}`, { mobile: '13900139000' });
      expect(self.body.mobile).toBe('+8613900139000');
      const other = await rep1.patch(`/api/users/${ws.userId('rep2')}`, { mobile: '13900139001' });
      expect(other.status).toBe(403);

      const cleared = await admin.patch(`/api/users/${id}`, { mobile: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body.mobile).toBeNull();
      const audit = await srv.db.query(
        `select count(*)::int as n from audit_log where workspace_id = $1 and target_id = $2
            and action = 'user.updated'`,
        [ws.id, id],
      );
      expect(audit[0]?.n).toBeGreaterThanOrEqual(3);
    });
  });
}
