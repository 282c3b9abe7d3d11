/**
 * Chat robots end to end in Debian Chromium: the admin adds a 钉钉 channel (URL and secret of
 * a DingTalk robot on 127.0.0.1) and a notification rule (SLA breach → that channel) through
 * the admin pages; a record breaches its SLA on the test clock; the robot gets a signed
 * actionCard that @-mentions the owner; the card's button, opened in the signed-in browser,
 * shows the record page. The rules tab at laptop and phone size.
 * Screenshots: test-artifacts/admin-rules-*.png
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSop } from '../integration/harness.ts';
import { type DingtalkReceiver, startDingtalk } from '../integration/receivers/dingtalk.ts';
import { noHorizontalScroll, poll } from './checks.ts';
import { type ApiClient, snap } from './harness.ts';
import { browserWorld } from './world.ts';

const world = browserWorld({
  config: { deliveryIntervalMs: '100', outboundAllowHosts: '127.0.0.1' },
});
let dt: DingtalkReceiver;
const open = (size: 'wide' | 'phone', email = 'admin@demo.test') => world.open(email, { size });

describe('chat robots in Chromium', () => {
  let admin: ApiClient;
  let rep: ApiClient;
  const sopId = 'bot-e2e';
  let rep1 = '';

  beforeAll(async () => {
    dt = startDingtalk({ token: 'e2e', secret: 'SEC-e2e', keyword: '提醒' });
    [admin, rep] = await world.apis('admin@demo.test', 'rep1@demo.test');
    const doc = testSop(sopId);
    expect((await admin('POST', '/api/sops', { doc })).status).toBe(201);
    expect((await admin('POST', `/api/sops/${sopId}/publish`, { note: 'e2e' })).status).toBe(200);
    rep1 = (await world.userIds())['rep1@demo.test'] ?? '';
    const m = await admin('PATCH', `/api/users/${rep1}`, { mobile: '138 0013 8000' });
    expect((m.body as { mobile: string }).mobile).toBe('+8613800138000');
  });
  afterAll(() => {
    dt?.close();
  });

  it('a channel and a rule made in the UI bring an SLA breach to 钉钉; the button opens the record', async () => {
    const page = await open('wide');
    await page.goto(`${world.server.url}/admin/channels`);
    await page.getByTestId('channel-form').waitFor();
    await page.getByTestId('channel-name').fill('销售群');
    await page.getByTestId('channel-url').fill(dt.url);
    await page.getByTestId('channel-secret').fill('SEC-e2e');
    await page.getByTestId('channel-keyword').fill('提醒');
    await page.getByTestId('channel-form').locator('button[type=submit]').click();
    await poll(() => page.getByTestId('channel-table').textContent()).toContain('销售群');

    await page.getByTestId('admin-tab-rules').click();
    await page.getByTestId('rule-table').waitFor();
    await page.getByTestId('rule-add').click();
    // a new rule starts as "SLA breached → the first channel, @owner"
    await poll(() => page.getByTestId('rule-table').textContent()).toContain('销售群');
    await expect(page.getByTestId('rule-table').textContent()).resolves.toContain('超时');
    await page.getByTestId('rule-save').click();
    await poll(async () => {
      const r = await admin('GET', '/api/admin/notification-rules');
      return (r.body as { items: Array<{ event: string; target: string }> }).items;
    }).toEqual([expect.objectContaining({ event: 'sla.breached', target: 'channel' })]);
    await snap(page, 'admin-rules-laptop');

    const created = await rep('POST', '/api/records', {
      sopId,
      fields: { company: '超时机电' },
      ownerId: rep1,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const recordId = (created.body as { record: { id: string } }).record.id;
    const tick = await rep('POST', '/api/test-clock', { advanceMs: 61 * 60_000 });
    expect(tick.status).toBe(200);
    await poll(() => dt.accepted.length, 120_000).toBeGreaterThan(0);
    const card = dt.accepted[0]?.body.actionCard as {
      title: string;
      text: string;
      btns: Array<{ actionURL: string }>;
    };
    expect(card.title).toContain('超时机电');
    expect(card.text).toContain('@13800138000');
    const link = new URL(String(card.btns[0]?.actionURL));

    const repPage = await open('wide', 'rep1@demo.test');
    await repPage.goto(`${world.server.url}${link.pathname}`);
    await repPage.getByTestId('record-page').waitFor();
    expect(new URL(repPage.url()).pathname).toBe(`/records/${recordId}`);
    await poll(() => repPage.getByTestId('record-page').textContent()).toContain('超时机电');
    expect(world.pageErrors).toEqual([]);
  }, 300_000);

  it('the rules tab fits a phone', async () => {
    const page = await open('phone');
    await page.goto(`${world.server.url}/admin/rules`);
    await page.getByTestId('rule-table').waitFor();
    await poll(() => page.getByTestId('rule-table').textContent()).toContain('销售群');
    await snap(page, 'admin-rules-phone');
    await noHorizontalScroll(page);
    expect(world.pageErrors).toEqual([]);
  }, 120_000);
});
