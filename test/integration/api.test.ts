/**
 * The HTTP suite: every operation over real HTTP, as real users, on each database lane.
 */
import { replay } from '@closeloop/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  Client,
  LANES,
  openWorld,
  type Res,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`API on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let admin: Client;
    let manager: Client;
    let rep1: Client;
    let rep2: Client;
    let rep3: Client;
    let trainer: Client;
    const sopId = `it-lead-${crypto.randomUUID().slice(0, 6)}`;

    beforeAll(async () => {
      ({ srv, ws, admin, manager, rep1, rep2, rep3, trainer } = await openWorld(lane, {
        publish: [testSop(sopId)],
      }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    const create = async (c: Client, fields: Record<string, unknown> = {}, extra = {}) => {
      const r = await c.post('/api/records', { sopId, fields, ...extra });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };

    describe('system', () => {
      it('answers health, OpenAPI 3.1 with every operationId, and the reference page', async () => {
        const h = await new Client(srv.url).get('/api/health');
        expect(h.status).toBe(200);
        expect(h.body).toMatchObject({ ok: true, db: lane.name, ready: true, draining: false });
        expect(h.body.migrations.applied).toBe(h.body.migrations.expected);
        const live = await new Client(srv.url).get('/api/health/live');
        expect(live.body).toEqual({ live: true, draining: false });
        const doc = await new Client(srv.url).get('/api/openapi.json');
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
        const page = await new Client(srv.url).get('/api/docs');
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toContain('text/html');
      });

      it('serves a page saying to build the editor when editor/dist is missing', async () => {
        const r = await new Client(srv.url).get('/some/spa/route');
        expect(r.status).toBe(200);
        expect(String(r.body)).toContain('editor has not been built');
      });

      it('answers unknown API routes with problem+json 404', async () => {
        const r = await admin.get('/api/nope');
        expect(r.status).toBe(404);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        expect(r.body.type).toMatch(/not-found$/);
      });
    });

    describe('auth', () => {
      it('signs in with an httpOnly SameSite cookie and tells who I am', async () => {
        const c = new Client(srv.url);
        const r = await c.post('/api/auth/login', {
          email: ws.email('rep1'),
          password: 'test-pass-1',
        });
        expect(r.status).toBe(200);
        const set = r.headers.get('set-cookie') ?? '';
        expect(set).toMatch(/HttpOnly/i);
        expect(set).toMatch(/SameSite=Lax/i);
        const me = await c.get('/api/me');
        expect(me.status).toBe(200);
        expect(me.body.user).toMatchObject({
          email: ws.email('rep1'),
          role: 'rep',
          workspaceId: ws.id,
          teamIds: ['sales'],
        });
      });

      it('rejects a wrong password with 401 in the caller language', async () => {
        const c = new Client(srv.url);
        const zh = await c.post(
          '/api/auth/login',
          { email: ws.email('rep1'), password: 'nope' },
          { 'accept-language': 'zh-CN,zh;q=0.9' },
        );
        expect(zh.status).toBe(401);
        expect(zh.body.title).toBe('邮箱或密码错误');
        const en = await c.post(
          '/api/auth/login',
          { email: ws.email('rep1'), password: 'nope' },
          { 'accept-language': 'en-US,en;q=0.9' },
        );
        expect(en.body.title).toBe('Wrong email or password');
      });

      it('needs a session for everything but login and health', async () => {
        const anon = new Client(srv.url);
        for (const path of ['/api/me', '/api/sops', '/api/records', '/api/next-actions']) {
          const r = await anon.get(path);
          expect(r.status, path).toBe(401);
        }
      });

      it('ends the session on logout', async () => {
        const c = await as(srv.url, ws.email('rep2'));
        const cookie = c.cookie;
        expect((await c.post('/api/auth/logout')).status).toBe(200);
        const stale = new Client(srv.url);
        stale.cookie = cookie;
        expect((await stale.get('/api/me')).status).toBe(401);
      });

      it('rejects cookie-authenticated writes from a foreign origin', async () => {
        const r = await rep1.post(
          '/api/records',
          { sopId, fields: {} },
          { origin: 'https://evil.example' },
        );
        expect(r.status).toBe(403);
        expect(r.body.code).toBe('csrf-rejected');
      });
    });

    describe('SOPs', () => {
      it('lists, reads, validates and versions SOPs', async () => {
        const list = await rep1.get('/api/sops');
        expect(list.status).toBe(200);
        const item = list.body.items.find((s: { sopId: string }) => s.sopId === sopId);
        expect(item).toMatchObject({ publishedVersion: 1 });
        const one = await manager.get(`/api/sops/${sopId}`);
        expect(one.body.draft.id).toBe(sopId);
        // drafts are for authors; a rep reads published versions
        expect((await rep1.get(`/api/sops/${sopId}`)).status).toBe(403);
        expect((await rep1.get(`/api/sops/${sopId}/versions/1`)).status).toBe(200);
        const v = await manager.post(`/api/sops/${sopId}/validate`, {});
        expect(v.status).toBe(200);
        expect(v.body).toEqual({ ok: true, problems: [] });
        const versions = await manager.get(`/api/sops/${sopId}/versions`);
        expect(versions.body.items[0]).toMatchObject({ version: 1, note: 'test' });
        const ver = await manager.get(`/api/sops/${sopId}/versions/1`);
        expect(ver.status).toBe(200);
        expect(ver.body.doc.version).toBe(1);
        expect(ver.body.hash).toMatch(/^[0-9a-f]{64}$/);
        // the author's stage order survives storage (jsonb would sort keys: new, won, lost, …)
        const order = Object.keys(testSop(sopId).machine.states ?? {});
        expect(order).toEqual(['new', 'qualified', 'won', 'lost']);
        expect(Object.keys(ver.body.doc.machine.states)).toEqual(order);
        expect(Object.keys(one.body.draft.machine.states)).toEqual(order);
      });

      it('reports validation problems with paths and refuses to publish them', async () => {
        const doc = testSop(`${sopId}-bad`);
        const created = await manager.post('/api/sops', { doc });
        expect(created.status).toBe(201);
        const broken = structuredClone(doc);
        broken.machine.states.new = {
          ...broken.machine.states.new,
          on: { GO: { target: 'nowhere' } },
        };
        const v = await manager.post(`/api/sops/${doc.id}/validate`, { doc: broken });
        expect(v.body.ok).toBe(false);
        expect(v.body.problems.length).toBeGreaterThan(0);
        expect((await manager.put(`/api/sops/${doc.id}/draft`, { doc: broken })).status).toBe(200);
        const p = await manager.post(`/api/sops/${doc.id}/publish`, { note: 'x' });
        expect(p.status).toBe(422);
        expect(p.body.code).toBe('sop-invalid');
        expect(p.body.errors.length).toBeGreaterThan(0);
      });

      it('refuses owner rules that name a team the workspace lacks', async () => {
        const doc = testSop(`${sopId}-team`);
        const stage = doc.machine.states.new?.meta?.stage;
        if (stage?.owner?.default) stage.owner.default.team = 'no-such-team';
        await manager.post('/api/sops', { doc });
        const p = await manager.post(`/api/sops/${doc.id}/publish`, { note: '' });
        expect(p.status).toBe(422);
        expect(JSON.stringify(p.body.problems)).toContain('workspace.unknown-team');
      });

      it('refuses inherited JavaScript names as gate facts and operators, so createRecord never meets them', async () => {
        const doc = testSop(`${sopId}-proto`);
        await manager.post('/api/sops', { doc });
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
          const v = await manager.post(`/api/sops/${doc.id}/validate`, { doc: bad });
          expect(v.body.ok).toBe(false);
          expect(v.body.problems.map((p: { code: string }) => p.code)).toContain(code);
          expect((await manager.put(`/api/sops/${doc.id}/draft`, { doc: bad })).status).toBe(200);
          const p = await manager.post(`/api/sops/${doc.id}/publish`, { note: '' });
          expect(p.status).toBe(422);
          expect(JSON.stringify(p.body.problems)).toContain(code);
        }
        // nothing was published: a record cannot be created on it
        const r = await rep1.post('/api/records', { sopId: doc.id, fields: { name: 'x' } });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
      });

      it('lets only editors change SOPs and only managers or admins publish', async () => {
        const doc = testSop(`${sopId}-roles`);
        expect((await rep1.post('/api/sops', { doc })).status).toBe(403);
        expect((await trainer.post('/api/sops', { doc })).status).toBe(201);
        expect((await trainer.post(`/api/sops/${doc.id}/publish`, { note: '' })).status).toBe(403);
        expect((await admin.post(`/api/sops/${doc.id}/publish`, { note: '' })).status).toBe(200);
        expect((await manager.post('/api/sops', { doc })).status).toBe(409);
      });
    });

    describe('records', () => {
      it('creates a record, routes it round-robin and schedules its SLA timers', async () => {
        const a = await create(rep1, { company: 'ACME' });
        const b = await create(rep1, { company: 'Beta' });
        expect(a.record.activeStages).toEqual(['new']);
        expect(a.record.teamId).toBe('sales');
        const owners = new Set([a.record.ownerId, b.record.ownerId]);
        expect(owners).toEqual(new Set([ws.userId('rep1'), ws.userId('rep2')]));
        expect(a.record.timers.map((t: { kind: string }) => t.kind).sort()).toEqual([
          'deadline',
          'notify-manager',
          'remind-owner',
        ]);
        const rows = await srv.db.query(
          "select count(*)::int as n from timers where workspace_id = $1 and record_id = $2 and status = 'pending'",
          [ws.id, a.record.id],
        );
        expect(rows[0]?.n).toBe(3);
        expect(a.openActions.map((x: { action: string }) => x.action).sort()).toEqual([
          'LOSE',
          'QUALIFY',
        ]);
      });

      it('answers a failed gate with 422 listing each condition, its message and fields', async () => {
        const rec = (await create(rep1, {}, { ownerId: ws.userId('rep1') })).record;
        const r = await rep1.post(
          `/api/records/${rec.id}/actions`,
          { action: 'QUALIFY', version: rec.version },
          { 'accept-language': 'en' },
        );
        expect(r.status).toBe(422);
        expect(r.body.code).toBe('gate-failed');
        expect(r.body.errors.map((e: { message: string }) => e.message).sort()).toEqual([
          'Budget must be above 0',
          'Enter the phone number',
        ]);
        expect(r.body.errors.flatMap((e: { fields: string[] }) => e.fields).sort()).toEqual([
          'budget',
          'phone',
        ]);
        const after = await rep1.get(`/api/records/${rec.id}`);
        expect(after.body.record.version).toBe(rec.version);
        const ev = await rep1.get(`/api/records/${rec.id}/events`);
        expect(ev.body.items.every((e: { version: number }) => e.version <= rec.version)).toBe(
          true,
        );
      });

      it('moves a record through its stages and keeps the history replayable', async () => {
        let rec = (await create(rep1, { company: 'Gamma' }, { ownerId: ws.userId('rep1') })).record;
        const q = await rep1.post(`/api/records/${rec.id}/actions`, {
          action: 'QUALIFY',
          fields: { phone: '138 0013 8000', budget: 50000 },
          version: rec.version,
        });
        expect(q.status, JSON.stringify(q.body)).toBe(200);
        rec = q.body.record;
        expect(rec.activeStages).toEqual(['qualified']);
        expect(rec.timers).toEqual([]);
        const cancelled = await srv.db.query(
          "select count(*)::int as n from timers where workspace_id = $1 and record_id = $2 and status = 'cancelled'",
          [ws.id, rec.id],
        );
        expect(cancelled[0]?.n).toBe(3);
        const blocked = await rep1.post(`/api/records/${rec.id}/actions`, {
          action: 'WIN',
          version: rec.version,
        });
        expect(blocked.status).toBe(422);
        const tick = await rep1.patch(`/api/records/${rec.id}/fields`, {
          checklist: { qualified: ['called', 'quoted'] },
          version: rec.version,
        });
        expect(tick.status).toBe(200);
        rec = tick.body.record;
        const win = await rep1.post(`/api/records/${rec.id}/actions`, {
          action: 'WIN',
          version: rec.version,
        });
        expect(win.status).toBe(200);
        expect(win.body.record.status).toBe('won');
        const events = await rep1.get(`/api/records/${rec.id}/events`);
        const types = events.body.items.map((e: { type: string }) => e.type);
        expect(types[0]).toBe('record.created');
        expect(types).toContain('action.performed');
        expect(types).toContain('record.completed');
        const stored = (await rep1.get(`/api/records/${rec.id}`)).body.record;
        const { activeStages: _a, currentStages: _c, overdue: _o, ...state } = stored;
        expect(replay(events.body.items.map(({ seq: _s, ...e }: { seq: number }) => e))).toEqual(
          state,
        );
      });

      it('answers a stale version with 409 and the current record', async () => {
        const rec = (await create(rep1, {}, { ownerId: ws.userId('rep1') })).record;
        const first = await rep1.patch(`/api/records/${rec.id}/fields`, {
          fields: { company: 'First' },
          version: rec.version,
        });
        expect(first.status).toBe(200);
        const second = await rep1.patch(`/api/records/${rec.id}/fields`, {
          fields: { company: 'Second' },
          version: rec.version,
        });
        expect(second.status).toBe(409);
        expect(second.body.code).toBe('stale-version');
        expect(second.body.record.fields.company).toBe('First');
        expect(second.body.record.version).toBe(first.body.record.version);
      });

      it('replays the first answer for a repeated Idempotency-Key and refuses a reused one', async () => {
        const key = crypto.randomUUID();
        const body = { sopId, fields: { company: 'Idem' } };
        const a = await rep1.post('/api/records', body, { 'idempotency-key': key });
        const b = await rep1.post('/api/records', body, { 'idempotency-key': key });
        expect(a.status).toBe(201);
        expect(b.status).toBe(201);
        expect(b.body.record.id).toBe(a.body.record.id);
        const c = await rep1.post(
          '/api/records',
          { ...body, fields: { company: 'Other' } },
          { 'idempotency-key': key },
        );
        expect(c.status).toBe(422);
        expect(c.body.code).toBe('idempotency-key-reused');
      });

      it('lists with filters and cursor pagination, within what the caller may see', async () => {
        const mine = await Promise.all(
          [1, 2, 3, 4, 5].map((i) =>
            create(rep1, { company: `Page ${i} Zeta` }, { ownerId: ws.userId('rep1') }),
          ),
        );
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const path: string = `/api/records?q=zeta&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
          const page: Res = await rep1.get(path);
          expect(page.status).toBe(200);
          expect(page.body.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.body.items.map((r: { id: string }) => r.id));
          cursor = page.body.nextCursor;
        } while (cursor);
        expect(new Set(seen)).toEqual(new Set(mine.map((m) => m.record.id)));
        const byOwner = await manager.get(
          `/api/records?ownerId=${ws.userId('rep1')}&stage=new&sopId=${sopId}`,
        );
        expect(byOwner.body.items.length).toBeGreaterThanOrEqual(5);
        expect(
          byOwner.body.items.every((r: { ownerId: string }) => r.ownerId === ws.userId('rep1')),
        ).toBe(true);
        const team = await admin.get('/api/records?teamId=sales&limit=200');
        expect(team.body.items.every((r: { teamId: string }) => r.teamId === 'sales')).toBe(true);
        // rep3 is in marketing: sales records are not theirs to see
        const other = await rep3.get('/api/records?q=zeta');
        expect(other.body.items).toEqual([]);
        const forbidden = await rep3.get(`/api/records/${mine[0]?.record.id}`);
        expect(forbidden.status).toBe(403);
        const nope = await rep3.post(`/api/records/${mine[0]?.record.id}/actions`, {
          action: 'LOSE',
          version: 1,
        });
        expect(nope.status).toBe(403);
        expect((await trainer.get('/api/records')).status).toBe(403);
      });

      it('reassigns (manager only), closes with a reason and reopens', async () => {
        let rec = (await create(rep1, {}, { ownerId: ws.userId('rep1') })).record;
        const repTry = await rep1.post(`/api/records/${rec.id}/reassign`, {
          toUserId: ws.userId('rep2'),
          version: rec.version,
        });
        expect(repTry.status).toBe(403);
        const re = await manager.post(`/api/records/${rec.id}/reassign`, {
          toUserId: ws.userId('rep2'),
          version: rec.version,
          reason: 'holiday',
        });
        expect(re.status, JSON.stringify(re.body)).toBe(200);
        rec = re.body.record;
        expect(rec.ownerId).toBe(ws.userId('rep2'));
        const otherTeam = await manager.post(`/api/records/${rec.id}/reassign`, {
          toUserId: ws.userId('rep3'),
          version: rec.version,
        });
        expect(otherTeam.status).toBe(403);
        const notAMember = await admin.post(`/api/records/${rec.id}/reassign`, {
          toUserId: ws.userId('trainer'),
          version: rec.version,
        });
        expect(notAMember.status).toBe(422);
        expect(notAMember.body.code).toBe('no-assignee');
        const noReason = await rep2.post(`/api/records/${rec.id}/close`, {
          reason: '  ',
          version: rec.version,
        });
        expect(noReason.status).toBe(422);
        const closed = await rep2.post(`/api/records/${rec.id}/close`, {
          reason: 'no budget',
          version: rec.version,
        });
        expect(closed.status).toBe(200);
        rec = closed.body.record;
        expect(rec.status).toBe('lost');
        expect(rec.timers).toEqual([]);
        expect(
          (await rep2.post(`/api/records/${rec.id}/reopen`, { version: rec.version })).status,
        ).toBe(403);
        const reopened = await manager.post(`/api/records/${rec.id}/reopen`, {
          version: rec.version,
          reason: 'came back',
        });
        expect(reopened.status).toBe(200);
        expect(reopened.body.record.status).toBe('open');
        expect(reopened.body.record.timers.length).toBe(3);
      });

      it('lets only an admin override a gate, with a reason, recorded as such', async () => {
        const rec = (await create(rep1, {}, { ownerId: ws.userId('rep1') })).record;
        const rep = await rep1.post(`/api/records/${rec.id}/override`, {
          action: 'QUALIFY',
          reason: 'boss said so',
          version: rec.version,
        });
        expect(rep.status).toBe(403);
        const mgr = await manager.post(`/api/records/${rec.id}/override`, {
          action: 'QUALIFY',
          reason: 'boss said so',
          version: rec.version,
        });
        expect(mgr.status).toBe(403);
        const noReason = await admin.post(`/api/records/${rec.id}/override`, {
          action: 'QUALIFY',
          version: rec.version,
        });
        expect(noReason.status).toBe(422);
        const ok = await admin.post(`/api/records/${rec.id}/override`, {
          action: 'QUALIFY',
          reason: 'boss said so',
          version: rec.version,
        });
        expect(ok.status, JSON.stringify(ok.body)).toBe(200);
        expect(ok.body.record.activeStages).toEqual(['qualified']);
        const types = ok.body.events.map((e: { type: string }) => e.type);
        expect(types).toContain('gate.overridden');
      });

      it('answers unknown actions, actions not open here and unknown records clearly', async () => {
        const rec = (await create(rep1, {}, { ownerId: ws.userId('rep1') })).record;
        const unknown = await rep1.post(`/api/records/${rec.id}/actions`, {
          action: 'FLY',
          version: rec.version,
        });
        expect(unknown.status).toBe(422);
        expect(unknown.body.code).toBe('unknown-action');
        const notOpen = await rep1.post(`/api/records/${rec.id}/actions`, {
          action: 'WIN',
          version: rec.version,
        });
        expect(notOpen.status).toBe(409);
        expect(notOpen.body.code).toBe('action-not-open');
        const missing = await rep1.get('/api/records/does-not-exist');
        expect(missing.status).toBe(404);
      });
    });

    describe('time, next actions, notifications, live updates', () => {
      it('fires SLA timers exactly once as time passes, alerting owner and manager', async () => {
        const owner = ws.userId('rep2');
        const rec = (await create(manager, { company: 'Timer Co' }, { ownerId: owner })).record;
        const stream = await openStream(srv.url, rep2.cookie);
        const half = await rep2.post('/api/test-clock', { advanceMs: 31 * 60_000 });
        expect(half.status).toBe(200);
        expect(half.body.fired).toBeGreaterThanOrEqual(1);
        const notes = await rep2.get('/api/notifications');
        const reminder = notes.body.items.find(
          (n: { recordId: string; kind: string }) => n.recordId === rec.id && n.kind === 'reminder',
        );
        expect(reminder).toBeTruthy();
        // named in the list itself, so the inbox needs no request per notification
        expect(reminder.record).toEqual({ title: 'Timer Co', subtitle: '' });
        const full = await rep2.post('/api/test-clock', { advanceMs: 30 * 60_000 });
        expect(full.status).toBe(200);
        const page = (await rep2.get(`/api/records/${rec.id}`)).body;
        expect(page.record.timers).toEqual([]);
        const types = (await rep2.get(`/api/records/${rec.id}/events`)).body.items.map(
          (e: { type: string }) => e.type,
        );
        expect(types.filter((t: string) => t === 'timer.fired')).toHaveLength(3);
        expect(types).toContain('sla.breached');
        const mgrNotes = await manager.get('/api/notifications?unread=true');
        const alert = mgrNotes.body.items.find(
          (n: { recordId: string; kind: string }) =>
            n.recordId === rec.id && n.kind === 'escalation',
        );
        expect(alert).toBeTruthy();
        const read = await manager.post(`/api/notifications/${alert.id}/read`);
        expect(read.status).toBe(200);
        const again = await manager.get('/api/notifications?unread=true');
        expect(again.body.items.some((n: { id: string }) => n.id === alert.id)).toBe(false);
        // a second advance fires nothing new
        const none = await rep2.post('/api/test-clock', { advanceMs: 60_000 });
        expect(none.body.fired).toBe(0);
        const got = await stream.until((evs) => evs.some((e) => e.event === 'notification'));
        expect(got.some((e) => e.event === 'record.changed')).toBe(true);
        stream.close();
      });

      it("lists the caller's next actions by urgency with what each still needs", async () => {
        const c = await as(srv.url, ws.email('rep1'));
        const rec = (await create(c, { company: 'Next Co' }, { ownerId: ws.userId('rep1') }))
          .record;
        const r = await c.get(`/api/next-actions?sopId=${sopId}&q=next`);
        expect(r.status).toBe(200);
        const item = r.body.items.find((i: { record: { id: string } }) => i.record.id === rec.id);
        expect(item).toBeTruthy();
        expect(item.stages[0].title.en).toBe('New lead');
        const qualify = item.actions.find((a: { action: string }) => a.action === 'QUALIFY');
        expect(qualify.passed).toBe(false);
        expect(qualify.fields.sort()).toEqual(['budget', 'phone']);
        const t = await trainer.get('/api/next-actions');
        expect(t.body.items).toEqual([]);
      });

      it('lists users and teams for pickers', async () => {
        const u = await rep1.get('/api/users');
        expect(u.body.items.map((x: { email: string }) => x.email)).toContain(ws.email('rep2'));
        const t = await rep1.get('/api/teams');
        const sales = t.body.items.find((x: { id: string }) => x.id === 'sales');
        expect(sales.managerIds).toEqual([ws.userId('manager')]);
        expect(sales.memberIds.sort()).toEqual([ws.userId('rep1'), ws.userId('rep2')].sort());
      });
    });
  });
}

type SseEvent = { event: string; data: unknown };

/** Opens /api/stream and collects events. */
async function openStream(base: string, cookie: string) {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/stream`, { headers: { cookie }, signal: ctrl.signal });
  if (!res.body) throw new Error('no stream');
  const events: SseEvent[] = [];
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = /^event: (.*)$/m.exec(chunk)?.[1];
          const data = /^data: (.*)$/m.exec(chunk)?.[1];
          if (ev) events.push({ event: ev, data: data ? JSON.parse(data) : null });
          i = buf.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  while (!events.some((e) => e.event === 'ready')) await Bun.sleep(10);
  return {
    events,
    async until(pred: (evs: SseEvent[]) => boolean, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (!pred(events)) {
        if (Date.now() > end) throw new Error(`stream: no match in ${JSON.stringify(events)}`);
        await Bun.sleep(20);
      }
      return events;
    },
    close() {
      ctrl.abort();
      void pump;
    },
  };
}
