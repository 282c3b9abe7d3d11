/**
 * The admin's first deactivation at 1366×800, in real Chromium: the admin deactivates a rep
 * typing a reason; the audit log shows that line by the rep's name with the reason readable
 * (not an id, not JSON); the deactivated rep then signs in with the right password and is
 * told, in one language, that the account is deactivated, while a wrong password still gets
 * the usual answer. Screenshots: test-artifacts/admin-first-*.png
 */

import { DEMO_PASSWORD } from '@closeloop/server';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { en } from '../../editor/src/shared/i18n/en.ts';
import { zhCN } from '../../editor/src/shared/i18n/zh-CN.ts';
import { poll } from './checks.ts';
import { snap } from './harness.ts';
import { browserWorld } from './world.ts';

const REASON = '合同到期，不再续约';

const world = browserWorld();

describe('admin first use at 1366×800', { timeout: 180_000 }, () => {
  let admin: Page;
  let repName = '';
  let repId = '';

  it('deactivates a rep with a typed reason; the audit log shows it by name', async () => {
    const api = await world.api('admin@demo.test');
    const users = (await api('GET', '/api/users')).body as {
      items: Array<{ id: string; email: string; name: string }>;
    };
    const rep = users.items.find((u) => u.email === 'rep2@demo.test');
    repName = rep?.name ?? '';
    repId = rep?.id ?? '';
    expect(repName).not.toBe('');

    admin = await world.open('admin@demo.test', { size: 'wide', path: '/admin/users' });
    await admin.getByTestId('user-deactivate-rep2@demo.test').click();
    await admin.getByTestId('deactivate-reason').fill(REASON);
    await snap(admin, 'admin-first-01-deactivate-reason');
    await admin.getByTestId('deactivate-confirm').click();
    await admin.getByTestId('deactivate-result').waitFor();
    await admin.getByTestId('deactivate-done').click();
    await poll(() => admin.getByTestId('user-active-rep2@demo.test').textContent()).not.toBe(
      zhCN.admin.users.active,
    );

    await admin.getByTestId('admin-tab-audit').click();
    await admin.getByTestId('audit-table').waitFor();
    const row = admin
      .locator('tr')
      .filter({ has: admin.locator('[data-action="user.deactivated"]') });
    await poll(() => row.count()).toBe(1);
    const target = (await row.getByTestId('audit-target').textContent()) ?? '';
    const detail = (await row.getByTestId('audit-detail').textContent()) ?? '';
    expect(target).toContain(repName);
    expect(detail).toContain(REASON);
    // readable: no raw JSON and no internal ids
    expect(detail).not.toMatch(/[{}"]/);
    expect(`${target}${detail}`).not.toContain(repId);
    await row.scrollIntoViewIfNeeded();
    await snap(admin, 'admin-first-02-audit-reason');
  });

  it('the deactivated rep is told so, in one language, only with the right password', async () => {
    const page = await world.open(null, { size: 'wide' });
    await page.goto(`${world.server.url}/login`);
    await page.getByTestId('login-email').fill('rep2@demo.test');
    await page.getByTestId('login-password').fill('wrong-password-1');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.textContent()).not.toContain('停用');

    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await poll(async () => (await error.textContent()) ?? '').toContain('该账号已被停用');
    const text = (await error.textContent()) ?? '';
    // one language: no English sentence beside the Chinese one
    expect(text).not.toMatch(/deactivated|administrator/i);
    expect(text).not.toContain(en.login.title);
    expect(new URL(page.url()).pathname).toBe('/login');
    // said once, on the page: no toast repeating it
    expect(await page.locator('.ant-message-notice').count()).toBe(0);
    await snap(page, 'admin-first-03-deactivated-sign-in');
    expect(world.pageErrors).toEqual([]);
  });
});
