/**
 * An API token acts with at most its creator's current rights: it stops when the admin who
 * made it is demoted or deactivated, and the token list says why.
 */
// Regression: a token kept working after its creator was deactivated or demoted from admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, Client, type Json, LANES, openWorld, type Server, type Workspace } from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`API tokens follow their creator's rights on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let admin: Client;

    beforeAll(async () => {
      ({ srv, ws, admin } = await openWorld(lane, { people: ['admin'] }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    const setRole = async (role: string) => {
      const r = await admin.patch(`/api/users/${ws.userId('manager')}`, { role });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    const listed = async (id: string) =>
      (await admin.get('/api/admin/tokens')).body.items.find((t: Json) => t.id === id);

    it('refuses the token of a demoted creator, takes it back on promotion, and ends it on deactivation', async () => {
      await setRole('admin');
      const maker = await as(srv.url, ws.email('manager'));
      const made = await maker.post('/api/admin/tokens', { name: 'crm', scopes: ['read'] });
      expect(made.status).toBe(201);
      const token = new Client(srv.url);
      token.bearer = made.body.secret;
      expect((await token.get('/api/records')).status).toBe(200);
      expect(await listed(made.body.token.id)).toMatchObject({ suspended: false });

      await setRole('manager');
      const demoted = await token.get('/api/records');
      expect(demoted.status).toBe(401);
      expect(demoted.body.code).toBe('token-invalid');
      expect(await listed(made.body.token.id)).toMatchObject({ suspended: true, revokedAt: null });

      await setRole('admin');
      expect((await token.get('/api/records')).status).toBe(200);

      const off = await admin.post(`/api/users/${ws.userId('manager')}/deactivate`, {});
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      expect((await token.get('/api/records')).status).toBe(401);
      expect(await listed(made.body.token.id)).toMatchObject({ suspended: true });
    });
  });
}
