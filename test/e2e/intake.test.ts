/**
 * The /intake page in real Chromium: a manager uploads a GBK CSV made here, keeps the
 * suggested mapping, dry-runs, runs with the live progress bar to 100 %, downloads the error
 * report (its 错误原因 column names the bad row), and approves a held form submission.
 * Screenshots at 1366×800 and 390×844: test-artifacts/intake-*.png
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { encodeGbk, toCsv } from '../../server/src/services/intake/fixtures.ts';
import inboundWebLead from '../../sop-library/templates/inbound-web-lead.json' with {
  type: 'json',
};
import { shot } from './harness.ts';
import { browserWorld } from './world.ts';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

const HEADER = ['公司名称', '联系人', '手机', '邮箱'];
const ROWS = [
  ['杭州云帆科技', '周女士', '137 0013 7001', 'zhou@yunfan.test'],
  ['苏州明达机械', '王先生', '+86 138-0013-8002', ''],
  ['宁波海川贸易', '李经理', '1390013', ''],
  ['无锡天成电子', '陈总', '13600136004', 'chen@tiancheng.test'],
  ['杭州云帆科技', '周女士', '13700137001', ''],
];

/**
 * Browsers run in Honolulu (UTC−10) while the workspace keeps Shanghai time (UTC+8): for 18
 * hours of each day their dates differ, as they did when the sources tab sent the browser's
 * "today" and listed nothing for an evening run in UTC.
 */
const world = browserWorld({ publish: [inboundWebLead] });
const open = (size: 'wide' | 'phone') =>
  world.open('manager@demo.test', { size, timezoneId: 'Pacific/Honolulu' });

describe('the /intake page', () => {
  it('imports a GBK CSV: suggested mapping, dry run, live progress to 100 %, error report', async () => {
    const page = await open('wide');
    await page.goto(`${world.server.url}/intake`);
    await page.getByTestId('intake-page').waitFor();
    await page.getByTestId('import-new').click();
    await page.getByTestId('import-source').fill('春季展会');
    await page
      .getByTestId('import-wizard')
      .locator('input[type=file]')
      .setInputFiles({
        name: '展会线索.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(encodeGbk(toCsv([HEADER, ...ROWS]))),
      });
    await page.getByTestId('import-mapping').waitFor();
    expect(await page.getByTestId('import-encoding').textContent()).toMatch(/GB/);
    // the suggestion maps 手机 (column 2) to the phone field and shows it in the preview
    await page.getByTestId('import-map-2').getByText('手机号').waitFor();
    await page.getByTestId('import-preview').getByText('13800138002').waitFor();
    await shot(page, 'intake-mapping-laptop');

    await page.getByTestId('import-dry-run').click();
    await page.getByTestId('import-dry').waitFor();
    expect(await page.getByTestId('dry-total').textContent()).toContain('5');
    expect(await page.getByTestId('dry-error').textContent()).toContain('1');
    // the rows not created: the short mobile (row 4) and the repeat of row 2 (row 6)
    const dryRows = await page.getByTestId('dry-rows').textContent();
    expect(dryRows).toContain('错误');
    expect(dryRows).toContain('文件内重复');
    await shot(page, 'intake-dry-run-laptop');
    // changing the duplicate policy runs the dry run again: the repeat of row 2 is then created
    expect(await page.getByTestId('dry-create').textContent()).toContain('3');
    await page.getByTestId('dry-policy').getByText('重复的也新建').click();
    await page
      .locator('[data-testid="import-dry"][data-policy="create"][data-busy="false"]')
      .waitFor();
    expect(await page.getByTestId('dry-create').textContent()).toContain('4');
    expect(await page.getByTestId('dry-rows').textContent()).not.toContain('文件内重复');
    await page.getByTestId('dry-policy').getByText('重复的跳过').click();
    await page
      .locator('[data-testid="import-dry"][data-policy="skip"][data-busy="false"]')
      .waitFor();
    expect(await page.getByTestId('dry-create').textContent()).toContain('3');

    await page.getByTestId('import-run').click();
    await page.getByTestId('import-done').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('import-processed').textContent()).toContain('5 / 5');
    expect(await page.getByTestId('import-progress').getAttribute('data-percent')).toBe('100');
    expect(await page.getByTestId('import-failed').textContent()).toContain('1');
    await shot(page, 'intake-run-done-laptop');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('import-error-report').click(),
    ]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8').replace(/^\ufeff/, '');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]?.split(',')).toEqual([...HEADER, '错误原因']);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('1390013');
    expect(lines[1]?.split(',').at(-1)?.length).toBeGreaterThan(2);

    await page.getByTestId('import-close').click();
    await page.getByTestId('import-history').getByText('展会线索.csv').waitFor();
    await shot(page, 'intake-history-laptop');
    const records = await world.server.db.query(
      `select count(*)::int as n from intake_leads where workspace_id = 'demo' and channel = 'import'`,
    );
    expect(records[0]?.n).toBe(3);
  }, 180_000);

  it('approves a held form submission and shows the funnel by source', async () => {
    const manager = await world.api('manager@demo.test');
    const created = await manager('POST', '/api/forms', {
      sopId: inboundWebLead.id,
      title: t('预约产品演示', 'Book a product demo'),
      fields: [
        { field: 'contactName', label: t('您的姓名', 'Your name'), required: true },
        { field: 'phone', label: t('手机号', 'Mobile'), required: true },
      ],
      source: '官网表单',
      thankYou: t('提交成功', 'Sent'),
    });
    expect(created.status).toBe(201);
    const key = (created.body as { key: string }).key;
    // sent at once after the page was shown: held as too fast
    const sent = await fetch(`${world.server.url}/api/public/forms/${key}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        values: { contactName: '赵先生', phone: '13500135005' },
        startedAt: world.server.clock.now(),
      }),
    });
    expect(((await sent.json()) as { status: string }).status).toBe('held');

    const page = await open('wide');
    await page.goto(`${world.server.url}/intake?tab=review`);
    const card = page.locator('[data-testid^="held-"]').first();
    await card.waitFor();
    expect(await card.textContent()).toContain('13500135005');
    await shot(page, 'intake-review-laptop');
    await card.locator('[data-testid^="held-approve-"]').click();
    await page.getByTestId('review-empty').waitFor();
    const rows = await world.server.db.query(
      `select l.source from intake_leads l join records r on r.workspace_id = l.workspace_id and r.id = l.record_id
        where l.workspace_id = 'demo' and r.fields->>'phone' = '13500135005'`,
    );
    expect(rows).toEqual([{ source: '官网表单' }]);

    await page.getByTestId('intake-tab-sources').click();
    await page.getByTestId('source-row-import-春季展会').waitFor();
    await page.getByTestId('source-row-form-官网表单').waitFor();
    await shot(page, 'intake-sources-laptop');

    const phone = await open('phone');
    await phone.goto(`${world.server.url}/intake`);
    await phone.getByTestId('import-history').getByText('展会线索.csv').waitFor();
    await shot(phone, 'intake-imports-phone');
    await phone.getByTestId('import-new').click();
    await phone.getByTestId('import-wizard').waitFor();
    await shot(phone, 'intake-wizard-phone');
    await phone.goto(`${world.server.url}/intake?tab=sources`);
    await phone.getByTestId('source-row-import-春季展会').waitFor();
    await shot(phone, 'intake-sources-phone');
    await phone.goto(`${world.server.url}/intake?tab=forms`);
    await phone.getByTestId('intake-forms').getByText('预约产品演示').waitFor();
    await shot(phone, 'intake-forms-phone');
  }, 180_000);
});
