/**
 * Customers end to end in real Chromium: a rep captures a lead whose phone another rep owns
 * and sees the 撞单 refusal naming the owner, then asks the owner in one tap (phone); a manager
 * merges two customers from the duplicates queue with the field picker (laptop); a rep claims
 * a customer from the 公海 pool on a phone and sees its phone unmasked.
 * Screenshots: test-artifacts/customers-*.png
 */

import { DEFAULT_POOL_RULES } from '@closeloop/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import inboundWebLead from '../../sop-library/templates/inbound-web-lead.json' with {
  type: 'json',
};
import { body, poll } from './checks.ts';
import { type ApiClient, snap } from './harness.ts';
import { browserWorld } from './world.ts';

const SOP = 'inbound-web-lead';
const world = browserWorld({ publish: [inboundWebLead] });
const open = (email: string, size: 'phone' | 'laptop') => world.open(email, { size });
let manager: ApiClient;
let admin: ApiClient;
let rep1: ApiClient;
let rep2: ApiClient;
let ids: Record<string, string>;

type Created = { record: { id: string }; customer: { id: string } };

const RULES = DEFAULT_POOL_RULES;

beforeAll(async () => {
  [manager, admin, rep1, rep2] = await world.apis(
    'manager@demo.test',
    'admin@demo.test',
    'rep1@demo.test',
    'rep2@demo.test',
  );
  ids = await world.userIds();
});

describe('customers in Chromium', { timeout: 180_000 }, () => {
  it('refuses a rep a customer another rep owns (撞单), naming the owner, and sends the request', async () => {
    await body(
      rep2('POST', '/api/records', {
        sopId: SOP,
        fields: { contactName: '钱总', phone: '13711112222', company: '温州瓯江阀门有限公司' },
        ownerId: ids['rep2@demo.test'],
      }),
      201,
    );
    const page = await open('rep1@demo.test', 'phone');
    await page.getByTestId('capture-open').click();
    await page.getByTestId('capture-drawer').waitFor();
    await page.getByTestId('capture-name').fill('钱先生');
    await page.getByTestId('capture-phone').fill('137-1111-2222');
    await page.getByTestId('duplicate-hidden').waitFor();
    await page.getByTestId('capture-submit').click();
    const taken = page.getByTestId('customer-taken');
    await taken.waitFor();
    const owner = await body<{ items: Array<{ id: string; name: string }> }>(
      manager('GET', '/api/users'),
    );
    const rep2Name = owner.items.find((u) => u.id === ids['rep2@demo.test'])?.name ?? '';
    expect(await taken.textContent()).toContain(rep2Name);
    expect(await taken.textContent()).not.toContain('瓯江');
    await snap(page, 'customers-01-capture-refused');
    await page.getByTestId('ask-owner').click();
    await poll(async () => {
      const notes = await body<{ items: Array<{ kind: string }> }>(
        rep2('GET', '/api/notifications'),
      );
      return notes.items.some((n) => n.kind === 'customer.access-requested');
    }).toBe(true);
    // nothing was created for rep1
    const mine = await body<{ items: unknown[] }>(rep1('GET', '/api/records'));
    expect(mine.items).toHaveLength(0);
  });

  it('lets a manager merge two customers from the duplicates queue', async () => {
    await body(
      admin('PUT', '/api/pools/default', { rules: RULES, policies: { manual: 'create' } }),
    );
    const a = await body<Created>(
      rep1('POST', '/api/records', {
        sopId: SOP,
        fields: { contactName: '郑经理', phone: '13822223333', company: '东莞市长安模具有限公司' },
        ownerId: ids['rep1@demo.test'],
      }),
      201,
    );
    const b = await body<Created>(
      rep2('POST', '/api/records', {
        sopId: SOP,
        fields: {
          contactName: '郑海涛',
          phone: '138 2222 3333',
          company: '長安模具（東莞）有限公司',
        },
        ownerId: ids['rep2@demo.test'],
      }),
      201,
    );
    await body(admin('PUT', '/api/pools/default', { rules: RULES, policies: {} }));
    const page = await open('manager@demo.test', 'laptop');
    await page.goto(`${world.server.url}/customers/duplicates`);
    await page.getByTestId('duplicates-page').waitFor();
    await page.getByTestId('merge-open').first().click();
    await page.getByTestId('merge-modal').waitFor();
    expect(await page.getByTestId('merge-moves').textContent()).toContain('1');
    // keep the first customer's name whichever survives
    await page.getByTestId('merge-pick-name').getByText('东莞市长安模具有限公司').click();
    await snap(page, 'customers-02-merge-picker');
    await page.getByTestId('merge-confirm').click();
    await page.getByTestId('undo-merge').waitFor();
    await snap(page, 'customers-03-merged');
    const tomb = await manager('GET', `/api/customers/${a.customer.id}`);
    const other = await manager('GET', `/api/customers/${b.customer.id}`);
    const survivor = [tomb, other].find((r) => r.status === 200);
    const page2 = survivor?.body as { customer: { name: string }; records: unknown[] };
    expect([tomb.status, other.status].sort()).toEqual([200, 409]);
    expect(page2.customer.name).toBe('东莞市长安模具有限公司');
    expect(page2.records).toHaveLength(2);
  });

  it('lets a rep claim a customer from the pool on a phone', async () => {
    const c = await body<Created>(
      manager('POST', '/api/records', {
        sopId: SOP,
        fields: { contactName: '林小红', phone: '0577-8865 2213', company: '温州瓯海鞋业有限公司' },
        ownerId: ids['rep2@demo.test'],
      }),
      201,
    );
    await body(manager('POST', `/api/customers/${c.customer.id}/release`, {}));
    const page = await open('rep1@demo.test', 'phone');
    await page.goto(`${world.server.url}/pool`);
    const card = page.getByTestId(`customer-card-${c.customer.id}`);
    await card.waitFor();
    expect(await card.getByTestId('customer-phone').textContent()).toContain('577****2213');
    await snap(page, 'customers-04-pool');
    await page.getByTestId(`claim-${c.customer.id}`).click();
    await page.waitForURL(`**/customers/${c.customer.id}`);
    await page.getByTestId('customer-page').waitFor();
    await poll(() => page.getByText('0577-8865 2213').count()).toBeGreaterThan(0);
    await snap(page, 'customers-05-claimed');
    const now = await body<{ customer: { ownerId: string; poolState: string } }>(
      rep1('GET', `/api/customers/${c.customer.id}`),
    );
    expect(now.customer).toMatchObject({ ownerId: ids['rep1@demo.test'], poolState: 'owned' });
    await page.goto(`${world.server.url}/customers`);
    await page.getByTestId('customers-page').waitFor();
    await snap(page, 'customers-06-list');
  });
});
