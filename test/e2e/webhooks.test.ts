/**
 * Admin → Webhooks end to end in Debian Chromium: the admin adds an endpoint pointing at a
 * Standard Webhooks receiver on 127.0.0.1, sees the signing secret once, sends a test event,
 * and sees the delivered row in the delivery log; the receiver verified the signature with
 * that secret. The same page at phone size.
 * Screenshots: test-artifacts/admin-webhooks-*.png
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zhCN } from '../../editor/src/shared/i18n/zh-CN.ts';
import { type Receiver, startReceiver } from '../integration/receivers/standard-webhooks.ts';
import { noHorizontalScroll, poll } from './checks.ts';
import { snap } from './harness.ts';
import { browserWorld } from './world.ts';

const world = browserWorld({
  config: { deliveryIntervalMs: '100', outboundAllowHosts: '127.0.0.1' },
});
let rx: Receiver;
const open = (size: 'wide' | 'phone') => world.open('admin@demo.test', { size });

describe('admin webhooks in Chromium', () => {
  beforeAll(async () => {
    rx = startReceiver();
  });
  afterAll(() => {
    rx?.close();
  });

  it('adds an endpoint, shows the secret once, sends a test and logs it', async () => {
    const page = await open('wide');
    await page.goto(`${world.server.url}/admin/webhooks`);
    await page.getByTestId('webhooks-table').waitFor();
    await page.getByTestId('webhook-create-open').click();
    await page.getByTestId('webhook-url').fill(rx.url);
    await page.getByTestId('webhook-description').fill('ERP 订单系统');
    await page.getByTestId('webhook-save').click();
    await page.getByTestId('webhook-secret').waitFor();
    const secret = (await page.getByTestId('webhook-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    rx.secrets = [secret];
    await snap(page, 'admin-webhooks-secret-laptop');
    await page.getByTestId('webhook-secret-done').click();
    // shown once: gone from the page
    await page.getByTestId('webhook-secret').waitFor({ state: 'detached' });
    await poll(() => page.getByText(secret).count()).toBe(0);
    const list = await (await world.api('admin@demo.test'))('GET', '/api/admin/webhooks');
    const id = String((list.body as { items: Array<{ id: string }> }).items[0]?.id);
    await page.getByTestId(`webhook-url-${id}`).waitFor();
    await page.getByTestId(`webhook-test-${id}`).click();
    const [got] = await rx.waitFor(1);
    expect(got?.body.type).toBe('webhook.test');
    expect(got?.verifiedBy).toEqual([0]);
    await page.getByTestId('webhook-log-table').waitFor();
    const row = page.getByTestId('delivery-row-webhook.test');
    await poll(() => row.textContent()).toContain(zhCN.admin.webhooks.status.delivered);
    await expect(row.textContent()).resolves.toContain('200');
    await snap(page, 'admin-webhooks-log-laptop');
    expect(world.pageErrors).toEqual([]);
  }, 180_000);

  it('fits a phone', async () => {
    const page = await open('phone');
    await page.goto(`${world.server.url}/admin/webhooks`);
    await page.getByTestId('webhooks-table').waitFor();
    await snap(page, 'admin-webhooks-phone');
    await noHorizontalScroll(page);
    expect(world.pageErrors).toEqual([]);
  }, 120_000);
});
