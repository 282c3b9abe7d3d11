/**
 * Two fixes the rep and admin pages rely on, over real HTTP: the notifications of one
 * handover of several records come back as ONE item with the count, the ids and the records'
 * names (and count once in the unread badge; marking the group's ids read clears it), while
 * two separate handovers stay two items; and a deactivated account that gives the right
 * password is told `account-deactivated`, while a wrong password (deactivated or not, known
 * email or not) still gets the usual `bad-credentials`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  type Json,
  LANES,
  openWorld,
  PASSWORD,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`grouped notices and deactivated sign-in on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let admin: Client;
    let manager: Client;
    let rep1: Client;
    let rep2: Client;
    const sopId = `it-repux-${crypto.randomUUID().slice(0, 6)}`;

    beforeAll(async () => {
      ({ srv, ws, admin, manager, rep1, rep2 } = await openWorld(lane, {
        people: ['admin', 'manager', 'rep1', 'rep2'],
        publish: [testSop(sopId)],
      }));
    });
    afterAll(async () => {
      await srv?.close();
    });

    const create = async (company: string) => {
      const r = await rep1.post('/api/records', {
        sopId,
        fields: { company },
        ownerId: ws.userId('rep1'),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.record as Json;
    };
    const handOver = async (ids: string[], reason: string) => {
      const r = await manager.post('/api/handovers', {
        recordIds: ids,
        toUserId: ws.userId('rep2'),
        reason,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.moved).toHaveLength(ids.length);
    };

    it('one handover of three records is one inbox item with the count and names', async () => {
      // rep2 starts with nothing unread
      const start = await rep2.get('/api/notifications');
      expect(start.status).toBe(200);
      const startIds = start.body.items.flatMap((n: Json) => n.group?.ids ?? [n.id]);
      for (const id of startIds) await rep2.post(`/api/notifications/${id}/read`);
      expect((await rep2.get('/api/notifications')).body.unread).toBe(0);

      const recs = [await create('甲公司'), await create('乙公司'), await create('丙公司')];
      await handOver(
        recs.map((r) => r.id),
        '休假，整批移交',
      );
      const list = await rep2.get('/api/notifications');
      expect(list.status).toBe(200);
      const handed = list.body.items.filter((n: Json) => n.kind === 'handed-over');
      expect(handed).toHaveLength(1);
      const g = handed[0].group;
      expect(g.count).toBe(3);
      expect(new Set(g.ids).size).toBe(3);
      expect(g.records.map((r: Json) => r.id).sort()).toEqual(recs.map((r) => r.id).sort());
      expect(handed[0].readAt).toBeNull();
      // the handover counts once in the badge (other kinds, if any, count by themselves)
      const others = list.body.items.filter((n: Json) => n.kind !== 'handed-over' && !n.readAt);
      expect(list.body.unread).toBe(1 + others.length);

      // marking the group's ids read clears the one item
      for (const id of g.ids) {
        const r = await rep2.post(`/api/notifications/${id}/read`);
        expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
      }
      const after = await rep2.get('/api/notifications');
      const item = after.body.items.find((n: Json) => n.kind === 'handed-over');
      expect(item.readAt).not.toBeNull();
      expect(after.body.unread).toBe(others.length);
    });

    it('two separate handovers stay two items', async () => {
      const a = await create('丁公司');
      await handOver([a.id], '第一次');
      // a later moment: the server's clock moves on between the two transactions
      await Bun.sleep(5);
      const b = await create('戊公司');
      const c = await create('己公司');
      await handOver([b.id, c.id], '第二次');
      const list = await rep2.get('/api/notifications');
      const unreadHanded = list.body.items.filter(
        (n: Json) => n.kind === 'handed-over' && n.readAt === null,
      );
      expect(unreadHanded.map((n: Json) => n.group?.count ?? 1).sort()).toEqual([1, 2]);
      const single = unreadHanded.find((n: Json) => !n.group);
      expect(single.recordId).toBe(a.id);
    });

    it('a deactivated account with the right password is told so; a wrong one is not', async () => {
      const r = await admin.post(`/api/users/${ws.userId('rep3')}/deactivate`, {
        handoverTo: 'team-rule',
        reason: '离职',
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const attempt = (email: string, password: string) =>
        new Client(srv.url).post('/api/auth/login', { email, password });

      const right = await attempt(ws.email('rep3'), PASSWORD);
      expect(right.status).toBe(403);
      expect(right.body.type).toContain('account-deactivated');
      expect(right.headers.get('content-type')).toContain('application/problem+json');
      expect(right.headers.get('set-cookie') ?? '').not.toMatch(/=[^;]+/);

      const wrong = await attempt(ws.email('rep3'), 'not-the-password');
      expect(wrong.status).toBe(401);
      expect(wrong.body.type).toContain('bad-credentials');
      expect(wrong.body.type).not.toContain('deactivated');

      const unknown = await attempt(`nobody-${crypto.randomUUID().slice(0, 6)}@it.test`, PASSWORD);
      expect(unknown.status).toBe(401);
      expect(unknown.body.type).toContain('bad-credentials');

      // an active account with its password still signs in
      const active = await attempt(ws.email('rep1'), PASSWORD);
      expect(active.status).toBe(200);
    });
  });
}
