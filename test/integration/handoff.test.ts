/**
 * Cross-SOP handoff: winning a deal starts the after-sales record for the same customer, with
 * the mapped fields and the after-sales owner rule, in the action's transaction. A target that
 * is unpublished at run time, or refuses the mapped fields, fails the whole action and nothing
 * is written; a retried request with the same Idempotency-Key creates one record.
 */
import type { SopDocument } from '@closeloop/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  type Client,
  type Json,
  LANES,
  openWorld,
  publish,
  type Server,
  testSop,
  type Workspace,
} from './harness.ts';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** After-sales: routed round-robin over `marketing` (one rep: rep3). */
function afterSalesSop(id: string, customerType: 'text' | 'number' = 'text'): SopDocument {
  return {
    id,
    version: 0,
    name: t('售后服务', 'After-sales'),
    fields: [
      { key: 'customer', type: customerType, label: t('客户', 'Customer') },
      { key: 'mobile', type: 'phone', label: t('手机', 'Mobile') },
      { key: 'amount', type: 'number', label: t('合同金额', 'Contract amount') },
      {
        key: 'kind',
        type: 'select',
        label: t('类型', 'Kind'),
        options: [
          { value: 'install', label: t('安装', 'Install') },
          { value: 'repair', label: t('维修', 'Repair') },
        ],
      },
    ],
    machine: {
      id,
      initial: 'onboarding',
      states: {
        onboarding: {
          meta: {
            stage: {
              title: t('交付', 'Onboarding'),
              owner: { rules: [], default: { team: 'marketing', strategy: 'round-robin' } },
            },
          },
          on: { DONE: { target: 'done', meta: { label: t('完成', 'Done') } } },
        },
        done: { type: 'final', meta: { stage: { title: t('完成', 'Done'), outcome: 'done' } } },
      },
    },
  };
}

/** The test lead SOP whose WIN hands off to `target`. */
function salesSop(id: string, target: string, fields: Json, owner: Json = 'rule'): SopDocument {
  const doc = testSop(id);
  const won = ((doc.machine.states.qualified?.on ?? {}) as Json).WIN;
  won.meta.handoff = { sopId: target, fields, owner };
  return doc;
}

const DONE = { qualified: ['called', 'quoted'] };

