/**
 * The intake page's server side: held form submissions reviewed (approved once through the
 * form's own entry path, or discarded), the workspace setting that lets reps import into
 * their own name, and the funnel by source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  type Client,
  type Json,
  LANES,
  makeWorkspace,
  publish,
  type Server,
  startServer,
} from './harness.ts';
import { intakeSop, upload } from './intake-helpers.ts';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`intake review, settings and sources on ${lane.name}`, () => {
    let srv: Server;
    let ws: Awaited<ReturnType<typeof makeWorkspace>>;
    let admin: Client;
    let manager: Client;
    let rep: Client;
    let form: Json;
    const sopId = `it-rev-${crypto.randomUUID().slice(0, 6)}`;
    /** A public submission sent too fast (no start time): held for review. */
    const hold = async (phone: string, company: string) => {
      const r = await fetch(`${srv.url}/api/public/forms/${form.key}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ values: { phone, company } }),
      });
      expect(r.status).toBe(200);
      expect(((await r.json()) as Json).status).toBe('held');
    };
    const held = async (): Promise<Json[]> => {
      const r = await manager.get('/api/form-submissions');
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.items;
    };
    const recordsWith = (phone: string): Promise<Json[]> =>
      srv.db.query(
        `select id, owner_id from records where workspace_id = $1 and fields->>'phone' = $2`,
        [ws.id, phone],
      );

    beforeAll(async () => {
      srv = await startServer(lane);
      ws = await makeWorkspace(srv.db);
      [admin, manager, rep] = await Promise.all([
        as(srv.url, ws.email('admin')),
        as(srv.url, ws.email('manager')),
        as(srv.url, ws.email('rep1')),
      ]);
      await publish(admin, intakeSop(sopId));
      const r = await manager.post('/api/forms', {
        sopId,
        title: t('预约演示', 'Book a demo'),
        fields: [
          { field: 'phone', label: t('手机号', 'Mobile'), required: true },
          { field: 'company', label: t('公司', 'Company'), required: false },
        ],
        source: '官网表单',
        thankYou: t('谢谢', 'Thanks'),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      form = r.body;
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('lists held submissions to managers and approves one exactly once', async () => {
      await hold('13700000001', '待审核甲');
      const items = await held();
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        formId: form.id,
        reason: 'too-fast',
        source: '官网表单',
        values: { phone: '13700000001', company: '待审核甲' },
      });
      expect((await rep.get('/api/form-submissions')).status).toBe(403);
      expect((await rep.post(`/api/form-submissions/${items[0].id}/approve`)).status).toBe(403);
      expect(await recordsWith('13700000001')).toHaveLength(0);

      const ok = await manager.post(`/api/form-submissions/${items[0].id}/approve`);
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body.status).toBe('accepted');
      const recs = await recordsWith('13700000001');
      expect(recs.map((r) => r.id)).toEqual([ok.body.recordId]);
      const lead = await srv.db.query(
        'select channel, source, form_id from intake_leads where workspace_id = $1 and record_id = $2',
        [ws.id, ok.body.recordId],
      );
      expect(lead).toEqual([{ channel: 'form', source: '官网表单', form_id: form.id }]);

      const again = await manager.post(`/api/form-submissions/${items[0].id}/approve`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('submission-reviewed');
      expect(await held()).toHaveLength(0);
      expect(await recordsWith('13700000001')).toHaveLength(1);
    });

    it('two reviewers approving at once create one record', async () => {
      await hold('13700000002', '并发审核');
      const [item] = await held();
      const other = await as(srv.url, ws.email('admin'));
      const answers = await Promise.all([
        manager.post(`/api/form-submissions/${item.id}/approve`),
        other.post(`/api/form-submissions/${item.id}/approve`),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      expect(await recordsWith('13700000002')).toHaveLength(1);
    });

    it('marks a held repeat of an entered lead as duplicate, and discards', async () => {
      await hold('13700000001', '重复');
      await hold('13700000003', '丢弃');
      const items = await held();
      const dup = items.find((i) => i.values.phone === '13700000001');
      const junk = items.find((i) => i.values.phone === '13700000003');
      const d = await manager.post(`/api/form-submissions/${dup.id}/approve`);
      expect(d.status, JSON.stringify(d.body)).toBe(200);
      expect(d.body.status).toBe('duplicate');
      expect(await recordsWith('13700000001')).toHaveLength(1);
      const x = await manager.post(`/api/form-submissions/${junk.id}/discard`);
      expect(x.body).toMatchObject({ status: 'rejected', recordId: null });
      expect((await manager.post(`/api/form-submissions/${junk.id}/discard`)).status).toBe(409);
      expect((await manager.post(`/api/form-submissions/${junk.id}/approve`)).status).toBe(409);
      expect(await recordsWith('13700000003')).toHaveLength(0);
      expect((await manager.post('/api/form-submissions/nope/discard')).status).toBe(404);
      expect(await held()).toHaveLength(0);
    });

    it('lets reps import into their own name only when an admin allows it', async () => {
      expect((await rep.get('/api/intake/settings')).body).toEqual({ repsMayImport: false });
      const csv = new TextEncoder().encode('公司,手机\n代表导入,13322223333\n');
      const refused = await upload(rep, csv, 'rep.csv', sopId);
      expect(refused.status).toBe(403);
      expect((await rep.get('/api/imports')).status).toBe(403);
      expect((await manager.patch('/api/intake/settings', { repsMayImport: true })).status).toBe(
        403,
      );
      const on = await admin.patch('/api/intake/settings', { repsMayImport: true });
      expect(on.body).toEqual({ repsMayImport: true });
      const up = await upload(rep, csv, 'rep.csv', sopId);
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      expect(up.body.import.ownerId).toBe(ws.userId('rep1'));
      const id = up.body.import.id;
      expect(
        (await rep.post(`/api/imports/${id}/run`, { ownerId: ws.userId('rep2') })).status,
      ).toBe(403);
      await admin.patch('/api/intake/settings', { repsMayImport: false });
      expect((await rep.post(`/api/imports/${id}/run`, {})).status).toBe(403);
      expect((await rep.get(`/api/imports/${id}`)).status).toBe(403);
    });

    it('counts leads per source: customers created vs attached, moved on, won', async () => {
      const manual = await manager.post('/api/records', {
        sopId,
        fields: { company: '手工客户', phone: '13911110001', budget: 100 },
        ownerId: ws.userId('rep1'),
        teamId: 'sales',
      });
      expect(manual.status, JSON.stringify(manual.body)).toBe(201);
      const rec = manual.body.record;
      const q = await manager.post(`/api/records/${rec.id}/actions`, {
        action: 'QUALIFY',
        version: rec.version,
      });
      expect(q.status, JSON.stringify(q.body)).toBe(200);
      const w = await manager.post(`/api/records/${rec.id}/actions`, {
        action: 'WIN',
        checklist: { qualified: ['called', 'quoted'] },
        version: q.body.record.version,
      });
      expect(w.status, JSON.stringify(w.body)).toBe(200);
      // the same phone from an ad platform joins the manual customer
      const pushed = await manager.post('/api/intake/leads', {
        sopId,
        source: '巨量引擎',
        externalId: 'clue-1',
        fields: { company: '手工客户', phone: '13911110001' },
      });
      expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
      const fresh = await manager.post('/api/intake/leads', {
        sopId,
        source: '巨量引擎',
        externalId: 'clue-2',
        fields: { company: '新客户', phone: '13911110002' },
      });
      expect(fresh.status).toBe(201);

      const rep403 = await rep.get('/api/reports/sources');
      expect(rep403.status).toBe(403);
      const r = await manager.get(`/api/reports/sources?sopId=${sopId}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const by = (channel: string, source: string) =>
        r.body.sources.find((s: Json) => s.channel === channel && s.source === source);
      expect(by('form', '官网表单')).toMatchObject({ leads: 2, customersCreated: 2, won: 0 });
      expect(by('api', '巨量引擎')).toMatchObject({
        leads: 2,
        customersCreated: 1,
        customersAttached: 1,
        reachedNext: 0,
      });
      expect(by('manual', '')).toMatchObject({
        leads: 1,
        customersCreated: 1,
        reachedNext: 1,
        won: 1,
        winRate: 1,
      });
      expect(r.body.leads).toBe(
        r.body.sources.reduce((a: number, s: Json) => a + Number(s.leads), 0),
      );
      const one = await manager.get(
        `/api/reports/sources?source=${encodeURIComponent('巨量引擎')}`,
      );
      expect(one.body.sources.map((s: Json) => s.source)).toEqual(['巨量引擎']);
      const past = await manager.get('/api/reports/sources?from=2020-01-01&to=2020-01-31');
      expect(past.body).toMatchObject({ leads: 0, sources: [] });
    });
  });
}
