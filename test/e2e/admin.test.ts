/**
 * The admin pages end to end, in Debian Chromium, on the demo workspace: the admin invites
 * a person and the one-time link is accepted (and refused the second time), changes a
 * role, edits a member's routing settings and sees them after a reload, deactivates a rep
 * with open records handing them to another rep and sees how many moved; creates an API
 * token, sees its secret once, revokes it; and finds the sign-in and the role change in the
 * audit log. A manager sees only the teams they manage. The same pages at phone size.
 * Screenshots: test-artifacts/admin-*.png
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { zhCN } from '../../editor/src/shared/i18n/zh-CN.ts';
import { body, noHorizontalScroll, poll } from './checks.ts';
import { type ApiClient, snap } from './harness.ts';
import { browserWorld } from './world.ts';

type User = { id: string; email: string; name: string; role: string; active: boolean };

const world = browserWorld({ seed: 'demo', strictPageErrors: true });
let adminApi: ApiClient;
let people: Record<string, User>;
const INVITEE = 'newhire@demo.test';

async function users(): Promise<User[]> {
  return (await body<{ items: User[] }>(adminApi('GET', '/api/users'))).items;
}

const open = (size: 'laptop' | 'phone', email: string, locale: 'zh-CN' | 'en' = 'zh-CN') =>
  world.open(email, { size, locale });

/** Opens an antd Select and picks the option whose label carries `optionTestId`. */
async function choose(page: Page, selectTestId: string, optionTestId: string) {
  await page.getByTestId(selectTestId).click();
  await page.getByTestId(optionTestId).last().click();
}

