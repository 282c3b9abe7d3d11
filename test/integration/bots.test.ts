/**
 * Chat bots end to end over real HTTP: a test message per platform; an SLA breach on the
 * test clock reaches a 钉钉 robot as a signed actionCard whose button opens the record; a
 * burst of 100 events to a 20-a-minute robot arrives as digests with nothing dropped and the
 * robot never muted; an invalid key disables the channel and tells the admins in the app.
 */
import { DEFAULT_POOL_RULES } from '@closeloop/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  LANES,
  openWorld,
  until as poll,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';
import { startDingtalk } from './receivers/dingtalk.ts';
import { startFeishu } from './receivers/feishu.ts';
import { startWecom } from './receivers/wecom.ts';

/** Bots deliver through a pump and a token bucket: a longer wait, polled less often. */
const until = (what: string, test: () => Promise<boolean>, timeoutMs = 150_000) =>
  poll(what, test, timeoutMs, 100);

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`chat bots on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let admin: Client;
    let rep: Client;
    const sopId = `bot-${crypto.randomUUID().slice(0, 6)}`;
    const closers: Array<() => void> = [];

    beforeAll(async () => {
      ({
        srv,
        ws,
        admin,
        rep1: rep,
      } = await openWorld(lane, {
        server: {
          deliveryIntervalMs: 50,
          outboundAllowHosts: '127.0.0.1',
          deliveryRetryScale: 0.001,
          deliveryTimeoutMs: 5000,
        },
        people: ['admin', 'manager', 'rep1'],
        publish: [testSop(sopId)],
      }));
      await srv.db.query('update users set mobile = $3 where workspace_id = $1 and id = $2', [
        ws.id,
        ws.userId('rep1'),
        '13800138000',
      ]);
    }, 300_000);
    afterAll(async () => {
      for (const c of closers) c();
      await srv?.close();
    }, 120_000);

    const channel = async (body: Record<string, unknown>) => {
      const r = await admin.post('/api/admin/channels', { name: 'Sales group', ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(JSON.stringify(r.body)).not.toContain('SEC');
      return String(r.body.id);
    };
    const rules = async (list: Array<Record<string, unknown>>) => {
      const full = list.map((x) => ({
        target: 'channel',
        webhookId: null,
        teamId: null,
        sopId,
        mentionOwner: false,
        mentionManager: false,
        locale: 'zh-CN',
        enabled: true,
        ...x,
      }));
      const r = await admin.req('PUT', '/api/admin/notification-rules', { rules: full });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    const createRecord = async (company: string) => {
      const r = await rep.post('/api/records', {
        sopId,
        fields: { company },
        ownerId: ws.userId('rep1'),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return String(r.body.record.id);
    };

    it('sends a test message to each platform and answers its result', async () => {
      const wx = startWecom({ key: 'wk' });
      const dt = startDingtalk({ token: 'dt', secret: 'SEC-dt', keyword: 'Closeloop' });
      const fs = startFeishu({ token: 'fs', secret: 'SEC-fs' });
      closers.push(wx.close, dt.close, fs.close);
      const ids = [
        await channel({ kind: 'wecom', url: wx.url }),
        await channel({ kind: 'dingtalk', url: dt.url, secret: 'SEC-dt', keyword: 'Closeloop' }),
        await channel({ kind: 'feishu', url: fs.url, secret: 'SEC-fs' }),
      ];
      for (const id of ids) {
        const r = await admin.post(`/api/admin/channels/${id}/test`);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.outcome, JSON.stringify(r.body)).toBe('delivered');
      }
      expect([wx.accepted.length, dt.accepted.length, fs.accepted.length]).toEqual([1, 1, 1]);
      // a wrong secret answers the platform's refusal
      await admin.req('PATCH', `/api/admin/channels/${ids[1]}`, { secret: 'wrong' });
      const bad = await admin.post(`/api/admin/channels/${ids[1]}/test`);
      expect(bad.body).toMatchObject({
        outcome: 'permanent',
        reason: expect.stringContaining('310000'),
      });
      for (const id of ids) await admin.req('DELETE', `/api/admin/channels/${id}`);
    });

    it('an SLA breach reaches 钉钉 as a signed actionCard whose button opens the record', async () => {
      const dt = startDingtalk({ token: 'sla', secret: 'SEC-sla', keyword: '提醒' });
      closers.push(dt.close);
      const id = await channel({
        kind: 'dingtalk',
        url: dt.url,
        secret: 'SEC-sla',
        keyword: '提醒',
      });
      await rules([{ event: 'sla.breached', channelId: id, mentionOwner: true }]);
      const recordId = await createRecord('超时科技');
      const tick = await rep.post('/api/test-clock', { advanceMs: 61 * 60_000 });
      expect(tick.status).toBe(200);
      await until('the breach card', async () => dt.accepted.length > 0);
      const card = dt.accepted[0]?.body.actionCard as {
        title: string;
        text: string;
        btns: Array<{ title: string; actionURL: string }>;
      };
      expect(card.title).toContain('超时科技');
      expect(card.text).toContain('@13800138000');
      const link = new URL(String(card.btns[0]?.actionURL));
      expect(link.pathname).toMatch(/^\/l\/[\w-]+\.[\w-]+$/);
      // the link, opened on this server: straight to the record page (sign-in first if needed)
      const open = await fetch(`${srv.url}${link.pathname}`, { redirect: 'manual' });
      expect(open.status).toBe(302);
      expect(open.headers.get('location')).toBe(`/records/${recordId}`);
      expect((await rep.get(`/api/records/${recordId}`)).status).toBe(200);
      const tampered = link.pathname.replace(/\.(.)/, (_, c) => `.${c === 'A' ? 'B' : 'A'}`);
      expect((await fetch(`${srv.url}${tampered}`, { redirect: 'manual' })).status).toBe(404);
      await admin.req('DELETE', `/api/admin/channels/${id}`);
    });

    it('a 公海 warning reaches the team group with @owner and a button that opens the customer', async () => {
      const dt = startDingtalk({ token: 'pool' });
      closers.push(dt.close);
      const id = await channel({ kind: 'dingtalk', url: dt.url });
      // customer events have no SOP: a rule naming one is refused
      const bad = await admin.req('PUT', '/api/admin/notification-rules', {
        rules: [
          {
            event: 'pool.warning',
            target: 'channel',
            channelId: id,
            webhookId: null,
            teamId: null,
            sopId,
            mentionOwner: true,
            mentionManager: false,
            locale: 'zh-CN',
            enabled: true,
          },
        ],
      });
      expect(bad.status).toBe(422);
      await rules([{ event: 'pool.warning', channelId: id, sopId: null, mentionOwner: true }]);
      const pool = await admin.put('/api/pools/default', {
        rules: { ...DEFAULT_POOL_RULES, reclaimAfterIdleDays: 2, warnDaysBefore: 1 },
        policies: {},
      });
      expect(pool.status, JSON.stringify(pool.body)).toBe(200);
      const made = await rep.post('/api/records', {
        sopId,
        fields: { company: '青岛海滨渔具有限公司', phone: '13900139011' },
        ownerId: ws.userId('rep1'),
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const customerId = String(made.body.customer.id);
      // five calendar days cover two working days whatever the weekday
      for (let i = 0; i < 5; i++)
        expect((await rep.post('/api/test-clock', { advanceMs: 86_400_000 })).status).toBe(200);
      await until('the pool warning', async () =>
        dt.accepted.some((a) => JSON.stringify(a.body).includes('青岛海滨渔具')),
      );
      const card = dt.accepted.find((a) => JSON.stringify(a.body).includes('青岛海滨渔具'))?.body
        .actionCard as {
        title: string;
        text: string;
        btns: Array<{ title: string; actionURL: string }>;
      };
      expect(card.title).toContain('即将退回公海');
      expect(card.text).toContain('@13800138000');
      expect(card.btns[0]?.title).toBe('打开客户');
      const link = new URL(String(card.btns[0]?.actionURL));
      const open = await fetch(`${srv.url}${link.pathname}`, { redirect: 'manual' });
      expect(open.status).toBe(302);
      expect(open.headers.get('location')).toBe(`/customers/${customerId}`);
      await admin.put('/api/pools/default', { rules: DEFAULT_POOL_RULES, policies: {} });
      await admin.req('DELETE', `/api/admin/channels/${id}`);
      await rules([]);
    }, 300_000);

    it('a burst of 100 events to a 20-a-minute robot arrives as digests: nothing dropped, never muted', async () => {
      const dt = startDingtalk({ token: 'burst' });
      closers.push(dt.close);
      const id = await channel({ kind: 'dingtalk', url: dt.url });
      await rules([{ event: 'lead.assigned', channelId: id }]);
      const names = Array.from({ length: 100 }, (_, i) => `Burst-${String(i).padStart(3, '0')}`);
      for (let i = 0; i < names.length; i += 10)
        await Promise.all(names.slice(i, i + 10).map((n) => createRecord(n)));
      const seen = () => {
        const text = dt.accepted.map((a) => JSON.stringify(a.body)).join('\n');
        return names.filter((n) => text.includes(n));
      };
      await until('every burst note', async () => seen().length === names.length, 240_000);
      expect(dt.mutedAt).toBeNull();
      expect(dt.requests.every((r) => r.code === 0)).toBe(true);
      expect(dt.accepted.length).toBeLessThan(names.length);
      expect(dt.accepted.some((a) => JSON.stringify(a.body).includes('条提醒'))).toBe(true);
      await admin.req('DELETE', `/api/admin/channels/${id}`);
    }, 300_000);

    it('an invalid key disables the channel and tells the admins in the app and in their group', async () => {
      const wx = startWecom({ key: 'right' });
      const itBot = startDingtalk({ token: 'it-group' });
      closers.push(wx.close, itBot.close);
      const id = await channel({ kind: 'wecom', url: wx.url.replace('right', 'wrong') });
      const itGroup = await channel({ kind: 'dingtalk', url: itBot.url, name: 'IT 群' });
      // a workspace rule refuses a team scope and in-app only (admins are told there anyway)
      const scoped = await admin.req('PUT', '/api/admin/notification-rules', {
        rules: [
          {
            event: 'delivery.disabled',
            target: 'in-app',
            channelId: null,
            webhookId: null,
            teamId: null,
            sopId: null,
            mentionOwner: false,
            mentionManager: false,
            locale: 'zh-CN',
            enabled: true,
          },
        ],
      });
      expect(scoped.status).toBe(422);
      await rules([
        { event: 'lead.assigned', channelId: id },
        { event: 'delivery.disabled', channelId: itGroup, sopId: null },
      ]);
      await createRecord('Disable Co');
      await until('the channel disabled', async () => {
        const list = await admin.get('/api/admin/channels');
        const ch = list.body.items.find((c: { id: string }) => c.id === id);
        return !!ch?.disabledReason;
      });
      const list = await admin.get('/api/admin/channels');
      const ch = list.body.items.find((c: { id: string }) => c.id === id);
      expect(ch.disabledReason).toContain('93000');
      const notes = await admin.get('/api/notifications');
      expect(
        notes.body.items.filter((n: { kind: string }) => n.kind === 'channel.disabled'),
      ).toHaveLength(1);
      // told once in the app (the channel's own notice, not a second generic one) …
      expect(notes.body.items.some((n: { kind: string }) => n.kind === 'delivery.disabled')).toBe(
        false,
      );
      // … and in the IT group, naming the channel and the platform's reason
      await until('the IT group told', async () => itBot.accepted.length > 0);
      const told = JSON.stringify(itBot.accepted[0]?.body);
      expect(told).toContain('推送已停用');
      expect(told).toContain('Sales group');
      expect(told).toContain('93000');
      await rules([]);
    });
  });
}
