/**
 * Bad input: each case answers a clear problem+json with a 4xx status and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, LANES, openWorld, type Server, testSop, type Workspace } from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`bad input on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let rep: Client;
    let manager: Client;
    let record: { id: string; version: number };
    const sopId = `bad-${crypto.randomUUID().slice(0, 6)}`;

    const counts = async () => {
      const rows = await srv.db.query(
        `select (select count(*)::int from records where workspace_id = $1) as records,
                (select count(*)::int from record_events where workspace_id = $1) as events,
                (select count(*)::int from timers where workspace_id = $1) as timers,
                (select count(*)::int from sops where workspace_id = $1) as sops,
                (select coalesce(sum(version), 0)::int from records where workspace_id = $1) as versions`,
        [ws.id],
      );
      return rows[0];
    };

    beforeAll(async () => {
      ({
        srv,
        ws,
        rep1: rep,
        manager,
      } = await openWorld(lane, { people: ['rep1', 'manager'], publish: [testSop(sopId)] }));
      const r = await rep.post('/api/records', { sopId, fields: {}, ownerId: ws.userId('rep1') });
      record = r.body.record;
    });
    afterAll(async () => {
      await srv?.close();
    });

    const cases: Array<{
      name: string;
      status: number;
      code: string;
      send: () => Promise<{ status: number; body: any; headers: Headers }>;
    }> = [
      {
        name: 'unknown record',
        status: 404,
        code: 'not-found',
        send: () => rep.post('/api/records/nope/actions', { action: 'QUALIFY', version: 1 }),
      },
      {
        name: 'unknown SOP',
        status: 404,
        code: 'not-found',
        send: () => rep.post('/api/records', { sopId: 'no-such-sop', fields: {} }),
      },
      {
        name: 'unknown SOP version',
        status: 404,
        code: 'not-found',
        send: () => rep.get(`/api/sops/${sopId}/versions/99`),
      },
      {
        name: 'wrong version',
        status: 409,
        code: 'stale-version',
        send: () =>
          rep.post(`/api/records/${record.id}/actions`, {
            action: 'LOSE',
            version: record.version + 5,
          }),
      },
      {
        name: 'field of the wrong type (engine)',
        status: 422,
        code: 'invalid-fields',
        send: () =>
          rep.patch(`/api/records/${record.id}/fields`, {
            fields: { budget: 'a lot' },
            version: record.version,
          }),
      },
      {
        name: 'field of the wrong JSON shape (schema)',
        status: 422,
        code: 'validation',
        send: () =>
          rep.patch(`/api/records/${record.id}/fields`, {
            fields: { budget: { amount: 5 } },
            version: record.version,
          }),
      },
      {
        name: 'unknown field',
        status: 422,
        code: 'invalid-fields',
        send: () =>
          rep.patch(`/api/records/${record.id}/fields`, {
            fields: { shoeSize: 'big' },
            version: record.version,
          }),
      },
      {
        name: 'bad phone number',
        status: 422,
        code: 'invalid-fields',
        send: () =>
          rep.patch(`/api/records/${record.id}/fields`, {
            fields: { phone: 'call me maybe' },
            version: record.version,
          }),
      },
      {
        name: 'unknown action',
        status: 422,
        code: 'unknown-action',
        send: () =>
          rep.post(`/api/records/${record.id}/actions`, {
            action: 'TELEPORT',
            version: record.version,
          }),
      },
      {
        name: 'action not open in this stage',
        status: 409,
        code: 'action-not-open',
        send: () =>
          rep.post(`/api/records/${record.id}/actions`, { action: 'WIN', version: record.version }),
      },
      {
        name: 'malformed JSON',
        status: 400,
        code: 'malformed-json',
        send: () =>
          rep.req('POST', `/api/records/${record.id}/actions`, '{"action": "LOSE", "version": '),
      },
      {
        name: 'missing body fields',
        status: 422,
        code: 'validation',
        send: () => rep.post(`/api/records/${record.id}/actions`, { action: 'LOSE' }),
      },
      {
        name: 'negative version',
        status: 422,
        code: 'validation',
        send: () => rep.post(`/api/records/${record.id}/actions`, { action: 'LOSE', version: -1 }),
      },
      {
        name: 'body over the 256 KiB limit',
        status: 413,
        code: 'payload-too-large',
        send: () =>
          rep.post('/api/records', { sopId, fields: { company: 'x'.repeat(300 * 1024) } }),
      },
      {
        name: 'oversized string',
        status: 422,
        code: 'validation',
        send: () => rep.post('/api/records', { sopId, fields: { company: 'x'.repeat(20_000) } }),
      },
      {
        name: 'too many fields',
        status: 422,
        code: 'validation',
        send: () =>
          rep.post('/api/records', {
            sopId,
            fields: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`f${i}`, 1])),
          }),
      },
      {
        name: 'SOP document over the 4 MiB limit',
        status: 413,
        code: 'payload-too-large',
        send: () =>
          manager.post('/api/sops', {
            doc: {
              ...testSop('huge'),
              description: { en: 'x'.repeat(5 * 1024 * 1024), 'zh-CN': '' },
            },
          }),
      },
      {
        name: 'SOP document that does not parse',
        status: 422,
        code: 'sop-invalid',
        send: () => manager.post('/api/sops', { doc: { id: 'Bad Id!', machine: 7 } }),
      },
      {
        name: 'Idempotency-Key with spaces',
        status: 422,
        code: 'validation',
        send: () =>
          rep.post('/api/records', { sopId, fields: {} }, { 'idempotency-key': 'has spaces' }),
      },
      {
        name: 'bad cursor',
        status: 422,
        code: 'invalid-input',
        send: () => rep.get('/api/records?cursor=not-a-cursor'),
      },
      {
        name: 'bad query value',
        status: 422,
        code: 'validation',
        send: () => rep.get('/api/records?limit=100000'),
      },
      {
        name: 'migration between unknown versions',
        status: 404,
        code: 'not-found',
        send: () =>
          manager.post(`/api/sops/${sopId}/migrate`, {
            fromVersion: 1,
            toVersion: 9,
            stageMap: {},
            dryRun: true,
          }),
      },
    ];

    it.each(cases)('$name → $status $code, nothing written', async ({ status, code, send }) => {
      const before = await counts();
      const r = await send();
      expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body).toMatchObject({ code, status });
      expect(r.body.type).toBe(`https://closeloop.dev/problems/${code}`);
      expect(typeof r.body.title).toBe('string');
      expect(typeof r.body.instance).toBe('string');
      expect(await counts()).toEqual(before);
    });
  });
}
