/**
 * The audit log: sign-ins, failures, user, team and SOP changes, overrides, handovers, exports
 * and token use, paged by cursor, per workspace and for admins only.
 */
import { describe, expect, it } from 'vitest';
import { as, Client, type Json, LANES, PASSWORD, publish, testSop } from './harness.ts';
import { useTokensWorld } from './tokens-world.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`the audit log on ${lane.name}`, () => {
    const w = useTokensWorld(lane);

    it('writes audit entries for sign-ins, failures, user, team and SOP changes, overrides, handovers, exports', async () => {
      const started = Date.now() - 1000;
      const rep1 = await as(w.srv.url, w.ws.email('rep1'));
      expect(
        (
          await new Client(w.srv.url).post('/api/auth/login', {
            email: w.ws.email('rep1'),
            password: 'nope-nope',
          })
        ).status,
      ).toBe(401);
      const stranger = `nobody-${crypto.randomUUID().slice(0, 6)}@it.test`;
      expect(
        (await new Client(w.srv.url).post('/api/auth/login', { email: stranger, password: 'x' }))
          .status,
      ).toBe(401);
      expect(
        (await w.admin.patch(`/api/users/${w.ws.userId('rep2')}`, { role: 'manager' })).status,
      ).toBe(200);
      expect(
        (await w.admin.patch(`/api/users/${w.ws.userId('rep2')}`, { role: 'rep' })).status,
      ).toBe(200);
      expect((await w.admin.patch('/api/teams/sales', { shared: true })).status).toBe(200);
      await publish(w.admin, testSop(w.sopId));
      const rec = await w.newRecord({ company: 'Gate' });
      const ov = await w.admin.post(`/api/records/${rec.id}/override`, {
        action: 'QUALIFY',
        reason: 'approved by phone',
        version: rec.version,
      });
      expect(ov.status, JSON.stringify(ov.body)).toBe(200);
      const h1 = await w.newRecord();
      const h2 = await w.newRecord();
      const hand = await w.admin.post('/api/handovers', {
        recordIds: [h1.id, h2.id],
        toUserId: w.ws.userId('rep2'),
        reason: 'holiday',
      });
      expect(hand.status, JSON.stringify(hand.body)).toBe(200);
      const csv = await w.manager.get(`/api/reports/funnel/export?sopId=${w.sopId}`);
      expect(csv.status).toBe(200);
      expect((await rep1.post('/api/auth/logout')).status).toBe(200);

      const items = await w.audit(`&from=${started}`);
      const one = (action: string, pred: (e: Json) => boolean = () => true) => {
        const found = items.filter((e) => e.action === action && pred(e));
        expect(
          found.length,
          `${action} in ${JSON.stringify(items.map((e) => e.action))}`,
        ).toBeGreaterThan(0);
        return found[0];
      };
      const signIn = one('auth.signed-in', (e) => e.actorId === w.ws.userId('rep1'));
      expect(signIn).toMatchObject({ actorType: 'user', actorName: 'Rep One' });
      expect(signIn.ip).toMatch(/127\.0\.0\.1|::1/);
      const failure = one('auth.sign-in-failed', (e) => e.targetId === w.ws.userId('rep1'));
      expect(failure.detail).toMatchObject({ email: w.ws.email('rep1'), reason: 'bad-password' });
      expect(items.some((e) => JSON.stringify(e).includes(stranger))).toBe(false);
      // a locked-out email's further attempts are failures too
      for (let i = 0; i < 6; i++) {
        await new Client(w.srv.url).post('/api/auth/login', {
          email: w.ws.email('rep3'),
          password: 'nope-nope',
        });
      }
      const rep3 = (await w.audit('&action=auth.sign-in-failed')).filter(
        (e) => e.targetId === w.ws.userId('rep3'),
      );
      expect(rep3.map((e) => e.detail.reason)).toEqual([
        'locked',
        'bad-password',
        'bad-password',
        'bad-password',
        'bad-password',
        'bad-password',
      ]);
      const unknownAnywhere = await w.srv.db.query(
        `select count(*)::int as n from audit_log where detail->>'email' = $1`,
        [stranger],
      );
      expect(unknownAnywhere[0]?.n).toBe(0);
      const roles = items.filter(
        (e) => e.action === 'user.role-changed' && e.targetId === w.ws.userId('rep2'),
      );
      expect(roles.map((e) => e.detail.changes.role)).toEqual([
        { from: 'manager', to: 'rep' },
        { from: 'rep', to: 'manager' },
      ]);
      expect(one('team.updated', (e) => e.targetId === 'sales').detail.changes.shared).toEqual({
        from: false,
        to: true,
      });
      expect(one('sop.published', (e) => e.targetId === w.sopId).detail.version).toBe(2);
      expect(one('gate.overridden', (e) => e.targetId === rec.id).detail).toMatchObject({
        action: 'QUALIFY',
        reason: 'approved by phone',
      });
      const handed = items.filter((e) => e.action === 'records.handed-over');
      expect(handed).toHaveLength(1);
      expect(handed[0]).toMatchObject({ targetType: 'user', targetId: w.ws.userId('rep2') });
      expect(handed[0].detail).toMatchObject({
        count: 2,
        to: w.ws.userId('rep2'),
        reason: 'holiday',
      });
      expect(one('report.exported').actorId).toBe(w.ws.userId('manager'));
      one('auth.signed-out', (e) => e.actorId === w.ws.userId('rep1'));
      for (const e of items) expect(e.at).toBeGreaterThanOrEqual(started);
    });

    it('audits invites, their acceptance, team creation and deactivation with its handover', async () => {
      const email = `aud-${crypto.randomUUID().slice(0, 6)}@it.test`;
      const inv = await w.admin.post('/api/invites', { email, name: 'Aud', role: 'rep' });
      expect(inv.status).toBe(201);
      const acc = await new Client(w.srv.url).post('/api/invites/accept', {
        token: inv.body.token,
        password: PASSWORD,
      });
      expect(acc.status).toBe(201);
      const teamId = `aud-${crypto.randomUUID().slice(0, 6)}`;
      expect(
        (
          await w.admin.post('/api/teams', {
            id: teamId,
            name: 'Aud',
            members: [{ userId: acc.body.userId }],
          })
        ).status,
      ).toBe(201);
      const r = await w.admin.post('/api/records', {
        sopId: w.sopId,
        fields: {},
        ownerId: acc.body.userId,
      });
      expect(r.status).toBe(201);
      const off = await w.admin.post(`/api/users/${acc.body.userId}/deactivate`, {
        handoverTo: { userId: w.ws.userId('rep1') },
      });
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      const items = await w.audit();
      expect(
        items.find((e) => e.action === 'user.invited' && e.detail.email === email),
      ).toBeTruthy();
      expect(
        items.find((e) => e.action === 'user.invite-accepted' && e.actorId === acc.body.userId),
      ).toBeTruthy();
      expect(
        items.find((e) => e.action === 'team.created' && e.targetId === teamId)?.detail.team
          .members,
      ).toEqual([expect.objectContaining({ userId: acc.body.userId })]);
      expect(
        items.find((e) => e.action === 'user.deactivated' && e.targetId === acc.body.userId)
          ?.detail,
      ).toMatchObject({ handedOver: 1, to: w.ws.userId('rep1') });
    });

    it('pages by cursor, newest first, and filters by action, actor and time', async () => {
      const all = await w.audit();
      expect(all.length).toBeGreaterThan(10);
      for (let i = 1; i < all.length; i++) {
        expect(all[i - 1].at).toBeGreaterThanOrEqual(all[i].at);
      }
      const paged: Json[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const r = await w.admin.get(`/api/admin/audit?limit=4${q}`);
        expect(r.status).toBe(200);
        expect(r.body.items.length).toBeLessThanOrEqual(4);
        paged.push(...r.body.items);
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));

      const auth = await w.audit('&action=auth.');
      expect(auth.length).toBeGreaterThan(0);
      expect(auth.every((e) => e.action.startsWith('auth.'))).toBe(true);
      const exact = await w.audit('&action=auth.signed-in');
      expect(exact.length).toBeGreaterThan(0);
      expect(exact.every((e) => e.action === 'auth.signed-in')).toBe(true);
      expect(await w.audit('&action=auth')).toEqual([]);
      const mine = await w.audit(`&actorId=${w.ws.userId('admin')}`);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((e) => e.actorId === w.ws.userId('admin'))).toBe(true);
      const mid = all[Math.floor(all.length / 2)];
      const older = await w.audit(`&to=${mid.at}`);
      expect(older.every((e) => e.at < mid.at)).toBe(true);
      const newer = await w.audit(`&from=${mid.at}`);
      expect(newer.every((e) => e.at >= mid.at)).toBe(true);
      expect(older.length + newer.length).toBe(all.length);

      const bad = await w.admin.get('/api/admin/audit?cursor=bm9wZQ');
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].path).toBe('query.cursor');
      expect((await w.admin.get('/api/admin/audit?limit=500')).status).toBe(422);
    });

    it('is for admins of this workspace only', async () => {
      expect((await w.manager.get('/api/admin/audit')).status).toBe(403);
      const rep = await as(w.srv.url, w.ws.email('rep2'));
      expect((await rep.get('/api/admin/audit')).status).toBe(403);
      const ours = new Set((await w.audit()).map((e) => e.id));
      const theirs = await w.foreign.get('/api/admin/audit?limit=200');
      expect(theirs.status).toBe(200);
      for (const e of theirs.body.items as Json[]) expect(ours.has(e.id)).toBe(false);
      const leaked = JSON.stringify(theirs.body);
      for (const id of [w.ws.userId('admin'), w.ws.userId('rep1'), w.ws.userId('rep2'), w.sopId]) {
        expect(leaked).not.toContain(id);
      }
    });
  });
}
