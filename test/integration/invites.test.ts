/**
 * Pending invitations (#18: an admin could not see them): listed newest first with their
 * expiry, resent as a new link that replaces the old one, revoked so the link stops working,
 * each audited; an accepted invitation leaves the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  Client,
  type Json,
  LANES,
  makeWorkspace,
  type Server,
  startServer,
} from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`pending invitations on ${lane.name}`, () => {
    let srv: Server;
    let ws: Awaited<ReturnType<typeof makeWorkspace>>;
    let admin: Client;

    beforeAll(async () => {
      srv = await startServer(lane);
      ws = await makeWorkspace(srv.db);
      admin = await as(srv.url, ws.email('admin'));
    });
    afterAll(async () => {
      await srv?.close();
    });

    const invite = async (email: string) => {
      const r = await admin.post('/api/invites', { email, name: '新同事', role: 'rep' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return String(r.body.token);
    };
    const pending = async () => (await admin.get('/api/invites')).body.items as Json[];
    const accept = (token: string) =>
      new Client(srv.url).post('/api/invites/accept', { token, password: 'long-pass-1' });

    it('lists pending invitations; an accepted one leaves the list', async () => {
      const tokenA = await invite('inv-a@it.test');
      await invite('inv-b@it.test');
      const items = await pending();
      const a = items.find((i) => i.email === 'inv-a@it.test');
      expect(a).toMatchObject({ name: '新同事', role: 'rep', expired: false });
      expect(a?.expiresAt).toBeGreaterThan(Date.now());
      expect(items.some((i) => i.email === 'inv-b@it.test')).toBe(true);
      expect(JSON.stringify(items)).not.toContain(tokenA.split('.')[1]);
      expect((await accept(tokenA)).status).toBe(201);
      expect((await pending()).some((i) => i.email === 'inv-a@it.test')).toBe(false);
    });

    it('resends with a new link: the old one stops working, the new one works', async () => {
      const old = await invite('inv-c@it.test');
      const id = String((await pending()).find((i) => i.email === 'inv-c@it.test')?.id);
      const r = await admin.post(`/api/invites/${id}/resend`, {});
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.token).not.toBe(old);
      expect(r.body.url).toContain('/invite#');
      expect((await accept(old)).body.code).toBe('invite-invalid');
      expect((await accept(String(r.body.token))).status).toBe(201);
      // the old id names nothing now
      expect((await admin.post(`/api/invites/${id}/resend`, {})).status).toBe(404);
    });

    it('inviting an e-mail again replaces its pending invitation: one row, the latest link', async () => {
      const first = await invite('inv-twice@it.test');
      const again = await admin.post('/api/invites', {
        email: 'INV-Twice@it.test',
        name: '新同事（经理）',
        role: 'manager',
      });
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      const rows = (await pending()).filter((i) => i.email === 'inv-twice@it.test');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ name: '新同事（经理）', role: 'manager' });
      expect((await accept(first)).body.code).toBe('invite-invalid');
      expect((await accept(String(again.body.token))).status).toBe(201);
    });

    it('revokes: the link stops working, the audit log says who and whom', async () => {
      const token = await invite('inv-d@it.test');
      const id = String((await pending()).find((i) => i.email === 'inv-d@it.test')?.id);
      const r = await admin.req('DELETE', `/api/invites/${id}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((await pending()).some((i) => i.email === 'inv-d@it.test')).toBe(false);
      expect((await accept(token)).body.code).toBe('invite-invalid');
      const again = await admin.req('DELETE', `/api/invites/${id}`);
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('not-found');
      const audit = await srv.db.query(
        `select action, actor_id, detail from audit_log
          where workspace_id = $1 and action in ('user.invite-resent', 'user.invite-revoked')
          order by id`,
        [ws.id],
      );
      expect(audit.map((a) => a.action)).toEqual(['user.invite-resent', 'user.invite-revoked']);
      expect(audit[1]?.actor_id).toBe(ws.userId('admin'));
      expect(JSON.stringify(audit[1]?.detail)).toContain('inv-d@it.test');
    });

    it('refuses a malformed id with problem+json and other roles with 403', async () => {
      const bad = await admin.req('DELETE', '/api/invites/not-an-id');
      expect(bad.status).toBe(422);
      expect(bad.body.errors?.[0]?.message).toContain('64 hex');
      const rep = await as(srv.url, ws.email('rep1'));
      expect((await rep.get('/api/invites')).status).toBe(403);
    });
  });
}