/** Types into an antd date/time picker's input and confirms. */
async function typeDate(page: Page, testId: string, text: string) {
  const input = page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`);
  await input.first().click();
  await input.first().fill(text);
  await input.first().press('Enter');
}

beforeAll(async () => {
  adminApi = await world.api('admin@demo.test');
  people = (await world.users()) as Record<string, User>;
});

describe('admin pages (laptop)', () => {
  let page: Page;

  beforeAll(async () => {
    page = await open('laptop', 'admin@demo.test');
  });

  it('lists the people with role, teams and status', async () => {
    await page.getByTestId('nav-admin').click();
    await page.waitForURL((u) => u.pathname === '/admin/users');
    await page.getByTestId('user-row-rep1@demo.test').waitFor();
    await expect(page.getByTestId('user-role-rep1@demo.test').textContent()).resolves.toBe(
      zhCN.app.roles.rep,
    );
    await expect(page.getByTestId('user-active-rep1@demo.test').textContent()).resolves.toBe(
      zhCN.admin.users.active,
    );
    await snap(page, 'admin-users-laptop');
  });

  it('invites a person; the one-time link signs them in, and works only once', async () => {
    await page.getByTestId('invite-open').click();
    // a bad email is refused in the form, naming the field
    await page.getByTestId('invite-email').fill('not-an-email');
    await page.getByTestId('invite-name').fill('新同事 New Hire');
    await page.getByTestId('invite-submit').click();
    await page.getByText(zhCN.admin.invite.emailInvalid).waitFor();
    await page.getByTestId('invite-email').fill(INVITEE);
    await page.getByTestId('invite-submit').click();
    await page.getByTestId('invite-result').waitFor();
    const link = (await page.getByTestId('invite-link').textContent())?.trim() ?? '';
    expect(link).toMatch(new RegExp(`^${world.server.url}/invite#`));
    await snap(page, 'admin-invite-laptop');
    await page.getByTestId('invite-done').click();

    // the invitee, signed out in their own browser, opens the link
    const guest = await world.open(null);
    await guest.goto(link);
    await guest.getByTestId('accept-invite-page').waitFor();
    await guest.getByTestId('accept-name').fill('新同事');
    await guest.getByTestId('accept-password').fill('new-hire-pass-1');
    await guest.getByTestId('accept-confirm').fill('new-hire-pass-2');
    await guest.getByTestId('accept-submit').click();
    await guest.getByText(zhCN.admin.accept.mismatch).waitFor();
    await guest.getByTestId('accept-confirm').fill('new-hire-pass-1');
    await snap(guest, 'admin-accept-invite-laptop');
    await guest.getByTestId('accept-submit').click();
    await guest.waitForURL((u) => u.pathname === '/next');
    await guest.getByTestId('user-menu').waitFor();
    const me = await guest.evaluate(async () => (await fetch('/api/me')).json());
    expect(me.user).toMatchObject({ email: INVITEE, name: '新同事', role: 'rep' });

    // the same link again, from a fresh browser: refused with a clear message
    const again = await world.open(null);
    await again.goto(link);
    await again.getByTestId('accept-password').fill('another-pass-1');
    await again.getByTestId('accept-confirm').fill('another-pass-1');
    await again.getByTestId('accept-submit').click();
    await again.getByTestId('accept-error').waitFor();
    await expect(again.getByTestId('accept-error').textContent()).resolves.toContain(
      zhCN.admin.accept.invalid,
    );
    await again.context().close();

    await page.reload();
    await page.getByTestId(`user-row-${INVITEE}`).waitFor();
    await expect(page.getByTestId(`user-active-${INVITEE}`).textContent()).resolves.toBe(
      zhCN.admin.users.active,
    );
  });

  it('changes a role', async () => {
    await page.getByTestId(`user-edit-${INVITEE}`).click();
    await choose(page, 'user-edit-role', 'user-edit-role-manager');
    await choose(page, 'user-edit-locale', 'user-edit-locale-en');
    await snap(page, 'admin-edit-user-laptop');
    await page.getByTestId('user-edit-save').click();
    await poll(() => page.getByTestId(`user-role-${INVITEE}`).textContent()).toBe(
      zhCN.app.roles.manager,
    );
    const u = (await users()).find((x) => x.email === INVITEE);
    expect(u?.role).toBe('manager');
    // nobody changes their own role: the control is disabled for the admin's own row
    await page.getByTestId('user-edit-admin@demo.test').click();
    await expect(
      page.locator('.ant-modal [data-testid="user-edit-role"]').first().getAttribute('class'),
    ).resolves.toMatch(/disabled/);
    await page.keyboard.press('Escape');
  });

  it("edits a member's routing settings and sees them after a reload", async () => {
    const rep2 = people['rep2@demo.test'] as User;
    await page.getByTestId('admin-tab-teams').click();
    await page.getByTestId('team-link-sales').click();
    await page.getByTestId('members-table').waitFor();
    await page.getByTestId(`member-edit-${rep2.id}`).click();
    await page.getByTestId('member-drawer').waitFor();
    await page.getByTestId('member-weight').fill('3');
    await page.getByTestId('member-cap').fill('25');
    await typeDate(page, 'member-leave-from', '2030-01-02 09:00');
    await typeDate(page, 'member-leave-until', '2030-01-01 09:00');
    await page.getByTestId('member-save').click();
    // the end before the start is refused, naming the field
    await page.getByText(zhCN.admin.member.leaveOrder).waitFor();
    await typeDate(page, 'member-leave-until', '2030-01-09 18:00');
    await page.getByTestId('member-has-shift').click();
    await page.getByTestId('member-day-5').click(); // Friday off: Mon–Thu
    await snap(page, 'admin-member-drawer-laptop');
    await page.getByTestId('member-save').click();
    await poll(() => page.getByTestId(`member-weight-${rep2.id}`).textContent()).toBe('3');

    await page.reload();
    await page.getByTestId('members-table').waitFor();
    await expect(page.getByTestId(`member-weight-${rep2.id}`).textContent()).resolves.toBe('3');
    await expect(page.getByTestId(`member-cap-${rep2.id}`).textContent()).resolves.toBe('25');
    await expect(page.getByTestId(`member-shift-${rep2.id}`).textContent()).resolves.toBe(
      '09:00–18:00 · 周一 周二 周三 周四',
    );
    await expect(page.getByTestId(`member-leave-${rep2.id}`).textContent()).resolves.toMatch(
      /2030/,
    );
    const team = await body<{
      members: Array<{ userId: string; weight: number; cap: number | null; shift: unknown }>;
    }>(adminApi('GET', '/api/admin/teams/sales'));
    expect(team.members.find((m) => m.userId === rep2.id)).toMatchObject({
      weight: 3,
      cap: 25,
      shift: { start: '09:00', end: '18:00', days: [1, 2, 3, 4] },
    });
    await snap(page, 'admin-team-laptop');
  });

  it('deactivates a rep with open records, handing them to another rep, and shows how many moved', async () => {
    const rep1 = people['rep1@demo.test'] as User;
    const rep2 = people['rep2@demo.test'] as User;
    const before = await world.server.db.query(
      `select count(*)::int as n from records where workspace_id = 'demo' and owner_id = $1 and status = 'open'`,
      [rep1.id],
    );
    const openCount = Number(before[0]?.n);
    expect(openCount).toBeGreaterThan(0);

    await page.getByTestId('admin-tab-users').click();
    await page.getByTestId('user-deactivate-rep1@demo.test').click();
    await poll(() => page.getByTestId('deactivate-open-count').getAttribute('data-count')).toBe(
      String(openCount),
    );
    // no destination chosen: the form says what is missing
    await page.getByTestId('deactivate-confirm').click();
    await page.getByText(zhCN.admin.deactivate.whereRequired).waitFor();
    await page.getByTestId('deactivate-to-user').click();
    await choose(page, 'deactivate-user', 'deactivate-user-rep2@demo.test');
    await snap(page, 'admin-deactivate-laptop');
    await page.getByTestId('deactivate-confirm').click();
    await page.getByTestId('deactivate-result').waitFor();
    await expect(page.getByTestId('deactivate-moved').getAttribute('data-count')).resolves.toBe(
      String(openCount),
    );
    await expect(page.getByTestId('deactivate-result').textContent()).resolves.toContain(
      String(openCount),
    );
    await snap(page, 'admin-deactivated-laptop');
    await page.getByTestId('deactivate-done').click();
    await poll(() => page.getByTestId('user-active-rep1@demo.test').textContent()).toBe(
      zhCN.admin.users.inactive,
    );
    const left = await world.server.db.query(
      `select count(*)::int as n from records where workspace_id = 'demo' and owner_id = $1 and status = 'open'`,
      [rep1.id],
    );
    expect(Number(left[0]?.n)).toBe(0);
    const moved = await world.server.db.query(
      `select count(*)::int as n from record_events where workspace_id = 'demo' and type = 'record.handed-over' and data->>'userId' = $1`,
      [rep2.id],
    );
    expect(Number(moved[0]?.n)).toBe(openCount);
  });

  // needs the token and audit API (server/src/routes/tokens-audit.ts)
  it('creates an API token, shows the secret once, and revokes it', async () => {
    await page.getByTestId('admin-tab-tokens').click();
    await page.getByTestId('tokens-table').waitFor();
    await page.getByTestId('token-create-open').click();
    await page.getByTestId('token-name').fill('官网表单 website form');
    await page.getByTestId('token-scope-intake').click();
    await page.getByTestId('token-create-submit').click();
    await page.getByTestId('token-secret-panel').waitFor();
    const secret = (await page.getByTestId('token-secret').textContent())?.trim() ?? '';
    expect(secret.length).toBeGreaterThan(20);
    await expect(page.getByTestId('token-secret-warning').isVisible()).resolves.toBe(true);
    await snap(page, 'admin-token-secret-laptop');
    await page.getByTestId('token-secret-done').click();
    // shown once: gone from the page and from the list
    await poll(() => page.getByText(secret).count()).toBe(0);
    const row = page.getByTestId('token-row-官网表单 website form');
    await row.waitFor();
    const id = (await row.getAttribute('data-id')) ?? '';
    await expect(page.getByTestId(`token-status-${id}`).getAttribute('data-state')).resolves.toBe(
      'active',
    );
    await page.getByTestId(`token-revoke-${id}`).click();
    await page.getByTestId('token-revoke-ok').click();
    await poll(() => page.getByTestId(`token-status-${id}`).getAttribute('data-state')).toBe(
      'revoked',
    );
    await snap(page, 'admin-tokens-laptop');
    // the revoked secret no longer opens the API
    const res = await fetch(`${world.server.url}/api/records`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(res.status).toBe(401);
  });

  // needs the token and audit API (server/src/routes/tokens-audit.ts)
  it('lists the sign-in and the role change in the audit log, filtered by action', async () => {
    await page.getByTestId('admin-tab-audit').click();
    await page.getByTestId('audit-table').waitFor();
    const shown = () =>
      page
        .locator('[data-testid="audit-action"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-action') ?? ''));
    // the server records `auth.signed-in`; the agreed contract said `auth.sign-in`
    const signIn = (a: string) => a === 'auth.signed-in' || a === 'auth.sign-in';
    await poll(async () => (await shown()).some(signIn)).toBe(true);
    const actions = await shown();
    expect(actions).toContain('user.role-changed');
    // a known action reads in the user's language
    const first = actions.find(signIn) ?? '';
    await expect(
      page.locator(`[data-testid="audit-action"][data-action="${first}"]`).first().textContent(),
    ).resolves.toBe(zhCN.admin.audit.actions.authSignIn);
    await snap(page, 'admin-audit-laptop');

    await page.getByTestId('audit-filter-action').locator('input').fill('user.');
    await poll(async () => {
      const shown = await page
        .locator('[data-testid="audit-action"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-action') ?? ''));
      return shown.length > 0 && shown.every((a) => a.startsWith('user.'));
    }).toBe(true);
  });
});

