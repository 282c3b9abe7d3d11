/**
 * API tokens: shown once and stored hashed, reaching exactly what their scopes name, stopping
 * at revocation and expiry, recording their use (at most once a minute). The audit log:
 * audit-log.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Client, type Json, LANES, testSop } from './harness.ts';
import { useTokensWorld } from './tokens-world.ts';

const sha256 = (s: string) => new Bun.CryptoHasher('sha256').update(s).digest('hex');

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`API tokens on ${lane.name}`, () => {
    const w = useTokensWorld(lane);

    it('creates, lists and revokes tokens; the secret is shown once and stored only hashed', async () => {
      const a = await w.mint(['read'], { expiresAt: Date.now() + 86_400_000 });
      const b = await w.mint(['write', 'intake']);
      expect(a.secret).toMatch(/^clk_/);
      expect(a.token).toMatchObject({
        name: 't-read',
        scopes: ['read'],
        createdBy: w.ws.userId('admin'),
        createdByName: 'Admin',
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(a.token.expiresAt).toBeGreaterThan(Date.now());
      expect(b.token.expiresAt).toBeNull();

      const list = await w.admin.get('/api/admin/tokens');
      expect(list.status).toBe(200);
      const ids = list.body.items.map((t: Json) => t.id);
      expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
      const text = JSON.stringify(list.body);
      const secretPart = a.secret.slice(a.secret.lastIndexOf('_') + 1);
      expect(text).not.toContain(secretPart);
      expect(text).not.toContain('secret');

      // the database holds the SHA-256 of the secret part, never the secret
      const rows = await w.srv.db.query(
        'select secret_hash, row_to_json(t)::text as whole from api_tokens t where workspace_id = $1 and id = $2',
        [w.ws.id, a.id],
      );
      expect(rows[0]?.secret_hash).toBe(sha256(secretPart));
      expect(String(rows[0]?.whole)).not.toContain(secretPart);

      const revoked = await w.admin.post(`/api/admin/tokens/${a.id}/revoke`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(Number));
      const again = await w.admin.post(`/api/admin/tokens/${a.id}/revoke`);
      expect(again.status).toBe(200);
      expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
      expect((await w.admin.post('/api/admin/tokens/0000000000000000/revoke')).status).toBe(404);
      const entries = await w.audit(`&action=token.revoked`);
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
        const r = await w.admin.post('/api/admin/tokens', body);
        expect(r.status, JSON.stringify(body)).toBe(422);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body.errors[0].path, JSON.stringify(r.body)).toMatch(/^json\./);
      }
      for (const c of [w.manager]) {
        expect((await c.post('/api/admin/tokens', { name: 'm', scopes: ['read'] })).status).toBe(
          403,
        );
        expect((await c.get('/api/admin/tokens')).status).toBe(403);
      }
    });

    it('lets each scope reach exactly its operations, acting as the token', async () => {
      const rec = await w.newRecord();
      const read = await w.mint(['read']);
      const write = await w.mint(['write']);
      const intake = await w.mint(['intake']);
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
      await expectStatus(read.c, 'GET', `/api/sops/${w.sopId}/versions/1`, undefined, 200);
      await expectStatus(read.c, 'GET', '/api/duplicates?company=Tok', undefined, 200);
      await expectStatus(read.c, 'GET', '/api/health', undefined, 200);
      await expectStatus(read.c, 'POST', '/api/records', { sopId: w.sopId, fields: {} }, 403);
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
        await expectStatus(c, 'GET', `/api/reports/funnel/export?sopId=${w.sopId}`, undefined, 403);
        await expectStatus(c, 'POST', '/api/test-clock', { advanceMs: 0 }, 403);
        await expectStatus(c, 'POST', '/api/auth/logout', {}, 403);
        await expectStatus(
          c,
          'POST',
          '/api/training/assignments',
          { sopId: w.sopId, userId: w.ws.userId('rep1') },
          403,
        );
        await expectStatus(c, 'PUT', `/api/sops/${w.sopId}/draft`, { doc: testSop(w.sopId) }, 403);
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
        { sopId: w.sopId, fields: { company: 'W' } },
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
      await expectStatus(write.c, 'POST', `/api/sops/${w.sopId}/publish`, { note: 'x' }, 403);
      const events = await w.admin.get(`/api/records/${made.body.record.id}/events`);
      expect(new Set(events.body.items.map((e: Json) => e.actorId))).toEqual(
        new Set([`token:${write.id}`]),
      );
      // intake: create and look for duplicates, nothing else
      await expectStatus(
        intake.c,
        'POST',
        '/api/records',
        { sopId: w.sopId, fields: { company: 'I' } },
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
      const t = await w.mint(['read']);
      expect((await t.c.get('/api/records')).status).toBe(200);
      const wrong = new Client(w.srv.url);
      wrong.bearer = `${t.secret.slice(0, -4)}0000`;
      const anotherWs = new Client(w.srv.url);
      anotherWs.bearer = t.secret.replace(w.ws.id, w.other.id);
      const malformed = new Client(w.srv.url);
      malformed.bearer = 'clk_nonsense';
      for (const c of [wrong, anotherWs, malformed]) {
        const r = await c.get('/api/records');
        expect(r.status, c.bearer).toBe(401);
        expect(r.body.code).toBe('token-invalid');
        expect(r.headers.get('www-authenticate')).toContain('invalid_token');
      }
      const empty = await new Client(w.srv.url).get('/api/records', { authorization: 'Bearer ' });
      expect(empty.status).toBe(401);

      await w.srv.db.query(
        `update api_tokens set expires_at = now() - interval '1 second' where workspace_id = $1 and id = $2`,
        [w.ws.id, t.id],
      );
      expect((await t.c.get('/api/records')).status).toBe(401);

      const r = await w.mint(['read']);
      expect((await r.c.get('/api/records')).status).toBe(200);
      expect((await w.admin.post(`/api/admin/tokens/${r.id}/revoke`)).status).toBe(200);
      expect((await r.c.get('/api/records')).status).toBe(401);
      // another workspace's admin can neither see nor revoke it
      expect((await w.foreign.post(`/api/admin/tokens/${r.id}/revoke`)).status).toBe(404);
      const theirs = await w.foreign.get('/api/admin/tokens');
      expect(theirs.body.items.map((x: Json) => x.id)).not.toContain(r.id);
    });

    it('records last use, written at most once a minute, with a token.used entry', async () => {
      const t = await w.mint(['read']);
      // concurrent first uses race on the token's row: exactly one writes
      const first10 = await Promise.all(Array.from({ length: 10 }, () => t.c.get('/api/records')));
      expect(first10.map((r) => r.status)).toEqual(Array(10).fill(200));
      const listed = (await w.admin.get('/api/admin/tokens')).body.items.find(
        (x: Json) => x.id === t.id,
      );
      expect(listed.lastUsedAt).toEqual(expect.any(Number));
      expect(Math.abs(listed.lastUsedAt - Date.now())).toBeLessThan(60_000);
      const used = async () =>
        (await w.audit(`&action=token.used&actorId=${t.id}`)).filter((e) => e.actorId === t.id);
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
      await w.srv.db.query(
        `update api_tokens set last_used_at = now() - interval '2 minutes' where workspace_id = $1 and id = $2`,
        [w.ws.id, t.id],
      );
      expect((await t.c.get('/api/sops')).status).toBe(200);
      expect((await t.c.get('/api/sops')).status).toBe(200);
      expect(await used()).toHaveLength(2);
    });

    it('needs no CSRF header for bearer writes and ignores a cookie sent beside a bearer', async () => {
      const t = await w.mint(['intake']);
      const crossSite = {
        'content-type': 'application/json',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      };
      const body = JSON.stringify({ sopId: w.sopId, fields: { company: 'Bearer' } });
      const withBearer = await fetch(`${w.srv.url}/api/records`, {
        method: 'POST',
        headers: { ...crossSite, authorization: `Bearer ${t.secret}` },
        body,
      });
      expect(withBearer.status).toBe(201);
      const withCookie = await fetch(`${w.srv.url}/api/records`, {
        method: 'POST',
        headers: { ...crossSite, cookie: w.admin.cookie },
        body,
      });
      expect(withCookie.status).toBe(403);
      // the bearer decides alone: an admin's cookie beside it lends no reach
      const both = new Client(w.srv.url);
      both.cookie = w.admin.cookie;
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
  });
}
