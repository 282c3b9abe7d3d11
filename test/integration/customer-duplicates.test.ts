/**
 * findDuplicates answers customers too: hard matches (phone, e-mail, credit code) and soft
 * ones (a look-alike company name) with the kinds of key that matched; a customer the caller
 * may not see is told by its owner's name only, never by its name or any other field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  type Json,
  LANES,
  openWorld,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`duplicate customers on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let admin: Client;
    let rep1: Client;
    let rep2: Client;
    const sopId = `it-dup-${crypto.randomUUID().slice(0, 6)}`;
    // unique per run: the Postgres lane's database outlives a run
    const tail = String(Math.floor(Math.random() * 1e4)).padStart(4, '0');
    const phone = `139 1122 ${tail}`;

    beforeAll(async () => {
      ({ srv, ws, admin, rep1, rep2 } = await openWorld(lane, {
        people: ['admin', 'rep1', 'rep2'],
      }));
      await publish(admin, testSop(sopId));
      const made = await rep1.post('/api/records', {
        sopId,
        fields: { company: '苏州恒信精密机械有限公司', phone },
        ownerId: ws.userId('rep1'),
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
    }, 300_000);
    afterAll(async () => {
      await srv?.close();
    });

    const check = (c: Client, query: Record<string, string>) =>
      c.get(`/api/duplicates?${new URLSearchParams(query)}`);

    it('names the owner of a hidden customer and nothing else', async () => {
      const r = await check(rep2, { phone: `+86-139-1122-${tail}` });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.customers).toEqual([
        {
          matchedOn: ['phone'],
          hard: true,
          visible: false,
          ownerName: 'Rep One',
          poolState: 'owned',
        },
      ]);
      expect(JSON.stringify(r.body)).not.toContain('恒信');
    });

    it('shows the owner and an admin which customer matched, and on which keys', async () => {
      for (const c of [rep1, admin]) {
        const r = await check(c, { phone, company: '苏州恒信精密机械有限公司（吴中分公司）' });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        const [m] = r.body.customers as Json[];
        expect(m.hard).toBe(true);
        expect(m.visible).toBe(true);
        expect(m.matchedOn).toEqual(expect.arrayContaining(['phone', 'company']));
        expect(m.customer).toEqual({
          id: expect.any(String),
          name: '苏州恒信精密机械有限公司',
          kind: 'company',
          ownerId: ws.userId('rep1'),
        });
      }
    });

    it('answers a look-alike company name as a soft match', async () => {
      const r = await check(rep2, { company: '苏州恒信精密机械制造有限公司' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.customers).toHaveLength(1);
      expect(r.body.customers[0]).toMatchObject({
        hard: false,
        visible: false,
        ownerName: 'Rep One',
      });
      expect(r.body.customers[0].matchedOn).toContain('similar');
      expect(JSON.stringify(r.body)).not.toContain('恒信精密机械有限');
      const none = await check(rep2, { company: '北京完全无关餐饮管理有限公司' });
      expect(none.body.customers).toEqual([]);
    });

    it('edits contacts: a bad number is refused beside its field, another rep’s phone is 撞单', async () => {
      const made = await rep2.post('/api/records', {
        sopId,
        fields: { company: '宁波港通国际物流有限公司', phone: `137 5740 ${tail}` },
        ownerId: ws.userId('rep2'),
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const id = made.body.customer.id as string;
      const version = async () => (await admin.get(`/api/customers/${id}`)).body.customer.version;

      const bad = await admin.patch(`/api/customers/${id}`, {
        version: await version(),
        contacts: [{ name: '张伟', phone: '12ab' }],
      });
      expect(bad.status, JSON.stringify(bad.body)).toBe(422);
      expect(bad.body.errors.map((e: Json) => e.path)).toEqual(['contacts.0.phone']);

      const clash = await admin.patch(`/api/customers/${id}`, {
        version: await version(),
        region: '浙江',
        contacts: [{ name: '李晓燕', phone: `+86 139-1122-${tail}` }],
      });
      expect(clash.status, JSON.stringify(clash.body)).toBe(409);
      expect(clash.body.code).toBe('customer-taken');
      expect(clash.body.owner.name).toBe('Rep One');
      expect(JSON.stringify(clash.body)).not.toContain('恒信');
      // nothing of the refused edit was written
      const still = (await admin.get(`/api/customers/${id}`)).body;
      expect(still.customer.region).toBeNull();
      expect(still.contacts).toHaveLength(1);

      const fine = await admin.patch(`/api/customers/${id}`, {
        version: await version(),
        contacts: [
          { name: '张伟', phone: `0574-8765 ${tail}`, email: 'ZhangWei@GangTong-Log.com' },
        ],
      });
      expect(fine.status, JSON.stringify(fine.body)).toBe(200);
      const after = (await admin.get(`/api/customers/${id}`)).body;
      expect(after.contacts.map((c: Json) => c.name)).toContain('张伟');
      // the new keys find the customer
      const found = await check(admin, { email: 'zhangwei@gangtong-log.com' });
      expect(found.body.customers[0].customer.id).toBe(id);
    });
  });
}
