/**
 * The HTTP suite: the system, sign-in and SOP operations over real HTTP, as real users, on each
 * database lane (records, time and live updates: api-records.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { useApiWorld } from './api-world.ts';
import { as, Client, LANES, testSop } from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`API on ${lane.name}`, () => {
    const w = useApiWorld(lane);

    describe('system', () => {
      it('answers health, OpenAPI 3.1 with every operationId, and the reference page', async () => {
        const h = await new Client(w.srv.url).get('/api/health');
        expect(h.status).toBe(200);
        expect(h.body).toMatchObject({ ok: true, db: lane.name, ready: true, draining: false });
        expect(h.body.migrations.applied).toBe(h.body.migrations.expected);
        const live = await new Client(w.srv.url).get('/api/health/live');
        expect(live.body).toEqual({ live: true, draining: false });
        const doc = await new Client(w.srv.url).get('/api/openapi.json');
        expect(doc.status).toBe(200);
        expect(doc.body.openapi).toBe('3.1.0');
        const ids = Object.values(
          doc.body.paths as Record<string, Record<string, { operationId: string }>>,
        ).flatMap((p) => Object.values(p).map((o) => o.operationId));
        for (const id of [
          'login',
          'logout',
          'me',
          'createSop',
          'updateSopDraft',
          'validateSop',
          'publishSop',
          'listSops',
          'listSopVersions',
          'getSopVersion',
          'createRecord',
          'getRecord',
          'listRecords',
          'performAction',
          'updateRecordFields',
          'reassignRecord',
          'closeRecord',
          'reopenRecord',
          'listRecordEvents',
          'listNextActions',
          'listNotifications',
          'markNotificationRead',
          'migrateRecords',
          'overrideGate',
          'listUsers',
          'listTeams',
          'advanceTestClock',
        ]) {
          expect(ids).toContain(id);
        }
        const page = await new Client(w.srv.url).get('/api/docs');
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toContain('text/html');
      });

      it('serves a page saying to build the editor when editor/dist is missing', async () => {
        const r = await new Client(w.srv.url).get('/some/spa/route');
        expect(r.status).toBe(200);
        expect(String(r.body)).toContain('editor has not been built');
      });

      it('answers unknown API routes with problem+json 404', async () => {
        const r = await w.admin.get('/api/nope');
        expect(r.status).toBe(404);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body.type).toMatch(/not-found$/);
      });
    });

    describe('auth', () => {
      it('signs in with an httpOnly SameSite cookie and tells who I am', async () => {
        const c = new Client(w.srv.url);
        const r = await c.post('/api/auth/login', {
          email: w.ws.email('rep1'),
          password: 'test-pass-1',
        });
        expect(r.status).toBe(200);
        const set = r.headers.get('set-cookie') ?? '';
        expect(set).toMatch(/HttpOnly/i);
        expect(set).toMatch(/SameSite=Lax/i);
        const me = await c.get('/api/me');
        expect(me.status).toBe(200);
        expect(me.body.user).toMatchObject({
          email: w.ws.email('rep1'),
          role: 'rep',
          workspaceId: w.ws.id,
          teamIds: ['sales'],
        });
      });

      it('rejects a wrong password with 401 in the caller language', async () => {
        const c = new Client(w.srv.url);
        const zh = await c.post(
          '/api/auth/login',
          { email: w.ws.email('rep1'), password: 'nope' },
          { 'accept-language': 'zh-CN,zh;q=0.9' },
        );
        expect(zh.status).toBe(401);
        expect(zh.body.title).toBe('邮箱或密码错误');
        const en = await c.post(
          '/api/auth/login',
          { email: w.ws.email('rep1'), password: 'nope' },
          { 'accept-language': 'en-US,en;q=0.9' },
        );
        expect(en.body.title).toBe('Wrong email or password');
      });

      it('needs a session for everything but login and health', async () => {
        const anon = new Client(w.srv.url);
        for (const path of ['/api/me', '/api/sops', '/api/records', '/api/next-actions']) {
          const r = await anon.get(path);
          expect(r.status, path).toBe(401);
        }
      });

      it('ends the session on logout', async () => {
        const c = await as(w.srv.url, w.ws.email('rep2'));
        const cookie = c.cookie;
        expect((await c.post('/api/auth/logout')).status).toBe(200);
        const stale = new Client(w.srv.url);
        stale.cookie = cookie;
        expect((await stale.get('/api/me')).status).toBe(401);
      });

      it('rejects cookie-authenticated writes from a foreign origin', async () => {
        const r = await w.rep1.post(
          '/api/records',
          { sopId: w.sopId, fields: {} },
          { origin: 'https://evil.example' },
        );
        expect(r.status).toBe(403);
        expect(r.body.code).toBe('csrf-rejected');
      });
    });

    describe('SOPs', () => {
      it('lists, reads, validates and versions SOPs', async () => {
        const list = await w.rep1.get('/api/sops');
        expect(list.status).toBe(200);
        const item = list.body.items.find((s: { sopId: string }) => s.sopId === w.sopId);
        expect(item).toMatchObject({ publishedVersion: 1 });
        const one = await w.manager.get(`/api/sops/${w.sopId}`);
        expect(one.body.draft.id).toBe(w.sopId);
        // drafts are for authors; a rep reads published versions
        expect((await w.rep1.get(`/api/sops/${w.sopId}`)).status).toBe(403);
        expect((await w.rep1.get(`/api/sops/${w.sopId}/versions/1`)).status).toBe(200);
        const v = await w.manager.post(`/api/sops/${w.sopId}/validate`, {});
        expect(v.status).toBe(200);
        expect(v.body).toEqual({ ok: true, problems: [] });
        const versions = await w.manager.get(`/api/sops/${w.sopId}/versions`);
        expect(versions.body.items[0]).toMatchObject({ version: 1, note: 'test' });
        const ver = await w.manager.get(`/api/sops/${w.sopId}/versions/1`);
        expect(ver.status).toBe(200);
        expect(ver.body.doc.version).toBe(1);
        expect(ver.body.hash).toMatch(/^[0-9a-f]{64}$/);
        // the author's stage order survives storage (jsonb would sort keys: new, won, lost, …)
        const order = Object.keys(testSop(w.sopId).machine.states ?? {});
        expect(order).toEqual(['new', 'qualified', 'won', 'lost']);
        expect(Object.keys(ver.body.doc.machine.states)).toEqual(order);
        expect(Object.keys(one.body.draft.machine.states)).toEqual(order);
      });

      it('reports validation problems with paths and refuses to publish them', async () => {
        const doc = testSop(`${w.sopId}-bad`);
        const created = await w.manager.post('/api/sops', { doc });
        expect(created.status).toBe(201);
        const broken = structuredClone(doc);
        broken.machine.states.new = {
          ...broken.machine.states.new,
          on: { GO: { target: 'nowhere' } },
        };
        const v = await w.manager.post(`/api/sops/${doc.id}/validate`, { doc: broken });
        expect(v.body.ok).toBe(false);
        expect(v.body.problems.length).toBeGreaterThan(0);
        expect((await w.manager.put(`/api/sops/${doc.id}/draft`, { doc: broken })).status).toBe(
          200,
        );
        const p = await w.manager.post(`/api/sops/${doc.id}/publish`, { note: 'x' });
        expect(p.status).toBe(422);
        expect(p.body.code).toBe('sop-invalid');
        expect(p.body.errors.length).toBeGreaterThan(0);
      });

      it('refuses owner rules that name a team the workspace lacks', async () => {
        const doc = testSop(`${w.sopId}-team`);
        const stage = doc.machine.states.new?.meta?.stage;
        if (stage?.owner?.default) stage.owner.default.team = 'no-such-team';
        await w.manager.post('/api/sops', { doc });
        const p = await w.manager.post(`/api/sops/${doc.id}/publish`, { note: '' });
        expect(p.status).toBe(422);
        expect(JSON.stringify(p.body.problems)).toContain('workspace.unknown-team');
      });

      it('refuses inherited JavaScript names as gate facts and operators, so createRecord never meets them', async () => {
        const doc = testSop(`${w.sopId}-proto`);
        await w.manager.post('/api/sops', { doc });
        const gate = (fact: string, operator: string) => {
          const bad = structuredClone(doc);
          const on = bad.machine.states.new?.on as Record<string, any>;
          on.QUALIFY.meta.gate.all[0] = { fact, operator, value: true };
          return bad;
        };
        for (const [fact, operator, code] of [
          ['__proto__', 'isNotEmpty', 'condition.unknown-fact'],
          ['toString', 'isNotEmpty', 'condition.unknown-fact'],
          ['phone', 'constructor', 'condition.unknown-operator'],
          ['phone', 'hasOwnProperty', 'condition.unknown-operator'],
        ] as const) {
          const bad = gate(fact, operator);
          const v = await w.manager.post(`/api/sops/${doc.id}/validate`, { doc: bad });
          expect(v.body.ok).toBe(false);
          expect(v.body.problems.map((p: { code: string }) => p.code)).toContain(code);
          expect((await w.manager.put(`/api/sops/${doc.id}/draft`, { doc: bad })).status).toBe(200);
          const p = await w.manager.post(`/api/sops/${doc.id}/publish`, { note: '' });
          expect(p.status).toBe(422);
          expect(JSON.stringify(p.body.problems)).toContain(code);
        }
        // nothing was published: a record cannot be created on it
        const r = await w.rep1.post('/api/records', { sopId: doc.id, fields: { name: 'x' } });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      });

      it('lets only editors change SOPs and only managers or admins publish', async () => {
        const doc = testSop(`${w.sopId}-roles`);
        expect((await w.rep1.post('/api/sops', { doc })).status).toBe(403);
        expect((await w.trainer.post('/api/sops', { doc })).status).toBe(201);
        expect((await w.trainer.post(`/api/sops/${doc.id}/publish`, { note: '' })).status).toBe(
          403,
        );
        expect((await w.admin.post(`/api/sops/${doc.id}/publish`, { note: '' })).status).toBe(200);
        expect((await w.manager.post('/api/sops', { doc })).status).toBe(409);
      });
    });
  });
}
