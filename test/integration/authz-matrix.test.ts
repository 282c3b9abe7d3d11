/**
 * Authorization matrix: every operationId in the OpenAPI document is called as
 * nobody, as a deactivated user, as an admin of another workspace, as each role and as an
 * API token of each scope (and another workspace's token), against objects each may and may
 * not touch. Denied calls answer 401/403/404 and change nothing;
 * another workspace never sees this one's data. An operation without a rule fails the test.
 *
 * The rules live in authz-matrix-rules-work.ts and -data.ts, their vocabulary in
 * authz-matrix-kit.ts.
 */
import type { Role } from '@closeloop/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL,
  type Call,
  csvUpload,
  DEAD_ROBOT,
  type Fx,
  formBody,
  type Rule,
  SCOPES,
  TOKEN_ALLOWED,
  type TokenScope,
} from './authz-matrix-kit.ts';
import { DATA_AND_INTAKE_RULES } from './authz-matrix-rules-data.ts';
import { PEOPLE_AND_WORK_RULES } from './authz-matrix-rules-work.ts';
import {
  as,
  Client,
  type Json,
  LANES,
  makeWorkspace,
  openWorld,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

const RULES: Record<string, Rule> = { ...PEOPLE_AND_WORK_RULES, ...DATA_AND_INTAKE_RULES };

const DENIED = [401, 403, 404];

/** A submission sent too fast is held; the admin discards it, so every later review is a 409. */
async function heldAndDiscarded(admin: Client, formKey: string): Promise<string> {
  const sent = await new Client(admin.base).post(`/api/public/forms/${formKey}/submissions`, {
    values: { company: 'held' },
  });
  expect(sent.body.status, JSON.stringify(sent.body)).toBe('held');
  const held = await admin.get('/api/form-submissions');
  const id = String(held.body.items[0].id);
  expect((await admin.post(`/api/form-submissions/${id}/discard`)).status).toBe(200);
  return id;
}

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`authorization matrix on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let other: Awaited<ReturnType<typeof makeWorkspace>>;
    const clients: Partial<Record<Role | 'rep3' | 'inactive' | 'foreign', Client>> = {};
    /** API tokens of this workspace by scope, and a write token of the other workspace. */
    const tokens: Partial<Record<TokenScope | 'foreign', Client>> = {};
    let fx: Fx;
    let ops: Array<{ id: string; method: string; path: string }> = [];

    const fingerprint = async () => {
      const rows = await srv.db.query(
        `select
          (select md5(coalesce(string_agg(id || ':' || version || ':' || coalesce(owner_id, '') || ':' || status, ',' order by id), ''))
             from records where workspace_id = $1) as records,
          (select count(*)::int from record_events where workspace_id = $1) as events,
          (select md5(coalesce(string_agg(id || ':' || draft_updated_at::text || ':' || coalesce(published_version, 0), ',' order by id), ''))
             from sops where workspace_id = $1) as sops,
          (select count(*)::int from sop_versions where workspace_id = $1) as versions,
          (select md5(coalesce(string_agg(id || ':' || name || ':' || shared || ':' || rr_cursor, ',' order by id), ''))
             from teams where workspace_id = $1) as teams,
          (select md5(coalesce(string_agg(team_id || ':' || user_id || ':' || role || ':' || weight, ',' order by team_id, user_id), ''))
             from memberships where workspace_id = $1) as memberships,
          (select md5(coalesce(string_agg(id || ':' || role || ':' || name || ':' || locale || ':' || active, ',' order by id), ''))
             from users where workspace_id = $1) as users,
          (select count(*)::int from invites where workspace_id = $1) as invites,
          (select count(*)::int from notifications where workspace_id = $1 and read_at is null) as unread,
          (select count(*)::int from timers where workspace_id = $1) as timers,
          (select md5(coalesce(string_agg(id || ':' || user_id || ':' || sop_version || ':' || coalesce(due_at::text, '') || ':' || walked_paths::text || ':' || quiz_attempts, ',' order by id), ''))
             from training_assignments where workspace_id = $1) as training,
          (select md5(coalesce(string_agg(id || ':' || version || ':' || status, ',' order by id), ''))
             from practice_sessions where workspace_id = $1) as practice,
          (select count(*)::int from quiz_attempts where workspace_id = $1) as quiz,
          (select clock_offset_ms::float8 from workspaces where id = $1) as clock,
          (select md5(coalesce(string_agg(id || ':' || coalesce(revoked_at::text, ''), ',' order by id), ''))
             from api_tokens where workspace_id = $1) as tokens,
          (select md5(coalesce(string_agg(id || ':' || secret || ':' || description || ':' || enabled, ',' order by id), ''))
             from webhook_endpoints where workspace_id = $1) as webhooks,
          (select md5(coalesce(string_agg(id || ':' || status || ':' || next_attempt_at::text, ',' order by id), ''))
             from deliveries where workspace_id = $1) as deliveries,
          (select count(*)::int from audit_log where workspace_id = $1) as audit`,
        [ws.id],
      );
      return rows[0];
    };

    const send = (c: Client, call: Call) => c.req(call.method, call.path, call.body);

    beforeAll(async () => {
      ({ srv, ws } = await openWorld(lane, { people: [] }));
      other = await makeWorkspace(srv.db);
      const login = (who: string) => as(srv.url, ws.email(who));
      const [admin, manager, trainer, rep1, rep3, foreign] = await Promise.all([
        login('admin'),
        login('manager'),
        login('trainer'),
        login('rep1'),
        login('rep3'),
        as(srv.url, other.email('admin')),
      ]);
      Object.assign(clients, { admin, manager, trainer, rep: rep1, rep3, foreign });
      const sopId = `it-mx-${crypto.randomUUID().slice(0, 6)}`;
      await publish(admin, testSop(sopId));
      const rec = await admin.post('/api/records', {
        sopId,
        fields: { company: 'Matrix' },
        ownerId: ws.userId('rep1'),
        teamId: 'sales',
      });
      const hand = await admin.post('/api/records', {
        sopId,
        fields: {},
        ownerId: ws.userId('rep1'),
        teamId: 'sales',
      });
      // reps import only where an admin allows it
      const allowed = await admin.patch('/api/intake/settings', { repsMayImport: true });
      expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
      const imported = await rep1.req('POST', '/api/imports', csvUpload(sopId));
      expect(imported.status, JSON.stringify(imported.body)).toBe(201);
      const form = await admin.post('/api/forms', formBody(sopId));
      expect(form.status, JSON.stringify(form.body)).toBe(201);
      const released = await admin.post(`/api/customers/${hand.body.customer.id}/release`, {});
      expect(released.status, JSON.stringify(released.body)).toBe(200);
      // a second version for migrateRecords to plan a move to
      await publish(admin, { ...testSop(sopId), name: { 'zh-CN': '第二版', en: 'Second' } });
      const assigned = await admin.post('/api/training/assignments', {
        sopId,
        userIds: [ws.userId('rep1')],
      });
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
      const assignmentId = String(assigned.body.items[0].id);
      const practice = await rep1.post(`/api/training/assignments/${assignmentId}/practice`, {});
      expect(practice.status, JSON.stringify(practice.body)).toBe(201);
      // a deactivated user: signs in, is deactivated, keeps their old cookie
      const inv = await admin.post('/api/invites', {
        email: `victim-${crypto.randomUUID().slice(0, 6)}@it.test`,
        name: 'Victim',
        role: 'rep',
      });
      const acc = await new Client(srv.url).post('/api/invites/accept', {
        token: inv.body.token,
        password: 'long-pass-1',
      });
      const inactiveInv = await admin.post('/api/invites', {
        email: `inactive-${crypto.randomUUID().slice(0, 6)}@it.test`,
        name: 'Inactive',
        role: 'admin',
      });
      const inactiveAcc = await new Client(srv.url).post('/api/invites/accept', {
        token: inactiveInv.body.token,
        password: 'long-pass-1',
      });
      const pendingInvite = async () => {
        const email = `pending-${crypto.randomUUID().slice(0, 6)}@it.test`;
        await admin.post('/api/invites', { email, name: 'Pending', role: 'rep' });
        const listed = await admin.get('/api/invites');
        expect(listed.status, JSON.stringify(listed.body)).toBe(200);
        return String((listed.body.items as Json[]).find((i) => i.email === email)?.id);
      };
      const inviteId = await pendingInvite();
      const spareInviteId = await pendingInvite();
      const inactive = new Client(srv.url);
      await inactive.login(inactiveAcc.body.email, 'long-pass-1');
      const cookie = inactive.cookie;
      expect(
        (await admin.post(`/api/users/${inactiveAcc.body.userId}/deactivate`, {})).status,
      ).toBe(200);
      inactive.cookie = cookie;
      clients.inactive = inactive;
      const mint = async (c: Client, scopes: string[]) => {
        const r = await c.post('/api/admin/tokens', { name: `mx-${scopes[0]}`, scopes });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        const t = new Client(srv.url);
        t.bearer = r.body.secret;
        return { client: t, id: String(r.body.token.id) };
      };
      for (const scope of SCOPES) tokens[scope] = (await mint(admin, [scope])).client;
      tokens.foreign = (await mint(foreign, ['write'])).client;
      const apiToken = await mint(admin, ['read']);
      const channel = async () => {
        const r = await admin.post('/api/admin/channels', {
          kind: 'dingtalk',
          name: 'Matrix group',
          url: DEAD_ROBOT,
        });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return String(r.body.id);
      };
      const channelId = await channel();
      const spareChannelId = await channel();
      // a public address literal: the SSRF guard lets it be saved; nothing is sent (no loop)
      const hook = await admin.post('/api/admin/webhooks', { url: 'https://93.184.216.34/mx' });
      expect(hook.status, JSON.stringify(hook.body)).toBe(201);
      const hookTest = await admin.post(`/api/admin/webhooks/${hook.body.endpoint.id}/test`);
      expect(hookTest.status, JSON.stringify(hookTest.body)).toBe(202);
      const doomed = await admin.post('/api/admin/webhooks', { url: 'https://93.184.216.34/rm' });
      const notes = await rep1.get('/api/notifications');
      const lib = await admin.get('/api/library');
      const templates = (lib.body?.templates ?? lib.body?.items ?? []) as Json[];
      let n = 0;
      fx = {
        sopId,
        recordId: rec.body.record.id,
        handRecordId: hand.body.record.id,
        rep1Id: ws.userId('rep1'),
        rep2Id: ws.userId('rep2'),
        victimId: acc.body.userId,
        inviteId,
        spareInviteId,
        notificationId: notes.body.items?.[0]?.id ?? 'none',
        templateId: String(templates[0]?.id ?? 'none'),
        apiTokenId: apiToken.id,
        assignmentId,
        sessionId: String(practice.body.practice.id),
        customerId: rec.body.customer.id,
        poolCustomerId: hand.body.customer.id,
        importId: String(imported.body.import.id),
        formId: String(form.body.id),
        formKey: String(form.body.key),
        heldId: await heldAndDiscarded(admin, String(form.body.key)),
        channelId,
        spareChannelId,
        webhookId: String(hook.body.endpoint.id),
        webhookDeliveryId: String(hookTest.body.deliveryId),
        webhookDeleteId: String(doomed.body.endpoint.id),
        n: () => ++n,
      };
      const doc = await new Client(srv.url).get('/api/openapi.json');
      ops = Object.entries(
        doc.body.paths as Record<string, Record<string, { operationId: string }>>,
      ).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ id: op.operationId, method, path })),
      );
    }, 600_000);
    afterAll(async () => {
      await srv?.close();
    });

    it('has a rule for every operation in the OpenAPI document', () => {
      expect(ops.length).toBeGreaterThan(40);
      const missing = ops.filter((o) => !RULES[o.id]).map((o) => o.id);
      expect(missing, 'operations without an authorization rule').toEqual([]);
      for (const o of ops) {
        const rule = RULES[o.id];
        if (!rule) continue;
        const call = rule.call(fx);
        expect(call.method.toLowerCase(), o.id).toBe(o.method);
      }
    });

    // the SOP list and its versions are for every role, but their record counts are live
    // figures: each caller counts only the records they may see (a trainer none)
    it('counts only the records each caller may see in SOP lists', async () => {
      const want: Record<Role | 'rep3', number> = {
        admin: 2,
        manager: 2,
        trainer: 0,
        rep: 2,
        rep3: 0,
      };
      for (const [who, n] of Object.entries(want)) {
        const c = clients[who as Role | 'rep3'] as Client;
        const list = await c.get('/api/sops');
        const item = list.body.items.find((x: Json) => x.sopId === fx.sopId);
        expect([who, item?.recordCount, item?.openCount]).toEqual([who, n, n]);
        const versions = await c.get(`/api/sops/${fx.sopId}/versions`);
        const v1 = versions.body.items.find((x: Json) => x.version === 1);
        expect([who, v1?.recordCount]).toEqual([who, n]);
      }
    });

    it('denies nobody, deactivated users, other workspaces and the wrong roles, and nothing changes', async () => {
      const before = await fingerprint();
      const failures: string[] = [];
      const check = (what: string, status: number, ok: number[]) => {
        if (!ok.includes(status)) failures.push(`${what}: ${status}`);
      };
      const mine = [
        ws.id,
        fx.recordId,
        fx.handRecordId,
        fx.rep1Id,
        fx.rep2Id,
        fx.apiTokenId,
        fx.customerId,
      ];
      for (const o of ops) {
        const rule = RULES[o.id];
        if (!rule) continue;
        if (!rule.public) {
          const anon = await send(new Client(srv.url), rule.call(fx));
          check(`${o.id} as nobody`, anon.status, [401]);
        }
        // tokens reach only their scopes' operations: everything else is 403 token-scope
        // (anonOnly operations too: a bearer never opens a stream, signs in or out)
        for (const scope of SCOPES) {
          if (TOKEN_ALLOWED[scope].includes(o.id)) continue;
          const r = await send(tokens[scope] as Client, rule.call(fx));
          check(`${o.id} as a ${scope} token`, r.status, [403]);
          if (r.body?.code !== 'token-scope')
            failures.push(`${o.id} as a ${scope} token: ${r.body?.code}`);
        }
        if (rule.scoped && TOKEN_ALLOWED.write.includes(o.id)) {
          const r = await send(tokens.foreign as Client, rule.call(fx));
          check(`${o.id} as another workspace's token`, r.status, DENIED);
        }
        if (rule.anonOnly) continue;
        if (!rule.public) {
          const r = await send(clients.inactive as Client, rule.call(fx));
          check(`${o.id} as a deactivated user`, r.status, [401]);
        }
        const foreign = await send(clients.foreign as Client, rule.call(fx));
        if (rule.scoped) {
          check(`${o.id} from another workspace`, foreign.status, [
            ...DENIED,
            ...(rule.foreignOk ?? []),
          ]);
        }
        if (foreign.status < 300) {
          const text = JSON.stringify(foreign.body ?? '');
          for (const id of mine) {
            if (text.includes(id)) failures.push(`${o.id} from another workspace leaks ${id}`);
          }
        }
        if (rule.public) continue;
        const allowed = rule.roles === 'all' ? ALL : rule.roles;
        for (const role of ALL) {
          if (allowed.includes(role)) continue;
          const r = await send(clients[role] as Client, rule.call(fx));
          check(`${o.id} as ${role}`, r.status, DENIED);
        }
        if (rule.teamBound) {
          const r = await send(clients.rep3 as Client, rule.call(fx));
          check(`${o.id} as a rep of another team`, r.status, DENIED);
        }
      }
      expect(failures).toEqual([]);
      expect(await fingerprint()).toEqual(before);
    }, 600_000);

    it('lets the allowed roles through', async () => {
      const failures: string[] = [];
      for (const o of ops) {
        const rule = RULES[o.id];
        if (!rule || rule.anonOnly || rule.public) continue;
        const allowed = rule.roles === 'all' ? ALL : rule.roles;
        for (const role of allowed) {
          const r = await send(clients[role] as Client, rule.call(fx));
          // a 400 means the matrix's own call is malformed: it would prove nothing
          if (DENIED.includes(r.status) || r.status === 400 || r.status >= 500) {
            failures.push(
              `${o.id} as ${role}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
    }, 600_000);

    it('lets each token scope through to its operations', async () => {
      const failures: string[] = [];
      for (const o of ops) {
        const rule = RULES[o.id];
        if (!rule) continue;
        for (const scope of SCOPES) {
          if (!TOKEN_ALLOWED[scope].includes(o.id)) continue;
          const r = await send(tokens[scope] as Client, rule.call(fx));
          if (DENIED.includes(r.status) || r.status >= 500) {
            failures.push(
              `${o.id} as a ${scope} token: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
      // every operation a scope names exists, so a renamed route cannot silently drop out
      const ids = new Set(ops.map((o) => o.id));
      expect(
        Object.values(TOKEN_ALLOWED)
          .flat()
          .filter((id) => !ids.has(id)),
      ).toEqual([]);
    }, 600_000);
  });
}
