/**
 * First use by role (#18, part 2), in real Chromium on the demo workspace:
 * - a rep finds their closed records (won / lost / done) from the navigation on a phone,
 *   filters by outcome and searches; their customers are a tap away;
 * - an admin sees the invitation they just sent under the users table, gives it a new link
 *   and withdraws it;
 * - a new rep, manager and trainer land on an empty Next actions page that offers
 *   first steps for their role instead of a bare "都处理完了！".
 * Screenshots: test-artifacts/roles-first-*.png
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { zhCN } from '../../editor/src/shared/i18n/zh-CN.ts';
import { poll } from './checks.ts';
import { type ApiClient, snap as snapAs } from './harness.ts';
import { browserWorld } from './world.ts';

type Rec = { id: string; status: string; ownerId: string | null; fields: Record<string, unknown> };

const world = browserWorld({ seed: 'demo' });
let adminApi: ApiClient;

const open = (size: 'phone' | 'wide', email: string, path: string) =>
  world.open(email, { size, path });

/** A screenshot named roles-first-<name>. */
const snap = (page: Page, name: string) => snapAs(page, `roles-first-${name}`);

/** Invites and signs up a new person of the role; returns their e-mail. */
async function newcomer(role: 'rep' | 'manager' | 'trainer', password: string): Promise<string> {
  const email = `new-${role}-${crypto.randomUUID().slice(0, 6)}@demo.test`;
  const inv = await adminApi('POST', '/api/invites', { email, name: `新${role}`, role });
  expect(inv.status).toBe(201);
  const token = (inv.body as { token: string }).token;
  const res = await fetch(`${world.server.url}/api/invites/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: world.server.url },
    body: JSON.stringify({ token, password }),
  });
  expect(res.status).toBe(201);
  return email;
}

beforeAll(async () => {
  adminApi = await world.api('admin@demo.test');
});

describe('a rep finds their customers and closed records', { timeout: 180_000 }, () => {
  it('on a phone: 已结束 from the menu, filtered by outcome, searchable', async () => {
    const rep1 = await world.api('rep1@demo.test');
    const me = ((await rep1('GET', '/api/me')).body as { user: { id: string } }).user;
    const closed = (
      (await rep1('GET', `/api/records?status=closed&ownerId=${me.id}&limit=200`)).body as {
        items: Rec[];
      }
    ).items;
    const won = closed.filter((r) => r.status === 'won');
    expect(won.length).toBeGreaterThan(0);
    expect(closed.some((r) => r.status === 'lost')).toBe(true);
    expect(closed.every((r) => r.ownerId === me.id && r.status !== 'open')).toBe(true);

    const page = await open('phone', 'rep1@demo.test', '');
    await page.getByTestId('nav-drawer-toggle').click();
    await page.getByTestId('app-nav-drawer').getByText(zhCN.nav.closed).click();
    await page.waitForURL((u) => u.pathname === '/closed');
    await page.getByTestId('closed-card').first().waitFor();
    await snap(page, '01-rep-closed-phone');
    await poll(() => page.getByTestId('closed-card').count()).toBe(Math.min(closed.length, 30));
    const statuses = await page
      .getByTestId('closed-card')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses.every((s) => s === 'won' || s === 'lost' || s === 'done')).toBe(true);

    await page.getByTestId('closed-status-won').click();
    await poll(() => page.getByTestId('closed-card').count()).toBe(won.length);
    const wonStatuses = await page
      .getByTestId('closed-card')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(new Set(wonStatuses)).toEqual(new Set(['won']));
    expect(await page.getByTestId('closed-card-status').first().textContent()).toBe(
      zhCN.rep.status.won,
    );
    await snap(page, '02-rep-closed-won');

    // search by the first won record's name narrows the list to it
    const name = (await page.getByTestId('closed-card-name').first().textContent()) ?? '';
    expect(name).not.toBe('');
    await page.getByTestId('closed-q').fill(name);
    await poll(() => page.url()).toContain('q=');
    await poll(async () => {
      const names = await page.getByTestId('closed-card-name').allTextContents();
      return names.length > 0 && names.every((n) => n === name);
    }).toBe(true);
    await page.getByTestId('closed-q').fill('没有这个客户zzz');
    await page.getByTestId('closed-empty').waitFor();
    expect(await page.getByTestId('closed-empty').textContent()).toContain(zhCN.rep.closed.noMatch);

    // their customers are one tap away
    await page.getByTestId('closed-customers-link').click();
    await page.getByTestId('customers-page').waitFor();
    await poll(() => page.locator('.cust-list > *').count()).toBeGreaterThan(0);
    await snap(page, '03-rep-my-customers');

    // nothing overflows sideways at 390 px
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide).toBeLessThanOrEqual(390);
  });

  it('on a laptop the list reads the same', async () => {
    const page = await open('wide', 'rep1@demo.test', '/closed?status=lost');
    await page.getByTestId('closed-card').first().waitFor();
    const statuses = await page
      .getByTestId('closed-card')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(new Set(statuses)).toEqual(new Set(['lost']));
    await snap(page, '04-rep-closed-laptop');
  });
});

describe('an admin sees pending invitations', { timeout: 180_000 }, () => {
  it('invites, sees it pending, gives it a new link, withdraws it', async () => {
    const page = await open('wide', 'admin@demo.test', '/admin/users');
    const email = 'zhao.xin@demo.test';
    await page.getByTestId('invite-open').click();
    await page.getByTestId('invite-email').fill(email);
    await page.getByTestId('invite-name').fill('赵欣');
    await page.getByTestId('invite-submit').click();
    await page.getByTestId('invite-result').waitFor();
    const first = (await page.getByTestId('invite-link').textContent()) ?? '';
    await page.getByTestId('invite-done').click();

    const row = page.getByTestId(`pending-invite-${email}`);
    await row.waitFor();
    expect(await row.textContent()).toContain('赵欣');
    expect(await row.textContent()).toContain(zhCN.app.roles.rep);
    await row.scrollIntoViewIfNeeded();
    await snap(page, '05-admin-pending-invites');

    await page.getByTestId(`invite-resend-${email}`).click();
    await page.getByTestId('invite-resent').waitFor();
    const second = (await page.getByTestId('invite-resent-link').textContent()) ?? '';
    expect(second).toContain('/invite#');
    expect(second).not.toBe(first);
    await snap(page, '06-admin-invite-new-link');
    await page.getByTestId('invite-resent-done').click();

    await page.getByTestId(`invite-revoke-${email}`).click();
    await page.getByTestId('invite-revoke-ok').click();
    await row.waitFor({ state: 'detached' });
    const left = (await adminApi('GET', '/api/invites')).body as { items: { email: string }[] };
    expect(left.items.some((i) => i.email === email)).toBe(false);
  });
});

describe('a newcomer with nothing to do gets first steps', { timeout: 180_000 }, () => {
  it('a new rep on a phone: capture a lead, see customers', async () => {
    const email = await newcomer('rep', 'new-rep-pass-1');
    const page = await world.open(email, { size: 'phone', password: 'new-rep-pass-1' });
    await page.waitForURL((u) => u.pathname === '/next');
    const steps = page.getByTestId('first-steps');
    await steps.waitFor();
    expect(await steps.getAttribute('data-role')).toBe('rep');
    expect(await page.getByTestId('next-empty').textContent()).toContain('都处理完了');
    expect(await page.getByTestId('first-step-capture').textContent()).toContain(
      zhCN.rep.next.first.capture,
    );
    await snap(page, '07-new-rep-first-steps');
    await page.getByTestId('first-step-capture').click();
    await page.locator('.ant-drawer-open').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('first-step-customers').click();
    await page.waitForURL((u) => u.pathname === '/customers');
  });

  it('a new manager: the library first; a new trainer: the library and training', async () => {
    const manager = await newcomer('manager', 'new-mgr-pass-1');
    const page = await world.open(manager, {
      size: 'wide',
      password: 'new-mgr-pass-1',
      path: '/next',
    });
    await page.getByTestId('first-steps').waitFor();
    expect(await page.getByTestId('first-steps').getAttribute('data-role')).toBe('manager');
    await snap(page, '08-new-manager-first-steps');
    await page.getByTestId('first-step-library').click();
    await page.waitForURL((u) => u.pathname === '/library');

    const trainer = await newcomer('trainer', 'new-trn-pass-1');
    const tpage = await world.open(trainer, {
      size: 'phone',
      password: 'new-trn-pass-1',
      path: '/next',
    });
    await tpage.getByTestId('first-steps').waitFor();
    expect(await tpage.getByTestId('first-steps').getAttribute('data-role')).toBe('trainer');
    expect(await tpage.getByTestId('first-step-training').count()).toBe(1);
    await snap(tpage, '09-new-trainer-first-steps');
  });

  it('throws no page errors', () => {
    expect(world.pageErrors).toEqual([]);
  });
});
