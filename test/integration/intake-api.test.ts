/**
 * The intake API and ad-platform pushes over real HTTP with an `intake` API token: payloads
 * shaped like 巨量引擎/飞鱼 clue pushes and 腾讯广告 leads, a generic JSON mapping, and
 * idempotency on (source, external id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  Client,
  type Json,
  LANES,
  makeWorkspace,
  publish,
  type Server,
  startServer,
} from './harness.ts';
import { intakeSop } from './intake-helpers.ts';

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`intake API on ${lane.name}`, () => {
    let srv: Server;
    let ws: Awaited<ReturnType<typeof makeWorkspace>>;
    let token: Client;
    let reader: Client;
    const sopId = `it-api-${crypto.randomUUID().slice(0, 6)}`;
    const lead = async (phone: string): Promise<Json[]> =>
      srv.db.query(
        `select l.source, l.external_id, l.channel, l.raw, r.fields, r.id from intake_leads l
           join records r on r.workspace_id = l.workspace_id and r.id = l.record_id
          where l.workspace_id = $1 and r.fields->>'phone' = $2`,
        [ws.id, phone],
      );

    beforeAll(async () => {
      srv = await startServer(lane);
      ws = await makeWorkspace(srv.db);
      const admin = await as(srv.url, ws.email('admin'));
      await publish(admin, intakeSop(sopId));
      const mint = async (scopes: string[]) => {
        const r = await admin.post('/api/admin/tokens', { name: scopes.join('+'), scopes });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        const c = new Client(srv.url);
        c.bearer = r.body.secret;
        return c;
      };
      token = await mint(['intake']);
      reader = await mint(['read']);
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('posts a lead once per (source, external id)', async () => {
      const body = {
        sopId,
        source: 'crm-sync',
        externalId: 'A-1001',
        fields: { company: '云帆科技', phone: '+86 135 0013 5000', visitDate: '2026年3月5日' },
      };
      const first = await token.post('/api/intake/leads', body);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body.outcome).toBe('created');
      const again = await token.post('/api/intake/leads', {
        ...body,
        fields: { ...body.fields, company: '改名' },
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        outcome: 'duplicate',
        recordId: first.body.recordId,
        matchedOn: 'externalId',
      });
      const rows = await lead('13500135000');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ source: 'crm-sync', external_id: 'A-1001', channel: 'api' });
      expect(rows[0].fields).toMatchObject({ company: '云帆科技', visitDate: '2026-03-05' });

      const bad = await token.post('/api/intake/leads', {
        sopId,
        source: 's',
        fields: { visitDate: 'soon' },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].path).toBe('fields.visitDate');
      expect((await reader.post('/api/intake/leads', body)).status).toBe(403);
    });

    it('adapts a 巨量引擎/飞鱼 clue push', async () => {
      const clue = {
        clue_id: '7212345678901234567',
        advertiser_id: 1760000000000001,
        ad_id: 1761111111111111,
        creative_id: 1762222222222222,
        site_id: 7100000000000000,
        telephone: '13600136000',
        name: '周先生',
        province_name: '浙江',
        city_name: '杭州',
        remark_dict: { 意向车型: 'A6', 预算: '30万' },
        create_time: '2026-03-05 10:00:00',
      };
      const r = await token.post(`/api/intake/push/oceanengine?sopId=${sopId}&source=douyin`, clue);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.results).toEqual([expect.objectContaining({ outcome: 'created' })]);
      const again = await token.post(`/api/intake/push/oceanengine?sopId=${sopId}&source=douyin`, {
        data: [clue],
      });
      expect(again.body.results[0]).toMatchObject({
        outcome: 'duplicate',
        matchedOn: 'externalId',
      });
      const rows = await lead('13600136000');
      expect(rows[0]).toMatchObject({
        source: 'douyin',
        external_id: '7212345678901234567',
        channel: 'push',
      });
      expect(rows[0].fields).toMatchObject({ contact: '周先生', phone: '13600136000' });
      expect(rows[0].raw.remark_dict).toEqual({ 意向车型: 'A6', 预算: '30万' });
    });

    it('adapts 腾讯广告 leads and a generic JSON mapping', async () => {
      const leads = [
        {
          account_id: 20458,
          click_id: 'wx0abc',
          leads_id: 218001014,
          leads_action_time: 1772676000,
          leads_name: 'colin',
          leads_telephone: '13810433402',
        },
        {
          account_id: 20458,
          click_id: 'wx0abd',
          leads_id: 218001015,
          leads_action_time: 1772676001,
          leads_name: 'lucia',
          leads_telephone: '13811892894',
        },
      ];
      const r = await token.post(
        `/api/intake/push/tencent?sopId=${sopId}&source=tencent-ads`,
        leads,
      );
      expect(r.body.results.map((x: { outcome: string }) => x.outcome)).toEqual([
        'created',
        'created',
      ]);
      expect((await lead('13811892894'))[0]).toMatchObject({
        external_id: '218001015',
        source: 'tencent-ads',
      });

      const mapping = encodeURIComponent(
        JSON.stringify({
          $externalId: 'lead.id',
          phone: 'lead.contact.mobile',
          company: 'lead.org',
        }),
      );
      const g = await token.post(
        `/api/intake/push/generic?sopId=${sopId}&source=partner&mapping=${mapping}`,
        {
          lead: { id: 'p-9', org: '星辰贸易', contact: { mobile: '139-0013-9000' } },
        },
      );
      expect(g.status, JSON.stringify(g.body)).toBe(200);
      expect(g.body.results[0].outcome).toBe('created');
      expect((await lead('13900139000'))[0].fields).toMatchObject({ company: '星辰贸易' });
      const noMap = await token.post(`/api/intake/push/generic?sopId=${sopId}`, { a: 1 });
      expect(noMap.status).toBe(422);
    });
  });
}
