/**
 * A manager edits a customer on /customers/:id in real Chromium on a phone: a bad number is
 * refused beside its field, then a contact whose phone another rep's customer has brings the
 * 撞单 refusal naming that rep (and nothing else about their customer); a new contact with
 * its own number saves. Screenshots: test-artifacts/customer-edit-*.png (390×844, 1366×800).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import inboundWebLead from '../../sop-library/templates/inbound-web-lead.json' with {
  type: 'json',
};
import { body } from './checks.ts';
import { type ApiClient, snap } from './harness.ts';
import { browserWorld } from './world.ts';

const SOP = 'inbound-web-lead';
const world = browserWorld({ publish: [inboundWebLead] });
const open = (email: string, size: 'phone' | 'laptop') => world.open(email, { size });
let manager: ApiClient;
let rep1: ApiClient;
let rep2: ApiClient;
let ids: Record<string, string>;
const names: Record<string, string> = {};

beforeAll(async () => {
  [manager, rep1, rep2] = await world.apis('manager@demo.test', 'rep1@demo.test', 'rep2@demo.test');
  ids = await world.userIds();
  for (const u of Object.values(await world.users())) names[u.email] = u.name;
});

describe('editing a customer in Chromium', { timeout: 180_000 }, () => {
  it('shows a manager the 撞单 refusal for a contact whose phone another rep owns', async () => {
    await body(
      rep2('POST', '/api/records', {
        sopId: SOP,
        fields: { contactName: '许文博', phone: '15060032218', company: '厦门鹭岛进出口有限公司' },
        ownerId: ids['rep2@demo.test'],
      }),
      201,
    );
    const mine = await body<{ customer: { id: string } }>(
      rep1('POST', '/api/records', {
        sopId: SOP,
        fields: { contactName: '林小红', phone: '13706772213', company: '温州瓯海鞋业有限公司' },
        ownerId: ids['rep1@demo.test'],
      }),
      201,
    );
    const page = await open('manager@demo.test', 'phone');
    await page.goto(`${world.server.url}/customers/${mine.customer.id}`);
    await page.getByTestId('customer-edit').click();
    await page.getByTestId('contact-add').click();
    const phones = page.getByTestId('contact-phone');
    await phones.nth(1).fill('12-ab');
    await page.getByTestId('customer-save').click();
    // the server's field error, shown under the phone it is about
    const fieldError = page.locator('.ant-form-item-explain-error', { hasText: '格式不正确' });
    await fieldError.waitFor();
    await fieldError.scrollIntoViewIfNeeded();
    await snap(page, 'customer-edit-01-bad-phone-phone');

    await phones.nth(1).fill('150 6003 2218');
    await page.getByTestId('customer-save').click();
    const taken = page.getByTestId('customer-taken');
    await taken.waitFor();
    const text = (await taken.textContent()) ?? '';
    expect(text).toContain(names['rep2@demo.test']);
    expect(text).not.toContain('鹭岛');
    await snap(page, 'customer-edit-02-taken-phone');

    await phones.nth(1).fill('0577-8865 2213');
    await page.getByTestId('customer-save').click();
    await expect
      .poll(async () => page.getByTestId('customer-contact').count(), { timeout: 20_000 })
      .toBe(2);
    await snap(page, 'customer-edit-03-saved-phone');
  });

  it('lays the edit sheet out beside the page on a laptop', async () => {
    const list = await body<{ items: Array<{ id: string }> }>(manager('GET', '/api/customers'));
    const first = list.items[0];
    expect(first).toBeDefined();
    const page = await open('manager@demo.test', 'laptop');
    await page.goto(`${world.server.url}/customers/${first?.id}`);
    await page.getByTestId('customer-edit').click();
    await page.getByTestId('customer-edit-name').waitFor();
    expect(await page.getByTestId('customer-edit-name').inputValue()).not.toBe('');
    await snap(page, 'customer-edit-04-sheet-laptop');
  });
});
