/**
 * Customers: every record resolves one customer; 撞单 refusal names the owner and nothing
 * else; other channels attach and notify; merge then unmerge restores the exact prior state;
 * the 公海 pool masks phones, lets exactly one of 50 concurrent claims win, enforces the
 * holding cap, and reclaims an idle customer exactly once on the working-day calendar.
 */
import { DEFAULT_POOL_RULES } from '@closeloop/engine';
import { createWorkspace } from '@closeloop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  type Client,
  type Json,
  LANES,
  openWorld,
  PASSWORD,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

const RULES = DEFAULT_POOL_RULES;

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`customers on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let admin: Client;
    let manager: Client;
    let rep1: Client;
    let rep2: Client;
    const sopId = `it-cust-${crypto.randomUUID().slice(0, 6)}`;

    beforeAll(async () => {
      // 50 reps sign in from one address here, while other files sign in too
      ({ srv, ws, admin, manager, rep1, rep2 } = await openWorld(lane, {
        server: { signInFreePerAddress: '1000' },
        people: ['admin', 'manager', 'rep1', 'rep2'],
        publish: [testSop(sopId)],
      }));
    }, 300_000);
    afterAll(async () => {
      await srv?.close();
    });

    const create = (c: Client, fields: Record<string, unknown>, extra: Json = {}) =>
      c.post('/api/records', { sopId, fields, ...extra });

    const setRules = async (rules: Partial<typeof RULES>, policies: Json = {}) => {
      const r = await admin.put('/api/pools/default', { rules: { ...RULES, ...rules }, policies });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };

    it('refuses a rep a phone another rep owns, naming the owner only; others attach and notify', async () => {
      const first = await create(
        rep1,
        {
          company: '上海华东建材贸易有限公司',
          phone: '138 0013 8001',
        },
        { ownerId: ws.userId('rep1') },
      );
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body.customer.created).toBe(true);
      const customerId = first.body.customer.id;

      // the same number written differently
      const clash = await create(
        rep2,
        { company: '别的公司', phone: '+86 138-0013-8001' },
        { ownerId: ws.userId('rep2') },
      );
      expect(clash.status, JSON.stringify(clash.body)).toBe(409);
      expect(clash.body.code).toBe('customer-taken');
      expect(clash.body.owner).toEqual({ id: ws.userId('rep1'), name: 'Rep One' });
      expect(clash.body.matchedOn).toEqual(['phone']);
      expect(JSON.stringify(clash.body)).not.toContain('华东');
      const count = await srv.db.query(
        'select count(*)::int as n from records where workspace_id = $1 and customer_id = $2',
        [ws.id, customerId],
      );
      expect(count[0]?.n).toBe(1);

      const ask = await rep2.post(`/api/customers/${customerId}/access-requests`, { to: 'owner' });
      expect(ask.body).toEqual({ notified: 1 });
      const notes = (await rep1.get('/api/notifications')).body.items as Json[];
      expect(notes.some((n) => n.kind === 'customer.access-requested')).toBe(true);
      const toManager = await rep2.post(`/api/customers/${customerId}/access-requests`, {
        to: 'manager',
      });
      expect(toManager.body).toEqual({ notified: 1 });

      // a manager's capture attaches to the existing customer and tells its owner
      const attached = await create(
        manager,
        { company: '华东建材', phone: '13800138001' },
        {
          ownerId: ws.userId('rep2'),
          teamId: 'sales',
        },
      );
      expect(attached.status, JSON.stringify(attached.body)).toBe(201);
      expect(attached.body.customer).toEqual({ id: customerId, created: false, flagged: false });
      const after = (await rep1.get('/api/notifications')).body.items as Json[];
      expect(after.some((n) => n.kind === 'customer.duplicate')).toBe(true);

      // the customer page shows both records, one timeline
      const page = await rep1.get(`/api/customers/${customerId}`);
      expect(page.status).toBe(200);
      expect(page.body.records).toHaveLength(2);
      expect(page.body.records.filter((r: Json) => r.visible)).toHaveLength(1);
      expect(page.body.customer.ownerName).toBe('Rep One');
      expect(page.body.contacts.map((c: Json) => c.phone)).toEqual(['138 0013 8001']);
      const types = page.body.timeline.map((t: Json) => t.type);
      expect(types).toContain('customer.created');
      expect(types).toContain('record.attached');
    });

    it('creates a flagged customer under the create policy and queues the pair; merge then unmerge restores every row', async () => {
      await setRules({}, { manual: 'create' });
      const a = await create(
        rep1,
        { company: '苏州恒信精密机械有限公司', phone: '13900139002' },
        { ownerId: ws.userId('rep1') },
      );
      const b = await create(
        rep2,
        {
          company: '蘇州恒信精密機械（昆山分公司）',
          phone: '139 0013 9002',
        },
        { ownerId: ws.userId('rep2') },
      );
      await setRules({});
      expect(b.status, JSON.stringify(b.body)).toBe(201);
      expect(b.body.customer).toMatchObject({ created: true, flagged: true });
      const [ida, idb] = [a.body.customer.id, b.body.customer.id];
      const queue = await manager.get('/api/customers/duplicates');
      const pair = queue.body.items.find(
        (p: Json) => [p.a.id, p.b.id].sort().join() === [ida, idb].sort().join(),
      );
      expect(pair?.matchedOn).toEqual(['company', 'phone', 'similar']);

      const snapshot = async () =>
        srv.db.query(
          `select (select jsonb_agg(to_jsonb(c) - 'version' order by c.id) from customers c
                    where c.workspace_id = $1 and c.id = any($2::text[])) as customers,
                  (select jsonb_agg(to_jsonb(o) order by o.id) from contacts o
                    where o.workspace_id = $1 and o.customer_id = any($2::text[])) as contacts,
                  (select jsonb_agg(to_jsonb(k) order by k.customer_id, k.kind, k.value) from customer_keys k
                    where k.workspace_id = $1 and k.customer_id = any($2::text[])) as keys,
                  (select jsonb_agg(jsonb_build_array(r.id, r.customer_id) order by r.id) from records r
                    where r.workspace_id = $1 and r.customer_id = any($2::text[])) as records,
                  (select jsonb_agg(jsonb_build_array(t.id, t.status) order by t.id) from timers t
                    where t.workspace_id = $1 and t.record_id = any($2::text[])) as timers,
                  (select jsonb_agg(jsonb_build_array(e.id, e.customer_id) order by e.id) from customer_events e
                    where e.workspace_id = $1 and e.customer_id = any($2::text[])
                      and e.type not in ('customer.merged', 'customer.unmerged')) as events`,
          [ws.id, [ida, idb]],
        );
      const before = await snapshot();

      const dry = await manager.post('/api/customers/merge', {
        customerIds: [ida, idb],
        dryRun: true,
      });
      expect(dry.status, JSON.stringify(dry.body)).toBe(200);
      expect(dry.body.moves.records).toHaveLength(1);
      expect(await snapshot()).toEqual(before);

      const merged = await manager.post('/api/customers/merge', {
        customerIds: [ida, idb],
        pick: { name: ida },
      });
      expect(merged.status, JSON.stringify(merged.body)).toBe(200);
      const { survivorId, mergedId } = merged.body;
      // both records are open (same stage): the latest activity, b's, decides
      expect(survivorId).toBe(idb);
      const surv = await manager.get(`/api/customers/${survivorId}`);
      expect(surv.body.records).toHaveLength(2);
      expect(surv.body.customer.name).toBe('苏州恒信精密机械有限公司');
      const gone = await manager.get(`/api/customers/${mergedId}`);
      expect(gone.status).toBe(409);
      expect(gone.body.survivorId).toBe(survivorId);

      const undo = await manager.post(`/api/customers/${mergedId}/unmerge`);
      expect(undo.status, JSON.stringify(undo.body)).toBe(200);
      expect(await snapshot()).toEqual(before);
      const audit = await admin.get('/api/admin/audit?limit=50');
      const actions = audit.body.items.map((e: Json) => e.action);
      expect(actions).toContain('customer.merged');
      expect(actions).toContain('customer.unmerged');
    });

    it('masks pool phones; of 50 concurrent claims exactly one wins and one event is written', async () => {
      const tag = crypto.randomUUID().slice(0, 6);
      const emails = Array.from({ length: 50 }, (_, i) => `claim-${i}-${tag}@it.test`);
      const crowd = await createWorkspace(srv.db, {
        name: `Crowd ${tag}`,
        users: [
          { email: `boss-${tag}@it.test`, name: '老板', role: 'admin', password: PASSWORD },
          ...emails.map((email, i) => ({
            email,
            name: `销售${i}`,
            role: 'rep' as const,
            password: PASSWORD,
          })),
        ],
        teams: [{ id: 'sales', name: '销售部', members: emails }],
      });
      const boss = await as(srv.url, `boss-${tag}@it.test`);
      await publish(boss, testSop(sopId));
      const rec = await boss.post('/api/records', {
        sopId,
        fields: { company: '广州白云五金制品有限公司', phone: '020-8765 4321' },
        ownerId: crowd.users[`boss-${tag}@it.test`]?.id,
        teamId: 'sales',
      });
      expect(rec.status, JSON.stringify(rec.body)).toBe(201);
      const customerId = rec.body.customer.id;
      expect((await boss.post(`/api/customers/${customerId}/release`, {})).status).toBe(200);
      const reps = await Promise.all(emails.map((e) => as(srv.url, e)));
      const pool = await reps[1]?.get('/api/pool/customers');
      const listed = pool?.body.items.find((c: Json) => c.id === customerId);
      expect(listed).toMatchObject({ phone: '020****4321', phoneMasked: true, ownerId: null });

      const results = await Promise.all(
        reps.map((c) => c.post(`/api/customers/${customerId}/claim`)),
      );
      const wins = results.filter((r) => r.status === 200);
      expect(wins).toHaveLength(1);
      const losers = results.filter((r) => r.status === 409);
      expect(losers).toHaveLength(49);
      expect(new Set(losers.map((r) => r.body.code))).toEqual(new Set(['customer-claimed']));
      const events = await srv.db.query(
        `select count(*)::int as n from customer_events where workspace_id = $1
            and customer_id = $2 and type = 'pool.claimed'`,
        [crowd.id, customerId],
      );
      expect(events[0]?.n).toBe(1);
      const winner = wins[0]?.body;
      const owner = await srv.db.query(
        'select owner_id, pool_state from customers where workspace_id = $1 and id = $2',
        [crowd.id, customerId],
      );
      expect(owner[0]).toEqual({ owner_id: winner.ownerId, pool_state: 'owned' });
      expect(winner.phoneMasked).toBe(false);
    }, 300_000);

    it('refuses a rep at the holding cap and the previous owner during the cool-down', async () => {
      await setRules({ holdingCap: 1, coolDownDays: 5 });
      const mine = await create(
        rep2,
        { company: '杭州西湖茶叶有限公司', phone: '13700137003' },
        { ownerId: ws.userId('rep2') },
      );
      const other = await create(
        manager,
        { company: '宁波港通物流有限公司', phone: '13700137004' },
        {
          ownerId: ws.userId('rep1'),
          teamId: 'sales',
        },
      );
      const otherId = other.body.customer.id;
      expect((await rep1.post(`/api/customers/${otherId}/release`, {})).status).toBe(200);
      const capped = await rep2.post(`/api/customers/${otherId}/claim`);
      expect(capped.status, JSON.stringify(capped.body)).toBe(409);
      expect(capped.body.code).toBe('holding-cap-reached');
      await setRules({ holdingCap: 0, coolDownDays: 5 });
      const cooling = await rep1.post(`/api/customers/${otherId}/claim`);
      expect(cooling.body.code).toBe('claim-cool-down');
      expect(mine.status).toBe(201);
      await setRules({});
    });

    it('warns, then reclaims an idle customer exactly once as working days pass', async () => {
      await setRules({ reclaimAfterIdleDays: 2, warnDaysBefore: 1 });
      const rec = await create(
        manager,
        { company: '成都天府软件有限公司', phone: '028-6666 7777' },
        {
          ownerId: ws.userId('rep2'),
          teamId: 'sales',
        },
      );
      const customerId = rec.body.customer.id;
      // five calendar days cover two working days whatever the weekday
      for (let i = 0; i < 5; i++) {
        const r = await rep2.post('/api/test-clock', { advanceMs: 86_400_000 });
        expect(r.status).toBe(200);
      }
      const c = await srv.db.query(
        'select pool_state, owner_id, previous_owner_id from customers where workspace_id = $1 and id = $2',
        [ws.id, customerId],
      );
      expect(c[0]).toEqual({
        pool_state: 'pool',
        owner_id: null,
        previous_owner_id: ws.userId('rep2'),
      });
      const kinds = await srv.db.query(
        `select type, count(*)::int as n from customer_events where workspace_id = $1 and customer_id = $2
            and type like 'pool.%' group by type order by type`,
        [ws.id, customerId],
      );
      expect(kinds).toEqual([
        { type: 'pool.reclaimed', n: 1 },
        { type: 'pool.warned', n: 1 },
      ]);
      const notes = (await rep2.get('/api/notifications')).body.items.map((n: Json) => n.kind);
      expect(notes).toContain('pool.warning');
      expect(notes).toContain('pool.reclaimed');
      await setRules({});
    });
  });
}
