/**
 * 100 concurrent copies of one command with one Idempotency-Key: one event, one answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  type Client,
  LANES,
  openWorld,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`idempotency on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let rep: Client;
    const sopId = `idem-${crypto.randomUUID().slice(0, 6)}`;

    beforeAll(async () => {
      ({ srv, ws, rep1: rep } = await openWorld(lane, { people: ['rep1'] }));
      await publish(await as(srv.url, ws.email('manager')), testSop(sopId));
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('performs an action once for 100 concurrent copies', async () => {
      const created = await rep.post('/api/records', {
        sopId,
        fields: {},
        ownerId: ws.userId('rep1'),
      });
      const rec = created.body.record;
      const key = crypto.randomUUID();
      const body = {
        action: 'QUALIFY',
        fields: { phone: '13800138000', budget: 1000 },
        version: rec.version,
      };
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          rep.post(`/api/records/${rec.id}/actions`, body, { 'idempotency-key': key }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(
        statuses.every((s) => s === 200),
        JSON.stringify(statuses),
      ).toBe(true);
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
      const rows = await srv.db.query(
        `select type, count(*)::int as n from record_events
          where workspace_id = $1 and record_id = $2 group by type`,
        [ws.id, rec.id],
      );
      const byType = Object.fromEntries(rows.map((r) => [r.type, r.n]));
      expect(byType['action.performed']).toBe(1);
      expect(byType['fields.changed']).toBe(1);
      const stored = await srv.db.query(
        'select version from records where workspace_id = $1 and id = $2',
        [ws.id, rec.id],
      );
      expect(stored[0]?.version).toBe(rec.version + 1);
    });

    it('creates one record for 100 concurrent copies', async () => {
      const key = crypto.randomUUID();
      const company = `once-${key}`;
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          rep.post('/api/records', { sopId, fields: { company } }, { 'idempotency-key': key }),
        ),
      );
      expect(answers.every((a) => a.status === 201)).toBe(true);
      expect(new Set(answers.map((a) => a.body.record.id)).size).toBe(1);
      const rows = await srv.db.query(
        `select count(*)::int as n from records where workspace_id = $1 and search like $2`,
        [ws.id, `%${company}%`],
      );
      expect(rows[0]?.n).toBe(1);
    });
  });
}
