/**
 * Five days of failures, on the test clock (docs/delivery.md): an endpoint whose receiver on
 * 127.0.0.1 answers 500 to everything is retried on the published schedule (retry scale 1,
 * time moved by POST /api/test-clock) and stays on through four days of failures; the attempt
 * after five days disables it, its admins are told in the app (not through the endpoint), a
 * message that arrives while it is disabled is kept (held, never sent), and after the admin
 * switches it on again a replay delivers everything with the webhook-ids it was first sent
 * with.
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

const DAY = 24 * 3600_000;

type Delivery = {
  id: string;
  messageId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastAttempt: { responseStatus: number | null } | null;
};
type Endpoint = {
  id: string;
  enabled: boolean;
  disabledAt: number | null;
  disabledReason: string | null;
  failingSince: number | null;
};

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`an endpoint failing for 5 days on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let login: World['login'];
    let admin: Client;
    let rx: Receiver;
    const sopId = `wd-${crypto.randomUUID().slice(0, 6)}`;

    beforeAll(async () => {
      ({ srv, ws, login, admin } = await openWorld(lane, {
        server: {
          deliveryIntervalMs: 50,
          outboundAllowHosts: '127.0.0.1',
          deliveryRetryScale: 1,
          deliveryTimeoutMs: 2000,
        },
        people: ['admin', 'manager'],
        publish: [testSop(sopId)],
      }));
    }, 300_000);
    afterAll(async () => {
      rx?.close();
      await srv?.close();
    }, 120_000);

    it('is disabled after 5 days, admins are told in the app, later messages are kept and replay', async () => {
      const since = Date.now() - 60_000;
      rx = startReceiver();
      rx.mode = { kind: 'status', status: 500 };
      const created = await admin.post('/api/admin/webhooks', {
        url: rx.url,
        description: 'ERP down for a week',
        eventTypes: ['record.created'],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      rx.secrets = [created.body.secret];
      const id = String(created.body.endpoint.id);
      const deliveries = async (): Promise<Delivery[]> =>
        (await admin.get(`/api/admin/webhooks/${id}/deliveries`)).body.items;
      const endpoint = async (): Promise<Endpoint> =>
        (await admin.get('/api/admin/webhooks')).body.items.find((e: Endpoint) => e.id === id);
      /** Attempts recorded in the log (a claim counts its attempt before the send ends). */
      const attemptsOf = async (messageId: string) =>
        Number(
          (
            await srv.db.query(
              `select count(*)::int as n from delivery_attempts a
                 join deliveries d on d.workspace_id = a.workspace_id and d.id = a.delivery_id
                where d.workspace_id = $1 and d.target_id = $2 and d.message_id = $3`,
              [ws.id, id, messageId],
            )
          )[0]?.n,
        );
      const advance = async (ms: number) =>
        expect((await admin.post('/api/test-clock', { advanceMs: ms })).status).toBe(200);

      const test = await admin.post(`/api/admin/webhooks/${id}/test`);
      expect(test.status).toBe(202);
      const messageId = String(test.body.messageId);
      await until('the first attempt', async () => (await attemptsOf(messageId)) >= 1);
      const startedFailing = (await endpoint()).failingSince;
      expect(startedFailing).not.toBeNull();

      // four days: a retry each day (the schedule's 5 s, 5 min, 30 min, 2 h are all due)
      for (let day = 1; day <= 4; day++) {
        const before = await attemptsOf(messageId);
        await advance(DAY);
        await until(`a retry on day ${day}`, async () => (await attemptsOf(messageId)) > before);
        const e = await endpoint();
        expect(e.disabledAt, `day ${day}`).toBeNull();
        expect(e.failingSince).toBe(startedFailing);
      }
      expect((await deliveries())[0]?.status).toBe('pending');
      expect(rx.received.every((r) => r.answered === 500 && r.id === messageId)).toBe(true);

      // the attempt after five days disables the endpoint and holds the message
      const before = await attemptsOf(messageId);
      await advance(DAY + 60_000);
      await until('disabled', async () => (await endpoint()).disabledAt !== null);
      const e = await endpoint();
      expect(e.disabledReason).toBe('failing for 5 days');
      expect(await attemptsOf(messageId)).toBe(before + 1);
      await until('held', async () => (await deliveries())[0]?.status === 'held');
      expect(rx.received.every((r) => r.answered === 500)).toBe(true);
      const sentWhileFailing = rx.received.length;

      // admins are told through another channel: the app's notifications
      const notes = (await admin.get('/api/notifications')).body.items as Array<{
        kind: string;
        message: { 'zh-CN': string; en: string };
      }>;
      const note = notes.find((n) => n.kind === 'delivery.disabled');
      expect(note?.message.en).toContain('failing for 5 days');
      expect(note?.message.en).toContain(`127.0.0.1:${rx.port}`);
      expect(note?.message['zh-CN']).toContain('已停用');
      const rep = await login('rep1');
      const repNotes = (await rep.get('/api/notifications')).body.items as Array<{ kind: string }>;
      expect(repNotes.some((n) => n.kind === 'delivery.disabled')).toBe(false);

      // a message arriving while disabled is kept, not sent
      const record = await rep.post('/api/records', {
        sopId,
        fields: { company: '停用期间' },
        ownerId: ws.userId('rep1'),
      });
      expect(record.status, JSON.stringify(record.body)).toBe(201);
      const recordId = String(record.body.record.id);
      await until('the record event held', async () =>
        (await deliveries()).some((d) => d.eventType === 'record.created' && d.status === 'held'),
      );
      const held = (await deliveries()).find((d) => d.eventType === 'record.created');
      expect(held?.attempts).toBe(0);
      expect(rx.received).toHaveLength(sentWhileFailing);

      // fixed, switched on again, replayed: both arrive, each with its first webhook-id
      rx.mode = { kind: 'ok' };
      expect((await admin.patch(`/api/admin/webhooks/${id}`, { enabled: true })).status).toBe(200);
      const on = await endpoint();
      expect(on.disabledAt).toBeNull();
      expect(on.failingSince).toBeNull();
      const replay = await admin.post(`/api/admin/webhooks/${id}/replay`, { since });
      expect(replay.status).toBe(202);
      expect(replay.body.queued).toBe(2);
      const got = await rx.waitFor(sentWhileFailing + 2);
      const replayed = got.slice(sentWhileFailing);
      expect(replayed.every((r) => r.answered === 200)).toBe(true);
      expect(new Set(replayed.map((r) => r.id))).toEqual(new Set([messageId, held?.messageId]));
      expect(replayed.find((r) => r.body.type === 'record.created')?.body.data.recordId).toBe(
        recordId,
      );
      await until('both delivered', async () =>
        (await deliveries()).every((d) => d.status === 'delivered'),
      );
      expect(rx.rejected).toEqual([]);
    }, 300_000);
  });
}