describe('admin pages (phone, 390×844)', () => {
  let page: Page;

  beforeAll(async () => {
    page = await open('phone', 'admin@demo.test', 'en');
  });

  it('the users, team, tokens and audit pages fit a phone', async () => {
    await page.goto(`${world.server.url}/admin/users`);
    await page.getByTestId('user-row-rep2@demo.test').waitFor();
    await noHorizontalScroll(page);
    await snap(page, 'admin-users-phone');

    await page.goto(`${world.server.url}/admin/teams/sales`);
    await page.getByTestId('members-table').waitFor();
    await noHorizontalScroll(page);
    await snap(page, 'admin-team-phone');
    // the layout scrolls inside its content pane: bring the members into view
    await page.getByTestId('members-table').scrollIntoViewIfNeeded();
    await snap(page, 'admin-team-members-phone');
    const rep2 = people['rep2@demo.test'] as User;
    await page.getByTestId(`member-edit-${rep2.id}`).click();
    await page.getByTestId('member-drawer').waitFor();
    await snap(page, 'admin-member-drawer-phone');
    await page.keyboard.press('Escape');

    await page.goto(`${world.server.url}/admin/tokens`);
    await page.getByTestId('tokens-table').waitFor();
    await noHorizontalScroll(page);
    await snap(page, 'admin-tokens-phone');

    await page.goto(`${world.server.url}/admin/audit`);
    await page.getByTestId('audit-table').waitFor();
    await noHorizontalScroll(page);
    await snap(page, 'admin-audit-phone');
  });

  it('an invitee opens the link on a phone and is signed in', async () => {
    const inv = await body<{ url: string }>(
      adminApi('POST', '/api/invites', {
        email: 'phone-hire@demo.test',
        name: 'Phone Hire',
        role: 'rep',
        locale: 'en',
      }),
      201,
    );
    const guest = await world.open(null, { size: 'phone', locale: 'en' });
    await guest.goto(`${world.server.url}${inv.url}`);
    await guest.getByTestId('accept-invite-page').waitFor();
    await noHorizontalScroll(guest);
    await guest.getByTestId('accept-password').fill('phone-hire-pass');
    await guest.getByTestId('accept-confirm').fill('phone-hire-pass');
    await snap(guest, 'admin-accept-invite-phone');
    await guest.getByTestId('accept-submit').click();
    await guest.waitForURL((u) => u.pathname === '/next');
    const me = await guest.evaluate(async () => (await fetch('/api/me')).json());
    // no name typed: the invited name stands
    expect(me.user).toMatchObject({ email: 'phone-hire@demo.test', name: 'Phone Hire' });
  });
});

describe('a manager', () => {
  it('sees only the teams they manage, and not the people, token or audit pages', async () => {
    const page = await open('laptop', 'manager@demo.test');
    await page.getByTestId('nav-admin').click();
    await page.waitForURL((u) => u.pathname === '/admin/teams');
    await page.getByTestId('team-link-sales').waitFor();
    await expect(page.getByTestId('admin-tab-users').count()).resolves.toBe(0);
    await page.getByTestId('team-link-sales').click();
    await page.getByTestId('members-table').waitFor();
    // name, sharing and managers are the admin's: read-only here
    await expect(page.getByTestId('team-name').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('team-save').count()).resolves.toBe(0);
    await snap(page, 'admin-team-manager-laptop');
    await page.goto(`${world.server.url}/admin/users`);
    await page.getByTestId('admin-forbidden').waitFor();
  });

  it('a rep has no admin area', async () => {
    const page = await open('laptop', 'rep2@demo.test');
    await expect(page.getByTestId('nav-admin').count()).resolves.toBe(0);
  });
});
