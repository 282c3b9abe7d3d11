/**
 * Signed webhooks end to end over real HTTP: a record command's outbox row is fanned out,
 * claimed and sent to a Standard Webhooks receiver on 127.0.0.1 that verifies the signature
 * as the standard says; retries keep the webhook-id; Retry-After, 410, rotation and the SSRF
 * guard behave as docs/delivery.md says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  LANES,
  openWorld,
  type Server,
  testSop,
  until,
  type Workspace,
  type World,
} from './harness.ts';
import { type Receiver, startReceiver } from './receivers/standard-webhooks.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`webhooks on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let login: World['login'];
    let admin: Client;
    let rep: Client;
    let rx: Receiver;
    const sopId = `wh-${crypto.randomUUID().slice(0, 6)}`;

    beforeAll(async () => {
      ({
        srv,
        ws,
        login,
        admin,
        rep1: rep,
      } = await openWorld(lane, {
        server: {
          deliveryIntervalMs: 50,
          outboundAllowHosts: '127.0.0.1',
          deliveryRetryScale: 0.001,
          deliveryTimeoutMs: 2000,
        },
        people: ['admin', 'manager', 'rep1'],
        publish: [testSop(sopId)],
      }));
    }, 300_000);
    afterAll(async () => {
      await srv?.close();
    }, 120_000);

    /** A fresh receiver and an endpoint to it (every test deletes its endpoint at the end). */
    async function endpoint(eventTypes?: string[]) {
      rx = startReceiver();
      const res = await admin.post('/api/admin/webhooks', {
        url: rx.url,
        description: 'ERP',
        ...(eventTypes ? { eventTypes } : {}),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      rx.secrets = [res.body.secret];
      return String(res.body.endpoint.id);
    }
    async function done(id: string) {
      expect((await admin.req('DELETE', `/api/admin/webhooks/${id}`)).status).toBe(204);
      rx.close();
    }
    const createRecord = async (company: string) => {
      const r = await rep.post('/api/records', {
        sopId,
        fields: { company },
        ownerId: ws.userId('rep1'),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return String(r.body.record.id);
    };
    const deliveriesOf = async (id: string) =>
      (await admin.get(`/api/admin/webhooks/${id}/deliveries`)).body.items;

    it('a record command arrives signed as { type, timestamp, data } and is logged', async () => {
      const id = await endpoint(['record.created']);
      const recordId = await createRecord('签名测试');
      const [got] = await rx.waitFor(1);
      expect(got?.body.type).toBe('record.created');
      expect(got?.body.data.recordId).toBe(recordId);
      expect(Number.isNaN(Date.parse(got?.body.timestamp ?? ''))).toBe(false);
      expect(got?.id).toMatch(/^msg_/);
      expect(Math.abs((got?.timestamp ?? 0) - Date.now() / 1000)).toBeLessThan(300);
      await until('the log row', async () => (await deliveriesOf(id))[0]?.status === 'delivered');
      const [row] = await deliveriesOf(id);
      expect(row.messageId).toBe(got?.id);
      expect(row.lastAttempt.responseStatus).toBe(200);
      expect(row.lastAttempt.request).toContain('webhook-id: msg_');
      expect(rx.rejected).toEqual([]);
      await done(id);
    });

    it('receiver down, then up: everything arrives, retries keep the webhook-id', async () => {
      const id = await endpoint();
      rx.down();
      const records = [await createRecord('宕机一'), await createRecord('宕机二')];
      await until('two failed attempts each', async () => {
        const items = await deliveriesOf(id);
        return items.length === 2 && items.every((d: { attempts: number }) => d.attempts >= 2);
      });
      rx.up();
      await rx.waitFor(2);
      await until('both delivered', async () =>
        (await deliveriesOf(id)).every((d: { status: string }) => d.status === 'delivered'),
      );
      const items = await deliveriesOf(id);
      expect(new Set(rx.received.map((r) => r.id))).toEqual(
        new Set(items.map((d: { messageId: string }) => d.messageId)),
      );
      expect(new Set(rx.received.map((r) => r.body.data.recordId))).toEqual(new Set(records));
      // a 500 twice, then 200: three requests, one webhook-id
      rx.received.length = 0;
      rx.mode = { kind: 'status', status: 500, times: 2 };
      await admin.post(`/api/admin/webhooks/${id}/test`);
      await until('the third request', async () => rx.received.length >= 3);
      expect(rx.received.map((r) => r.answered)).toEqual([500, 500, 200]);
      expect(new Set(rx.received.map((r) => r.id)).size).toBe(1);
      await done(id);
    });

    it('honours Retry-After on 429', async () => {
      const id = await endpoint();
      rx.mode = { kind: 'status', status: 429, retryAfter: '2', times: 1 };
      await admin.post(`/api/admin/webhooks/${id}/test`);
      await rx.waitFor(2);
      const [first, second] = rx.received;
      expect(first?.answered).toBe(429);
      expect(second?.answered).toBe(200);
      // the schedule alone (scaled for tests) would retry after 5 ms
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1900);
      await done(id);
    });

    it('410 disables the endpoint, tells admins (in the app and on the monitoring hook), holds later messages for replay', async () => {
      // a monitoring system hears that delivery stopped through a delivery.disabled rule
      const monitor = startReceiver();
      const m = await admin.post('/api/admin/webhooks', {
        url: monitor.url,
        description: 'monitoring',
        eventTypes: ['record.reopened'],
      });
      expect(m.status, JSON.stringify(m.body)).toBe(201);
      monitor.secrets = [m.body.secret];
      const monitorId = String(m.body.endpoint.id);
      const rule = {
        event: 'delivery.disabled',
        target: 'webhook',
        channelId: null,
        webhookId: monitorId,
        teamId: null,
        sopId: null,
        mentionOwner: false,
        mentionManager: false,
        locale: 'zh-CN',
        enabled: true,
      };
      const put = await admin.req('PUT', '/api/admin/notification-rules', { rules: [rule] });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const id = await endpoint();
      const since = Date.now() - 1000;
      rx.mode = { kind: 'status', status: 410 };
      await admin.post(`/api/admin/webhooks/${id}/test`);
      await until('disabled', async () => {
        const list = (await admin.get('/api/admin/webhooks')).body.items;
        return !!list.find((e: { id: string; disabledAt: number | null }) => e.id === id)
          ?.disabledAt;
      });
      const list = (await admin.get('/api/admin/webhooks')).body.items;
      expect(list.find((e: { id: string }) => e.id === id).disabledReason).toContain('410');
      const notes = await admin.get('/api/notifications');
      expect(notes.body.items.some((n: { kind: string }) => n.kind === 'delivery.disabled')).toBe(
        true,
      );
      const [told] = await monitor.waitFor(1);
      expect(told?.body.type).toBe('delivery.disabled');
      expect(told?.body.data).toMatchObject({ targetKind: 'webhook', targetId: id });
      expect(String(told?.body.data.reason)).toContain('410');
      expect(monitor.rejected).toEqual([]);
      await admin.req('PUT', '/api/admin/notification-rules', { rules: [] });
      await admin.req('DELETE', `/api/admin/webhooks/${monitorId}`);
      monitor.close();
      await createRecord('停用后');
      await until('held', async () =>
        (await deliveriesOf(id)).some(
          (d: { eventType: string; status: string }) =>
            d.eventType === 'record.created' && d.status === 'held',
        ),
      );
      expect(rx.received).toHaveLength(1);
      rx.mode = { kind: 'ok' };
      expect((await admin.patch(`/api/admin/webhooks/${id}`, { enabled: true })).status).toBe(200);
      const replay = await admin.post(`/api/admin/webhooks/${id}/replay`, { since });
      expect(replay.status).toBe(202);
      expect(replay.body.queued).toBe(2);
      await rx.waitFor(3);
      expect(rx.received.slice(1).every((r) => r.answered === 200)).toBe(true);
      await done(id);
    });

    it('after a rotation both secrets sign, each verifying', async () => {
      const id = await endpoint();
      const old = rx.secrets[0] ?? '';
      const rot = await admin.post(`/api/admin/webhooks/${id}/rotate-secret`);
      expect(rot.status).toBe(200);
      expect(rot.body.secret).not.toBe(old);
      rx.secrets = [rot.body.secret, old];
      await admin.post(`/api/admin/webhooks/${id}/test`);
      const [got] = await rx.waitFor(1);
      expect(got?.signatures).toHaveLength(2);
      expect(got?.verifiedBy).toEqual([0, 1]);
      // a receiver that only knows the new secret verifies too
      rx.secrets = [rot.body.secret];
      await admin.post(`/api/admin/webhooks/${id}/test`);
      await rx.waitFor(2);
      await done(id);
    });

    it('refuses private, metadata and loopback addresses (422) unless allowed', async () => {
      for (const url of [
        'http://10.1.2.3/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://[::ffff:169.254.169.254]/x',
        'http://localhost:9/hook',
        'http://[fd00:ec2::254]/x',
      ]) {
        const res = await admin.post('/api/admin/webhooks', { url });
        expect(res.status, url).toBe(422);
        expect(res.body.type).toContain('outbound-url-refused');
      }
      const rx2 = startReceiver();
      const created = await admin.post('/api/admin/webhooks', { url: rx2.url });
      expect(created.status).toBe(201);
      const id = String(created.body.endpoint.id);
      const moved = await admin.patch(`/api/admin/webhooks/${id}`, { url: 'http://10.0.0.1/' });
      expect(moved.status).toBe(422);
      await admin.req('DELETE', `/api/admin/webhooks/${id}`);
      rx2.close();
    });

    it('is for admins only', async () => {
      const manager = await login('manager');
      expect((await manager.get('/api/admin/webhooks')).status).toBe(403);
      expect((await rep.post('/api/admin/webhooks', { url: 'http://127.0.0.1:9/' })).status).toBe(
        403,
      );
    });
  });

  describe.runIf(lane.enabled)(`webhooks sent at once on ${lane.name}`, () => {
    // the worker's own tick is a minute away: only the kick after queueing can send within it
    let srv: Server;
    let admin: Client;
    beforeAll(async () => {
      ({ srv, admin } = await openWorld(lane, {
        server: {
          deliveryIntervalMs: 60_000,
          outboundAllowHosts: '127.0.0.1',
          deliveryTimeoutMs: 2000,
        },
        people: ['admin'],
      }));
    }, 300_000);
    afterAll(async () => {
      await srv?.close();
    }, 120_000);

    it('a test event, a resend and a replay go out now, not at the next tick', async () => {
      const rx = startReceiver();
      const res = await admin.post('/api/admin/webhooks', { url: rx.url, description: 'BI' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      rx.secrets = [res.body.secret];
      const id = String(res.body.endpoint.id);
      const since = Date.now() - 1000;

      const sent = await admin.post(`/api/admin/webhooks/${id}/test`, {});
      expect(sent.status).toBe(202);
      const [first] = await rx.waitFor(1, 20_000);
      expect(first?.body.type).toBe('webhook.test');
      expect(first?.id).toBe(sent.body.messageId);

      const delivered = async () =>
        (await admin.get(`/api/admin/webhooks/${id}/deliveries`)).body.items[0]?.status ===
        'delivered';
      await until('the test event logged as delivered', delivered, 20_000);
      const again = await admin.post(
        `/api/admin/webhooks/${id}/deliveries/${sent.body.deliveryId}/resend`,
        {},
      );
      expect(again.status).toBe(202);
      const [, second] = await rx.waitFor(2, 20_000);
      expect(second?.id).toBe(first?.id);

      // a message that failed: the replay sends it now, still with its first webhook-id
      await until('the resend logged as delivered', delivered, 20_000);
      await srv.db.query(`update deliveries set status = 'failed' where id = $1`, [
        sent.body.deliveryId,
      ]);
      const replay = await admin.post(`/api/admin/webhooks/${id}/replay`, { since });
      expect(replay.body).toEqual({ queued: 1 });
      const [, , third] = await rx.waitFor(3, 20_000);
      expect(third?.id).toBe(first?.id);
      expect(rx.rejected).toEqual([]);
      rx.close();
    });
  });
}
