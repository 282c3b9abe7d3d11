/**
 * API tokens and the audit log: tokens are shown once and stored hashed, reach
 * exactly what their scopes name, stop at revocation and expiry, record their use (at most
 * once a minute); the audit log records sign-ins, failures, user, team and SOP changes,
 * overrides, handovers, exports and token use, pages by cursor, and is per workspace and
 * for admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  Client,
  type Json,
  LANES,
  makeWorkspace,
  openWorld,
  PASSWORD,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

const sha256 = (s: string) => new Bun.CryptoHasher('sha256').update(s).digest('hex');

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`API tokens and the audit log on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let other: Awaited<ReturnType<typeof makeWorkspace>>;
    let admin: Client;
    let manager: Client;
    let foreign: Client;
    const sopId = `it-tok-${crypto.randomUUID().slice(0, 6)}`;

    const mint = async (scopes: string[], extra: Record<string, unknown> = {}) => {
      const r = await admin.post('/api/admin/tokens', {
        name: `t-${scopes.join('+')}`,
        scopes,
        ...extra,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      const c = new Client(srv.url);
      c.bearer = r.body.secret;
      return {
        id: r.body.token.id as string,
        secret: r.body.secret as string,
        c,
        token: r.body.token,
      };
    };
    const newRecord = async (fields: Record<string, unknown> = { company: 'Tok' }) => {
      const r = await admin.post('/api/records', {
        sopId,
        fields,
        ownerId: ws.userId('rep1'),
        teamId: 'sales',
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.record as Json;
    };
    const audit = async (query = '') => {
      const r = await admin.get(`/api/admin/audit?limit=200${query}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.items as Json[];
    };

    beforeAll(async () => {
      ({ srv, ws } = await openWorld(lane, { people: [] }));
      other = await makeWorkspace(srv.db);
      [admin, manager, foreign] = await Promise.all([
        as(srv.url, ws.email('admin')),
        as(srv.url, ws.email('manager')),
        as(srv.url, other.email('admin')),
      ]);
      await publish(admin, testSop(sopId));
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('creates, lists and revokes tokens; the secret is shown once and stored only hashed', async () => {
      const a = await mint(['read'], { expiresAt: Date.now() + 86_400_000 });
      const b = await mint(['write', 'intake']);
      expect(a.secret).toMatch(/^clk_/);
      expect(a.token).toMatchObject({
        name: 't-read',
        scopes: ['read'],
        createdBy: ws.userId('admin'),
        createdByName: 'Admin',
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(a.token.expiresAt).toBeGreaterThan(Date.now());
      expect(b.token.expiresAt).toBeNull();

      const list = await admin.get('/api/admin/tokens');
      expect(list.status).toBe(200);
      const ids = list.body.items.map((t: Json) => t.id);
      expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
      const text = JSON.stringify(list.body);
      const secretPart = a.secret.slice(a.secret.lastIndexOf('_') + 1);
      expect(text).not.toContain(secretPart);
      expect(text).not.toContain('secret');

      // the database holds the SHA-256 of the secret part, never the secret
      const rows = await srv.db.query(
        'select secret_hash, row_to_json(t)::text as whole from api_tokens t where workspace_id = $1 and id = $2',
        [ws.id, a.id],
      );
      expect(rows[0]?.secret_hash).toBe(sha256(secretPart));
      expect(String(rows[0]?.whole)).not.toContain(secretPart);

      const revoked = await admin.post(`/api/admin/tokens/${a.id}/revoke`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(Number));
      const again = await admin.post(`/api/admin/tokens/${a.id}/revoke`);
      expect(again.status).toBe(200);
      expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
      expect((await admin.post('/api/admin/tokens/0000000000000000/revoke')).status).toBe(404);
      const entries = await audit(`&action=token.revoked`);
      expect(entries.filter((e) => e.targetId === a.id)).toHaveLength(1);
    });

    it('refuses bad token requests with problem+json naming the field', async () => {
      const bad = [
        { name: '', scopes: ['read'] },
        { name: 'x', scopes: [] },
        { name: 'x', scopes: ['read', 'read'] },
        { name: 'x', scopes: ['admin'] },
        { name: 'x'.repeat(101), scopes: ['read'] },
        { name: 'x', scopes: ['read'], expiresAt: Date.now() - 1000 },
      ];
      for (const body of bad) {
        const r = await admin.post('/api/admin/tokens', body);
        expect(r.status, JSON.stringify(body)).toBe(422);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body.errors[0].path, JSON.stringify(r.body)).toMatch(/^json\./);
      }
      for (const c of [manager]) {
        expect((await c.post('/api/admin/tokens', { name: 'm', scopes: ['read'] })).status).toBe(
          403,
        );
        expect((await c.get('/api/admin/tokens')).status).toBe(403);
      }
    });

    it('lets each scope reach exactly its operations, acting as the token', async () => {
      const rec = await newRecord();
      const read = await mint(['read']);
      const write = await mint(['write']);
      const intake = await mint(['intake']);
      const path = `/api/records/${rec.id}`;
      const expectStatus = async (
        c: Client,
        method: string,
        p: string,
        body: unknown,
        want: number,
      ) => {
        const r = await c.req(method, p, body);
        expect(r.status, `${method} ${p}: ${JSON.stringify(r.body)}`).toBe(want);
        if (want === 403) expect(r.body.code).toBe('token-scope');
        return r;
      };
      // read: record and SOP reads
      await expectStatus(read.c, 'GET', '/api/records', undefined, 200);
      await expectStatus(read.c, 'GET', path, undefined, 200);
      await expectStatus(read.c, 'GET', `${path}/events`, undefined, 200);
      await expectStatus(read.c, 'GET', '/api/sops', undefined, 200);
      await expectStatus(read.c, 'GET', `/api/sops/${sopId}/versions/1`, undefined, 200);
      await expectStatus(read.c, 'GET', '/api/duplicates?company=Tok', undefined, 200);
      await expectStatus(read.c, 'GET', '/api/health', undefined, 200);
      await expectStatus(read.c, 'POST', '/api/records', { sopId, fields: {} }, 403);
      await expectStatus(
        read.c,
        'POST',
        `${path}/actions`,
        { action: 'LOSE', version: rec.version },
        403,
      );
      for (const c of [read.c, write.c, intake.c]) {
        await expectStatus(c, 'GET', '/api/admin/tokens', undefined, 403);
        await expectStatus(c, 'GET', '/api/admin/audit', undefined, 403);
        await expectStatus(c, 'POST', '/api/admin/tokens', { name: 'x', scopes: ['read'] }, 403);
        await expectStatus(c, 'GET', '/api/me', undefined, 403);
        await expectStatus(c, 'GET', '/api/next-actions', undefined, 403);
        await expectStatus(c, 'GET', `/api/reports/funnel/export?sopId=${sopId}`, undefined, 403);
        await expectStatus(c, 'POST', '/api/test-clock', { advanceMs: 0 }, 403);
        await expectStatus(c, 'POST', '/api/auth/logout', {}, 403);
        await expectStatus(
          c,
          'POST',
          '/api/training/assignments',
          { sopId, userId: ws.userId('rep1') },
          403,
        );
        await expectStatus(c, 'PUT', `/api/sops/${sopId}/draft`, { doc: testSop(sopId) }, 403);
        await expectStatus(
          c,
          'POST',
          `${path}/override`,
          { action: 'LOSE', reason: 'x', version: 1 },
          403,
        );
      }
      // write: record commands, acting as `token:<id>`
      const made = await expectStatus(
        write.c,
        'POST',
        '/api/records',
        { sopId, fields: { company: 'W' } },
        201,
      );
      const lost = await expectStatus(
        write.c,
        'POST',
        `/api/records/${made.body.record.id}/actions`,
        { action: 'LOSE', version: made.body.record.version },
        200,
      );
      expect(lost.body.record.status).toBe('lost');
      await expectStatus(write.c, 'GET', path, undefined, 200);
      await expectStatus(
        write.c,
        'POST',
        '/api/handovers',
        { recordIds: [rec.id], reason: 'x' },
        403,
      );
      await expectStatus(write.c, 'POST', `/api/sops/${sopId}/publish`, { note: 'x' }, 403);
      const events = await admin.get(`/api/records/${made.body.record.id}/events`);
      expect(new Set(events.body.items.map((e: Json) => e.actorId))).toEqual(
        new Set([`token:${write.id}`]),
      );
      // intake: create and look for duplicates, nothing else
      await expectStatus(
        intake.c,
        'POST',
        '/api/records',
        { sopId, fields: { company: 'I' } },
        201,
      );
      await expectStatus(intake.c, 'GET', '/api/duplicates?company=I', undefined, 200);
      await expectStatus(intake.c, 'GET', '/api/records', undefined, 403);
      await expectStatus(intake.c, 'GET', path, undefined, 403);
      await expectStatus(
        intake.c,
        'POST',
        `${path}/close`,
        { reason: 'x', version: rec.version },
        403,
      );
    });

    it('answers 401 to revoked, expired, malformed and foreign tokens', async () => {
      const t = await mint(['read']);
      expect((await t.c.get('/api/records')).status).toBe(200);
      const wrong = new Client(srv.url);
      wrong.bearer = `${t.secret.slice(0, -4)}0000`;
      const anotherWs = new Client(srv.url);
      anotherWs.bearer = t.secret.replace(ws.id, other.id);
      const malformed = new Client(srv.url);
      malformed.bearer = 'clk_nonsense';
      for (const c of [wrong, anotherWs, malformed]) {
        const r = await c.get('/api/records');
        expect(r.status, c.bearer).toBe(401);
        expect(r.body.code).toBe('token-invalid');
        expect(r.headers.get('www-authenticate')).toContain('invalid_token');
      }
      const empty = await new Client(srv.url).get('/api/records', { authorization: 'Bearer ' });
      expect(empty.status).toBe(401);

      await srv.db.query(
        `update api_tokens set expires_at = now() - interval '1 second' where workspace_id = $1 and id = $2`,
        [ws.id, t.id],
      );
      expect((await t.c.get('/api/records')).status).toBe(401);

      const r = await mint(['read']);
      expect((await r.c.get('/api/records')).status).toBe(200);
      expect((await admin.post(`/api/admin/tokens/${r.id}/revoke`)).status).toBe(200);
      expect((await r.c.get('/api/records')).status).toBe(401);
      // another workspace's admin can neither see nor revoke it
      expect((await foreign.post(`/api/admin/tokens/${r.id}/revoke`)).status).toBe(404);
      const theirs = await foreign.get('/api/admin/tokens');
      expect(theirs.body.items.map((x: Json) => x.id)).not.toContain(r.id);
    });

    it('records last use, written at most once a minute, with a token.used entry', async () => {
      const t = await mint(['read']);
      // concurrent first uses race on the token's row: exactly one writes
      const first10 = await Promise.all(Array.from({ length: 10 }, () => t.c.get('/api/records')));
      expect(first10.map((r) => r.status)).toEqual(Array(10).fill(200));
      const listed = (await admin.get('/api/admin/tokens')).body.items.find(
        (x: Json) => x.id === t.id,
      );
      expect(listed.lastUsedAt).toEqual(expect.any(Number));
      expect(Math.abs(listed.lastUsedAt - Date.now())).toBeLessThan(60_000);
      const used = async () =>
        (await audit(`&action=token.used&actorId=${t.id}`)).filter((e) => e.actorId === t.id);
      const first = await used();
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({
        actorType: 'token',
        actorName: 't-read',
        targetType: 'token',
        targetId: t.id,
        detail: { operationId: 'listRecords', method: 'GET', path: '/api/records' },
      });
      expect(first[0].ip).toBeTruthy();
      // a minute later the next use writes again
      await srv.db.query(
        `update api_tokens set last_used_at = now() - interval '2 minutes' where workspace_id = $1 and id = $2`,
        [ws.id, t.id],
      );
      expect((await t.c.get('/api/sops')).status).toBe(200);
      expect((await t.c.get('/api/sops')).status).toBe(200);
      expect(await used()).toHaveLength(2);
    });

    it('needs no CSRF header for bearer writes and ignores a cookie sent beside a bearer', async () => {
      const t = await mint(['intake']);
      const crossSite = {
        'content-type': 'application/json',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      };
      const body = JSON.stringify({ sopId, fields: { company: 'Bearer' } });
      const withBearer = await fetch(`${srv.url}/api/records`, {
        method: 'POST',
        headers: { ...crossSite, authorization: `Bearer ${t.secret}` },
        body,
      });
      expect(withBearer.status).toBe(201);
      const withCookie = await fetch(`${srv.url}/api/records`, {
        method: 'POST',
        headers: { ...crossSite, cookie: admin.cookie },
        body,
      });
      expect(withCookie.status).toBe(403);
      // the bearer decides alone: an admin's cookie beside it lends no reach
      const both = new Client(srv.url);
      both.cookie = admin.cookie;
      both.bearer = t.secret;
      const invite = await both.post('/api/invites', {
        email: 'x@it.test',
        name: 'X',
        role: 'rep',
      });
      expect(invite.status).toBe(403);
      expect(invite.body.code).toBe('token-scope');
      both.bearer = 'clk_bogus';
      expect((await both.get('/api/records')).status).toBe(401);
    });

    it('writes audit entries for sign-ins, failures, user, team and SOP changes, overrides, handovers, exports', async () => {
      const started = Date.now() - 1000;
      const rep1 = await as(srv.url, ws.email('rep1'));
      expect(
        (
          await new Client(srv.url).post('/api/auth/login', {
            email: ws.email('rep1'),
            password: 'nope-nope',
          })
        ).status,
      ).toBe(401);
      const stranger = `nobody-${crypto.randomUUID().slice(0, 6)}@it.test`;
      expect(
        (await new Client(srv.url).post('/api/auth/login', { email: stranger, password: 'x' }))
          .status,
      ).toBe(401);
      expect(
        (await admin.patch(`/api/users/${ws.userId('rep2')}`, { role: 'manager' })).status,
      ).toBe(200);
      expect((await admin.patch(`/api/users/${ws.userId('rep2')}`, { role: 'rep' })).status).toBe(
        200,
      );
      expect((await admin.patch('/api/teams/sales', { shared: true })).status).toBe(200);
      await publish(admin, testSop(sopId));
      const rec = await newRecord({ company: 'Gate' });
      const ov = await admin.post(`/api/records/${rec.id}/override`, {
        action: 'QUALIFY',
        reason: 'approved by phone',
        version: rec.version,
      });
      expect(ov.status, JSON.stringify(ov.body)).toBe(200);
      const h1 = await newRecord();
      const h2 = await newRecord();
      const hand = await admin.post('/api/handovers', {
        recordIds: [h1.id, h2.id],
        toUserId: ws.userId('rep2'),
        reason: 'holiday',
      });
      expect(hand.status, JSON.stringify(hand.body)).toBe(200);
      const csv = await manager.get(`/api/reports/funnel/export?sopId=${sopId}`);
      expect(csv.status).toBe(200);
      expect((await rep1.post('/api/auth/logout')).status).toBe(200);

      const items = await audit(`&from=${started}`);
      const one = (action: string, pred: (e: Json) => boolean = () => true) => {
        const found = items.filter((e) => e.action === action && pred(e));
        expect(
          found.length,
          `${action} in ${JSON.stringify(items.map((e) => e.action))}`,
        ).toBeGreaterThan(0);
        return found[0];
      };
      const signIn = one('auth.signed-in', (e) => e.actorId === ws.userId('rep1'));
      expect(signIn).toMatchObject({ actorType: 'user', actorName: 'Rep One' });
      expect(signIn.ip).toMatch(/127\.0\.0\.1|::1/);
      const failure = one('auth.sign-in-failed', (e) => e.targetId === ws.userId('rep1'));
      expect(failure.detail).toMatchObject({ email: ws.email('rep1'), reason: 'bad-password' });
      expect(items.some((e) => JSON.stringify(e).includes(stranger))).toBe(false);
      // a locked-out email's further attempts are failures too
      for (let i = 0; i < 6; i++) {
        await new Client(srv.url).post('/api/auth/login', {
          email: ws.email('rep3'),
          password: 'nope-nope',
        });
      }
      const rep3 = (await audit('&action=auth.sign-in-failed')).filter(
        (e) => e.targetId === ws.userId('rep3'),
      );
      expect(rep3.map((e) => e.detail.reason)).toEqual([
        'locked',
        'bad-password',
        'bad-password',
        'bad-password',
        'bad-password',
        'bad-password',
      ]);
      const unknownAnywhere = await srv.db.query(
        `select count(*)::int as n from audit_log where detail->>'email' = $1`,
        [stranger],
      );
      expect(unknownAnywhere[0]?.n).toBe(0);
      const roles = items.filter(
        (e) => e.action === 'user.role-changed' && e.targetId === ws.userId('rep2'),
      );
      expect(roles.map((e) => e.detail.changes.role)).toEqual([
        { from: 'manager', to: 'rep' },
        { from: 'rep', to: 'manager' },
      ]);
      expect(one('team.updated', (e) => e.targetId === 'sales').detail.changes.shared).toEqual({
        from: false,
        to: true,
      });
      expect(one('sop.published', (e) => e.targetId === sopId).detail.version).toBe(2);
      expect(one('gate.overridden', (e) => e.targetId === rec.id).detail).toMatchObject({
        action: 'QUALIFY',
        reason: 'approved by phone',
      });
      const handed = items.filter((e) => e.action === 'records.handed-over');
      expect(handed).toHaveLength(1);
      expect(handed[0]).toMatchObject({ targetType: 'user', targetId: ws.userId('rep2') });
      expect(handed[0].detail).toMatchObject({
        count: 2,
        to: ws.userId('rep2'),
        reason: 'holiday',
      });
      expect(one('report.exported').actorId).toBe(ws.userId('manager'));
      one('auth.signed-out', (e) => e.actorId === ws.userId('rep1'));
      for (const e of items) expect(e.at).toBeGreaterThanOrEqual(started);
    });

    it('audits invites, their acceptance, team creation and deactivation with its handover', async () => {
      const email = `aud-${crypto.randomUUID().slice(0, 6)}@it.test`;
      const inv = await admin.post('/api/invites', { email, name: 'Aud', role: 'rep' });
      expect(inv.status).toBe(201);
      const acc = await new Client(srv.url).post('/api/invites/accept', {
        token: inv.body.token,
        password: PASSWORD,
      });
      expect(acc.status).toBe(201);
      const teamId = `aud-${crypto.randomUUID().slice(0, 6)}`;
      expect(
        (
          await admin.post('/api/teams', {
            id: teamId,
            name: 'Aud',
            members: [{ userId: acc.body.userId }],
          })
        ).status,
      ).toBe(201);
      const r = await admin.post('/api/records', { sopId, fields: {}, ownerId: acc.body.userId });
      expect(r.status).toBe(201);
      const off = await admin.post(`/api/users/${acc.body.userId}/deactivate`, {
        handoverTo: { userId: ws.userId('rep1') },
      });
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      const items = await audit();
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
      ).toMatchObject({ handedOver: 1, to: ws.userId('rep1') });
    });

    it('pages by cursor, newest first, and filters by action, actor and time', async () => {
      const all = await audit();
      expect(all.length).toBeGreaterThan(10);
      for (let i = 1; i < all.length; i++) {
        expect(all[i - 1].at).toBeGreaterThanOrEqual(all[i].at);
      }
      const paged: Json[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const r = await admin.get(`/api/admin/audit?limit=4${q}`);
        expect(r.status).toBe(200);
        expect(r.body.items.length).toBeLessThanOrEqual(4);
        paged.push(...r.body.items);
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));

      const auth = await audit('&action=auth.');
      expect(auth.length).toBeGreaterThan(0);
      expect(auth.every((e) => e.action.startsWith('auth.'))).toBe(true);
      const exact = await audit('&action=auth.signed-in');
      expect(exact.length).toBeGreaterThan(0);
      expect(exact.every((e) => e.action === 'auth.signed-in')).toBe(true);
      expect(await audit('&action=auth')).toEqual([]);
      const mine = await audit(`&actorId=${ws.userId('admin')}`);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((e) => e.actorId === ws.userId('admin'))).toBe(true);
      const mid = all[Math.floor(all.length / 2)];
      const older = await audit(`&to=${mid.at}`);
      expect(older.every((e) => e.at < mid.at)).toBe(true);
      const newer = await audit(`&from=${mid.at}`);
      expect(newer.every((e) => e.at >= mid.at)).toBe(true);
      expect(older.length + newer.length).toBe(all.length);

      const bad = await admin.get('/api/admin/audit?cursor=bm9wZQ');
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].path).toBe('query.cursor');
      expect((await admin.get('/api/admin/audit?limit=500')).status).toBe(422);
    });

    it('is for admins of this workspace only', async () => {
      expect((await manager.get('/api/admin/audit')).status).toBe(403);
      const rep = await as(srv.url, ws.email('rep2'));
      expect((await rep.get('/api/admin/audit')).status).toBe(403);
      const ours = new Set((await audit()).map((e) => e.id));
      const theirs = await foreign.get('/api/admin/audit?limit=200');
      expect(theirs.status).toBe(200);
      for (const e of theirs.body.items as Json[]) expect(ours.has(e.id)).toBe(false);
      const leaked = JSON.stringify(theirs.body);
      for (const id of [ws.userId('admin'), ws.userId('rep1'), ws.userId('rep2'), sopId]) {
        expect(leaked).not.toContain(id);
      }
    });
  });
}
