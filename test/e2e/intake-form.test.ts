/**
 * A hosted lead form in real Chromium at phone size (390×844): a visitor from a campaign
 * link fills the /f/:key page and sees the thank-you text; the lead exists with its source
 * and UTM. Screenshots: test-artifacts/intake-form-*.png
 */

import { describe, expect, it } from 'vitest';
import inboundWebLead from '../../sop-library/templates/inbound-web-lead.json' with {
  type: 'json',
};
import { publishSop, shot } from './harness.ts';
import { browserWorld } from './world.ts';

const world = browserWorld();
const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

describe('hosted lead form on a phone', () => {
  it('is filled on a phone and creates the lead with its campaign', async () => {
    const manager = await world.api('manager@demo.test');
    await publishSop(manager, inboundWebLead);
    const created = await manager('POST', '/api/forms', {
      sopId: inboundWebLead.id,
      title: t('预约产品演示', 'Book a product demo'),
      fields: [
        { field: 'contactName', label: t('您的姓名', 'Your name'), required: true },
        { field: 'phone', label: t('手机号', 'Mobile'), required: true },
        { field: 'company', label: t('公司名称', 'Company'), required: false },
        {
          field: 'formMessage',
          label: t('想了解什么', 'What would you like to know'),
          required: false,
        },
      ],
      source: '官网表单',
      thankYou: t(
        '提交成功！顾问将在 1 个工作日内联系您。',
        'Sent! An adviser will call you within one working day.',
      ),
    });
    expect(created.status).toBe(201);
    const form = created.body as { key: string };

    const page = await world.open(null, { size: 'phone' });
    await page.goto(`${world.server.url}/f/${form.key}?utm_source=douyin&utm_campaign=spring`);
    await page.getByTestId('form-field-contactName').fill('周女士');
    await page.getByTestId('form-field-phone').fill('137 0013 7000');
    await page.getByTestId('form-field-company').fill('杭州云帆科技');
    await page.getByTestId('form-field-formMessage').fill('想了解报价和部署方式');
    await shot(page, 'intake-form-filled');
    world.server.clock.advance(6000); // a person takes a few seconds; the page is stamped with the server's clock
    await page.getByTestId('form-submit').click();
    await page.getByTestId('form-thanks').waitFor();
    expect(await page.getByTestId('form-thanks').textContent()).toContain('提交成功');
    await shot(page, 'intake-form-thanks');

    const rows = await world.server.db.query(
      `select l.source, l.channel, s.meta, r.fields from intake_leads l
         join records r on r.workspace_id = l.workspace_id and r.id = l.record_id
         join form_submissions s on s.workspace_id = l.workspace_id and s.record_id = l.record_id
        where l.workspace_id = 'demo'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      source: '官网表单',
      channel: 'form',
      fields: { contactName: '周女士', phone: '13700137000' },
    });
    expect(rows[0]?.meta).toMatchObject({ utm: { utm_source: 'douyin', utm_campaign: 'spring' } });
  });
});
