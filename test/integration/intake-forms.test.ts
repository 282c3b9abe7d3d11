/**
 * Hosted lead forms over real HTTP: built by a manager, served at /f/:key (zh-CN/en),
 * submitted without a session with UTM, referrer and landing kept; bots (honeypot, too fast,
 * too many from one address) are held for review instead of creating records.
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
import { intakeSop } from './intake-helpers.ts';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`lead forms on ${lane.name}`, () => {
    let srv: Server;
    let ws: Awaited<ReturnType<typeof makeWorkspace>>;
    let manager: Client;
    let form: Json;
    const sopId = `it-form-${crypto.randomUUID().slice(0, 6)}`;
    const post = (fields: Record<string, string>, extra: Record<string, string> = {}) =>
      fetch(`${srv.url}/f/${form.key}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          _t: String(Date.now() - 8000),
          lang: 'zh-CN',
          ...fields,
          ...extra,
        }),
      });
    const submissions = async (): Promise<Json[]> =>
      srv.db.query(
        'select status, reason, meta, record_id from form_submissions where workspace_id = $1 order by created_at',
        [ws.id],
      );
    const recordsWith = async (phone: string): Promise<Json[]> =>
      srv.db.query(
        `select id, fields from records where workspace_id = $1 and fields->>'phone' = $2`,
        [ws.id, phone],
      );

    beforeAll(async () => {
      srv = await startServer(lane);
      ws = await makeWorkspace(srv.db);
      const admin = await as(srv.url, ws.email('admin'));
      manager = await as(srv.url, ws.email('manager'));
      await publish(admin, intakeSop(sopId));
      const r = await manager.post('/api/forms', {
        sopId,
        title: t('预约演示', 'Book a demo'),
        fields: [
          { field: 'contact', label: t('您的姓名', 'Your name'), required: true },
          { field: 'phone', label: t('手机号', 'Mobile'), required: true },
          { field: 'company', label: t('公司', 'Company'), required: false },
        ],
        source: '官网表单',
        thankYou: t('感谢您的留言，我们会尽快联系您', 'Thank you, we will call you soon'),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      form = r.body;
    });
    afterAll(async () => {
      await srv?.close();
    });

    it('is built by managers only and listed and changed', async () => {
      const rep = await as(srv.url, ws.email('rep1'));
      expect((await rep.get('/api/forms')).status).toBe(403);
      const list = await manager.get('/api/forms');
      expect(list.body.items.map((f: Json) => f.id)).toEqual([form.id]);
      const bad = await manager.patch(`/api/forms/${form.id}`, {
        fields: [{ field: 'nope', label: t('x', 'x'), required: true }],
      });
      expect(bad.status).toBe(422);
    });

    it('serves the hosted page in both languages and creates a lead with UTM, referrer and landing', async () => {
      const zh = await fetch(`${srv.url}/f/${form.key}?utm_source=baidu&utm_campaign=spring`, {
        headers: { referer: 'https://www.baidu.com/s?wd=crm' },
      });
      expect(zh.status).toBe(200);
      expect(zh.headers.get('content-security-policy')).toContain('frame-ancestors *');
      const html = await zh.text();
      expect(html).toContain('预约演示');
      expect(html).toContain('name="utm_source" value="baidu"');
      expect(html).toContain('name="website"');
      const en = await (await fetch(`${srv.url}/f/${form.key}?lang=en`)).text();
      expect(en).toContain('Book a demo');
      expect(en).toContain('Your name');

      const res = await post(
        { 'f.contact': '周女士', 'f.phone': '+86 137-0013-7000', 'f.company': '云帆' },
        {
          utm_source: 'baidu',
          _ref: 'https://www.baidu.com/s?wd=crm',
          _landing: `${srv.url}/f/${form.key}?utm_source=baidu`,
        },
      );
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('感谢您的留言');
      const rec = await recordsWith('13700137000');
      expect(rec).toHaveLength(1);
      expect(rec[0].fields).toMatchObject({ contact: '周女士', company: '云帆' });
      const subs = await submissions();
      expect(subs.at(-1)).toMatchObject({ status: 'accepted', record_id: rec[0].id });
      expect(subs.at(-1).meta).toMatchObject({
        utm: { utm_source: 'baidu' },
        referrer: 'https://www.baidu.com/s?wd=crm',
      });
      const lead = await srv.db.query(
        'select source, channel from intake_leads where workspace_id = $1 and record_id = $2',
        [ws.id, rec[0].id],
      );
      expect(lead).toEqual([{ source: '官网表单', channel: 'form' }]);
    });

    it('rejects a landline or short number with the reason, and holds bots for review', async () => {
      const bad = await post({ 'f.contact': '王', 'f.phone': '1380013' });
      expect(bad.status).toBe(422);
      expect(await bad.text()).toContain('请填写 11 位中国大陆手机号');

      expect(
        (await post({ 'f.contact': 'bot', 'f.phone': '13600000001' }, { website: 'http://spam' }))
          .status,
      ).toBe(200);
      expect(
        (
          await post(
            { 'f.contact': 'fast', 'f.phone': '13600000002' },
            { _t: String(Date.now() - 500) },
          )
        ).status,
      ).toBe(200);
      expect(await recordsWith('13600000001')).toEqual([]);
      expect(await recordsWith('13600000002')).toEqual([]);
      const held = (await submissions()).filter((s) => s.status === 'held').map((s) => s.reason);
      expect(held).toEqual(['honeypot', 'too-fast']);
    });

    it('takes JSON submissions (submitForm), recognises a repeat, and limits one address', async () => {
      const send = (phone: string) =>
        fetch(`${srv.url}/api/public/forms/${form.key}/submissions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
          body: JSON.stringify({
            values: { contact: 'API', phone },
            startedAt: Date.now() - 10_000,
            meta: { utm: { utm_source: 'wechat' } },
          }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));
      const first = await send('13500000001');
      expect(first).toMatchObject({ status: 200, body: { status: 'accepted' } });
      // this address has now sent 4 submissions in 10 minutes (accepted and held alike)
      expect((await send('13500000001')).body.status).toBe('duplicate');
      expect((await send('13500000002')).body.status).toBe('held');
      expect(await recordsWith('13500000002')).toEqual([]);
      expect((await submissions()).at(-1)).toMatchObject({ status: 'held', reason: 'ip-rate' });
      expect((await fetch(`${srv.url}/f/nope-nope`)).status).toBe(404);
    });
  });
}