const MAPPING = {
  customer: 'company',
  mobile: 'phone',
  amount: 'budget',
  kind: { value: 'install' },
};

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`cross-SOP handoff on ${lane.name}`, () => {
    let srv: Server;
    let ws: Workspace;
    let manager: Client;
    let rep1: Client;
    const tag = crypto.randomUUID().slice(0, 6);
    const target = `it-after-${tag}`;
    const source = `it-sales-${tag}`;

    beforeAll(async () => {
      ({ srv, ws, manager, rep1 } = await openWorld(lane, { people: ['manager', 'rep1'] }));
    }, 300_000);
    afterAll(async () => {
      await srv?.close();
    });

    /** A record of the source SOP in `qualified`, ready to WIN (the checklist ticked with it). */
    async function readyToWin(company: string, phone: string): Promise<Json> {
      const c = await rep1.post('/api/records', {
        sopId: source,
        fields: { company },
        ownerId: ws.userId('rep1'),
      });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      const q = await rep1.post(`/api/records/${c.body.record.id}/actions`, {
        action: 'QUALIFY',
        fields: { phone, budget: 88000 },
        version: c.body.record.version,
      });
      expect(q.status, JSON.stringify(q.body)).toBe(200);
      return { ...q.body.record, customerId: c.body.customer.id };
    }

    const recordsOf = (customerId: string) =>
      srv.db.query(
        `select id, sop_id, owner_id, fields, status, version from records
          where workspace_id = $1 and customer_id = $2 order by created_at, id`,
        [ws.id, customerId],
      );

    it('refuses to publish a handoff to an unpublished SOP or with mismatched field types', async () => {
      const created = await manager.post('/api/sops', { doc: salesSop(source, target, MAPPING) });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const early = await manager.post(`/api/sops/${source}/publish`, { note: 'too early' });
      expect(early.status).toBe(422);
      expect(early.body.problems.map((p: Json) => p.code)).toContain('handoff.target-unpublished');

      await publish(manager, afterSalesSop(target));
      const bad = salesSop(source, target, { ...MAPPING, amount: 'company' });
      const v = await manager.post(`/api/sops/${source}/validate`, { doc: bad });
      expect(v.status, JSON.stringify(v.body)).toBe(200);
      const mismatch = v.body.problems.find((p: Json) => p.code === 'handoff.type-mismatch');
      expect(mismatch?.path).toBe('machine.states.qualified.on.WIN[0].meta.handoff.fields.amount');
      expect(mismatch?.message.en).toContain('“Company”');
      expect(mismatch?.message['zh-CN']).toContain('「合同金额」');

      expect(await publish(manager, salesSop(source, target, MAPPING))).toBe(1);
    });

    it('starts the after-sales record for the same customer in the action, once per Idempotency-Key', async () => {
      const rec = await readyToWin('杭州云栖数据科技有限公司', '13900001111');
      const key = crypto.randomUUID();
      const body = { action: 'WIN', checklist: DONE, version: rec.version };
      const won = await rep1.post(`/api/records/${rec.id}/actions`, body, {
        'idempotency-key': key,
      });
      expect(won.status, JSON.stringify(won.body)).toBe(200);
      const handedOff = won.body.events.find((e: Json) => e.type === 'record.handed-off');
      expect(handedOff?.data).toMatchObject({ action: 'WIN', sopId: target, owner: 'rule' });

      const again = await rep1.post(`/api/records/${rec.id}/actions`, body, {
        'idempotency-key': key,
      });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(won.body);

      const rows = await recordsOf(rec.customerId);
      expect(rows.map((r) => r.sop_id)).toEqual([source, target]);
      const after = rows[1] as Json;
      expect(after.id).toBe(handedOff.data.recordId);
      expect(after.owner_id).toBe(ws.userId('rep3'));
      const fields = typeof after.fields === 'string' ? JSON.parse(after.fields) : after.fields;
      expect(fields).toEqual({
        customer: '杭州云栖数据科技有限公司',
        mobile: '13900001111',
        amount: 88000,
        kind: 'install',
      });

      const events = await srv.db.query(
        `select type, data from record_events where workspace_id = $1 and record_id = $2 order by seq`,
        [ws.id, after.id],
      );
      const createdData = events[0]?.data as Json;
      expect(events[0]?.type).toBe('record.created');
      expect(
        (typeof createdData === 'string' ? JSON.parse(createdData) : createdData).from,
      ).toEqual({ recordId: rec.id, sopId: source, action: 'WIN' });

      const page = await rep1.get(`/api/customers/${rec.customerId}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.records.map((r: Json) => r.sopId).sort()).toEqual([source, target].sort());
      const types = page.body.timeline.map((e: Json) => e.type);
      expect(types).toContain('record.handed-off');
      expect(types).toContain('record.started-by-handoff');
      // the after-sales owner sees its record start on the same customer's timeline
      const rep3 = await as(srv.url, ws.email('rep3'));
      const theirs = await rep3.get(`/api/customers/${rec.customerId}`);
      expect(theirs.status, JSON.stringify(theirs.body)).toBe(200);
      expect(
        theirs.body.timeline.some(
          (e: Json) => e.type === 'record.created' && e.recordId === after.id,
        ),
      ).toBe(true);
    });

    it('writes nothing when the target is unpublished at run time or refuses the mapped fields', async () => {
      const rec = await readyToWin('成都锦程物流有限公司', '13900002222');
      const before = await recordsOf(rec.customerId);
      const eventsBefore = await srv.db.query(
        'select count(*)::int as n from record_events where workspace_id = $1 and record_id = $2',
        [ws.id, rec.id],
      );

      // the target's published version withdrawn behind the server's back
      await srv.db.query(
        'update sops set published_version = null where workspace_id = $1 and id = $2',
        [ws.id, target],
      );
      const gone = await rep1.post(`/api/records/${rec.id}/actions`, {
        action: 'WIN',
        checklist: DONE,
        version: rec.version,
      });
      await srv.db.query(
        'update sops set published_version = 1 where workspace_id = $1 and id = $2',
        [ws.id, target],
      );
      expect(gone.status, JSON.stringify(gone.body)).toBe(422);
      expect(gone.body.code).toBe('handoff-target-unpublished');

      // the target republished with a number where the mapping sends the company name
      expect(await publish(manager, afterSalesSop(target, 'number'))).toBe(2);
      const refused = await rep1.post(`/api/records/${rec.id}/actions`, {
        action: 'WIN',
        checklist: DONE,
        version: rec.version,
      });
      expect(refused.status, JSON.stringify(refused.body)).toBe(422);
      expect(refused.body.code).toBe('invalid-fields');

      expect(await recordsOf(rec.customerId)).toEqual(before);
      const eventsAfter = await srv.db.query(
        'select count(*)::int as n from record_events where workspace_id = $1 and record_id = $2',
        [ws.id, rec.id],
      );
      expect(eventsAfter).toEqual(eventsBefore);
      await publish(manager, afterSalesSop(target));
    });

    it('keeps the acting owner, or gives the record to a named team, when the handoff says so', async () => {
      await publish(manager, salesSop(source, target, MAPPING, 'same'));
      const kept = await readyToWin('苏州金鸡湖软件有限公司', '13900003333');
      const a = await rep1.post(`/api/records/${kept.id}/actions`, {
        action: 'WIN',
        checklist: DONE,
        version: kept.version,
      });
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      const keptRows = await recordsOf(kept.customerId);
      expect(keptRows.map((r) => [r.sop_id, r.owner_id])).toEqual([
        [source, ws.userId('rep1')],
        [target, ws.userId('rep1')],
      ]);

      await publish(
        manager,
        salesSop(source, target, MAPPING, { team: 'sales', strategy: 'round-robin' }),
      );
      const teamed = await readyToWin('无锡太湖传感器有限公司', '13900004444');
      const b = await rep1.post(`/api/records/${teamed.id}/actions`, {
        action: 'WIN',
        checklist: DONE,
        version: teamed.version,
      });
      expect(b.status, JSON.stringify(b.body)).toBe(200);
      const teamRows = await srv.db.query(
        'select owner_id, team_id from records where workspace_id = $1 and customer_id = $2 and sop_id = $3',
        [ws.id, teamed.customerId, target],
      );
      expect(teamRows).toHaveLength(1);
      expect(teamRows[0]?.team_id).toBe('sales');
      expect([ws.userId('rep1'), ws.userId('rep2')]).toContain(teamRows[0]?.owner_id);
    });
  });
}
