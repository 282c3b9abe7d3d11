/**
 * The rep workspace end to end, in real Chromium at phone size (390×844): rep1 captures a
 * lead (with a 撞单 warning about a record rep1 cannot see), gets a live reminder when the
 * test clock passes the SLA rung, works the lead from the first stage to won through gates,
 * survives a lost response (same Idempotency-Key) and a conflict; the manager hands rep1's
 * open records to rep2, who sees them with their history. Screenshots: test-artifacts/rep-*.png
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import inboundWebLead from '../../sop-library/templates/inbound-web-lead.json' with {
  type: 'json',
};
import { body, poll } from './checks.ts';
import { type ApiClient, shot, snap } from './harness.ts';
import { browserWorld } from './world.ts';

const SOP = 'inbound-web-lead';
const MIN = 60_000;

const world = browserWorld({ publish: [inboundWebLead] });
const phone = (email: string) => world.open(email, { size: 'phone' });
let manager: ApiClient;
let rep1Api: ApiClient;
const ids: Record<string, string> = {};

type Created = { record: { id: string; version: number } };

/** Picks an option of an antd Select whose options carry data-testids. */
async function choose(page: Page, selectTestId: string, optionTestId: string) {
  await page.getByTestId(selectTestId).click();
  await page.getByTestId(optionTestId).last().click();
}

/** expect.poll with room for a busy machine. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

beforeAll(async () => {
  manager = await world.api('manager@demo.test');
  rep1Api = await world.api('rep1@demo.test');
  Object.assign(ids, await world.userIds());

  // a rep in another team: rep1 cannot see their records (the 撞单 case)
  await world.server.db.query(
    `insert into teams (workspace_id, id, name) values ('demo', 'north', '华北区 North')`,
  );
  await world.server.db.query(
    `insert into users (workspace_id, id, email, name, role, locale, password_hash)
     values ('demo', 'rep3', 'rep3@demo.test', '王外区 (Rep 3)', 'rep', 'zh-CN', 'not-a-hash')`,
  );
  await world.server.db.query(
    `insert into memberships (workspace_id, team_id, user_id, role) values ('demo', 'north', 'rep3', 'member')`,
  );
  const admin = await world.api('admin@demo.test');
  await body(
    admin('POST', '/api/records', {
      sopId: SOP,
      fields: { contactName: '赵总', phone: '13700001111', company: '北方重工有限公司' },
      ownerId: 'rep3',
      teamId: 'north',
    }),
    201,
  );
  // rep1 already has a lead with some history, rep2 has one of their own
  const older = await body<Created>(
    rep1Api('POST', '/api/records', {
      sopId: SOP,
      fields: { contactName: '孙经理', phone: '13600002222', company: '苏州精工机械有限公司' },
      ownerId: ids['rep1@demo.test'],
    }),
    201,
  );
  ids.older = older.record.id;
  await body(
    rep1Api('PATCH', `/api/records/${older.record.id}/fields`, {
      fields: { formMessage: '想了解专业版价格，50 人左右' },
      version: older.record.version,
    }),
  );
  const rep2Api = await world.api('rep2@demo.test');
  await body(
    rep2Api('POST', '/api/records', {
      sopId: SOP,
      fields: { contactName: '周女士', phone: '13500003333', company: '宁波海运' },
      ownerId: ids['rep2@demo.test'],
    }),
    201,
  );
});

// a slow shared machine: each step may wait on a busy server
describe('rep workspace on a phone (390×844)', { timeout: 180_000 }, () => {
  let page: Page;
  let leadId = '';

  afterEach(async (ctx) => {
    // what the phone showed when a step failed
    if (ctx.task.result?.state === 'fail' && page) {
      const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      await shot(page, `rep-failed-${name}`).catch(() => {});
    }
  });

  it('rep1 signs in and sees next actions by urgency', async () => {
    page = await phone('rep1@demo.test');
    await page.waitForURL('**/next');
    await poll(() => page.getByTestId('next-card').count()).toBe(1);
    await poll(() => page.getByTestId('next-card-name').first().textContent()).toBe('孙经理');
    expect(await page.getByTestId('next-card-time').first().textContent()).toMatch(/剩余/);
    expect(await page.getByTestId('next-card-todo').first().textContent()).toContain(
      '客户刚留完资料',
    );
    await snap(page, 'rep-01-next-actions');
  });

  it('quick capture warns about a duplicate rep1 cannot see (撞单) and creates the lead', async () => {
    await page.getByTestId('capture-open').click();
    await page.getByTestId('capture-drawer').waitFor();
    await page.getByTestId('capture-name').fill('刘女士');
    // the phone of a record in another team: only its owner is named
    await page.getByTestId('capture-phone').fill('137 0000 1111');
    const hidden = page.getByTestId('duplicate-hidden');
    await hidden.waitFor();
    expect(await hidden.textContent()).toContain('王外区');
    expect(await page.getByTestId('duplicate-link').count()).toBe(0);
    expect(await page.getByTestId('capture-submit').textContent()).toContain('仍然录入');
    await snap(page, 'rep-02-capture-duplicate');

    // a malformed number is refused before anything is sent
    await page.getByTestId('capture-phone').fill('12345');
    await page.getByTestId('capture-submit').click();
    await page.getByText('不是有效的中国大陆电话号码').waitFor();

    await page.getByTestId('capture-phone').fill('+86 139-8888-0001');
    await poll(() => page.getByTestId('duplicate-warning').count()).toBe(0);
    await page.getByTestId('capture-company').fill('杭州云帆科技有限公司');
    await page.getByTestId('capture-source').fill('展会');
    await page.getByTestId('capture-note').fill('官网留资，想看演示');
    await snap(page, 'rep-03-capture-form');
    await page.getByTestId('capture-submit').click();
    await page.waitForURL('**/records/**');
    await page.getByTestId('record-page').waitFor();
    leadId = (await page.getByTestId('record-page').getAttribute('data-record-id')) ?? '';
    expect(leadId).not.toBe('');
    expect(await page.getByTestId('record-title').textContent()).toBe('刘女士');
    expect(await page.getByTestId('step-newLead').getAttribute('data-status')).toBe('process');
    const rec = await body<{ record: { fields: Record<string, unknown>; ownerId: string } }>(
      rep1Api('GET', `/api/records/${leadId}`),
    );
    // phone stored normalised; the free-text source joined the note
    expect(rec.record.fields.phone).toBe('13988880001');
    expect(rec.record.fields.formMessage).toBe('官网留资，想看演示\n来源: 展会');
    expect(rec.record.ownerId).toBe(ids['rep1@demo.test']);
    await snap(page, 'rep-04-record-new-lead');
  });

  it('a reminder arrives live when the test clock passes the SLA rung', async () => {
    await page.waitForFunction(() => document.documentElement.dataset.live === 'on');
    const unread = async () =>
      Number(await page.getByTestId('notification-bell').getAttribute('data-unread'));
    const before = await unread();
    // newLead: remind the owner at 10 minutes, the SLA itself is 15
    const r = await page.request.post(`${world.server.url}/api/test-clock`, {
      data: { advanceMs: 11 * MIN },
    });
    expect(r.status()).toBe(200);
    const toast = page.getByTestId('live-notification').filter({ hasText: '提醒' }).first();
    await toast.waitFor({ timeout: 15_000 });
    expect(await toast.textContent()).toContain('提醒');
    await poll(unread).toBeGreaterThan(before);
    await snap(page, 'rep-05-reminder-arrived');
    await page.getByTestId('notification-bell').click();
    await page.getByTestId('inbox-page').waitFor();
    // the reminder names whom it is about, from the list itself
    const item = page
      .locator('[data-testid="inbox-item"][data-kind="reminder"]')
      .filter({ has: page.getByTestId('inbox-record').getByText('刘女士 · 杭州云帆科技有限公司') })
      .first();
    await item.waitFor();
    await snap(page, 'rep-06-inbox');
    await item.click();
    await page.getByTestId('record-page').waitFor();
  });

  it('works the lead to won: blocked actions explain themselves, fields are filled inline', async () => {
    await page.goto(`${world.server.url}/records/${leadId}`);
    await page.getByTestId('record-page').waitFor();
    // before anything is tapped, each action says what it still needs
    const needs = page.getByTestId('action-needs-CONNECTED');
    expect(await needs.textContent()).toContain('请填写首次拨打时间');
    expect(await needs.textContent()).toContain('通话结果应为“已接通”');
    expect(await page.getByTestId('field-item-callResult').getAttribute('data-needed')).toBe(
      'true',
    );
    await page.getByTestId('copy-script').click();
    await page.getByText('话术已复制').waitFor();
    await page.getByTestId('actions').scrollIntoViewIfNeeded();
    await snap(page, 'rep-07-blocked-action-explains');

    // tapping the blocked action opens exactly the fields it needs
    await page.getByTestId('action-CONNECTED').click();
    await page.getByTestId('action-sheet').waitFor();
    expect(await page.getByTestId('sheet-failures').textContent()).toContain('请填写首次拨打时间');
    await page.getByTestId('sheet-field-firstCallAt').fill(localInput(Date.now() - 5 * MIN));
    await choose(page, 'sheet-field-callResult', 'sheet-field-callResult-option-connected');
    // checked live in the browser as the fields are filled
    await page.getByTestId('sheet-ready').waitFor();
    await snap(page, 'rep-08-filled-inline');
    await page.getByTestId('sheet-submit').click();
    await poll(() => page.getByTestId('step-qualifying').getAttribute('data-status')).toBe(
      'process',
    );
    expect(await page.getByTestId('step-newLead').getAttribute('data-status')).toBe('finish');

    // qualifying: the server's verdict when something is still missing
    await choose(page, 'field-intentLevel', 'field-intentLevel-option-A');
    await page.getByTestId('action-BOOK_MEETING').click();
    await page.getByTestId('action-sheet').waitFor();
    await page.getByTestId('sheet-field-meetingAt').fill(localInput(Date.now() + 26 * 60 * MIN));
    await page.getByTestId('sheet-submit').click();
    await poll(
      async () => (await page.getByTestId('sheet-failures').textContent()) ?? '',
    ).toContain('请填写需求摘要');
    await snap(page, 'rep-09-server-says-missing');
    await page
      .getByTestId('sheet-field-needSummary')
      .fill('50 人销售团队，用 Excel 管客户，预算 10 万');
    await page.getByTestId('sheet-submit').click();
    await poll(() => page.getByTestId('step-meetingBooked').getAttribute('data-status')).toBe(
      'process',
    );

    // meetingBooked: tick the checklist (each tick saved), write the notes, act
    expect(await page.getByTestId('action-needs-MEETING_HELD').textContent()).toContain(
      '请先完成演示准备清单',
    );
    await page.getByTestId('check-confirmed').click();
    await poll(() => page.getByTestId('check-confirmed').isChecked()).toBe(true);
    await poll(async () => page.getByTestId('check-caseReady').isDisabled()).toBe(false);
    await page.getByTestId('check-caseReady').click();
    await poll(() => page.getByTestId('check-caseReady').isChecked()).toBe(true);
    await page.getByTestId('field-meetingNote').fill('演示顺利，客户要报价单');
    await poll(() => page.getByTestId('action-MEETING_HELD').getAttribute('data-passed')).toBe(
      'true',
    );
    await snap(page, 'rep-10-ready-to-convert');
    await page.getByTestId('action-MEETING_HELD').click();
    await poll(() => page.getByTestId('record-status').textContent()).toBe('赢单');
    await page.getByTestId('record-closed').waitFor();
    await page.getByTestId('history').scrollIntoViewIfNeeded();
    await snap(page, 'rep-11-won-with-history');
    const history = (await page.getByTestId('history').textContent()) ?? '';
    expect(history).toContain('执行了「已接通」');
    expect(history).toContain('进入阶段「已约演示」');
    expect(history).toContain('提醒负责人尽快处理');
    expect(history).toContain('流程结束：赢单');
  });

  it('a lost answer is retried with the same Idempotency-Key and applies once', async () => {
    await page.goto(`${world.server.url}/records/${ids.older}`);
    await page.getByTestId('record-page').waitFor();
    const keys: string[] = [];
    let cut = true;
    // the request reaches the server, the answer never reaches the phone
    await page.route('**/api/records/*/fields', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (!cut) return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByTestId('field-landingPage').fill('https://example.com/pricing');
    await page.getByTestId('save-draft').click();
    await page.getByTestId('command-offline').waitFor({ timeout: 20_000 });
    // the form is kept
    expect(await page.getByTestId('field-landingPage').inputValue()).toBe(
      'https://example.com/pricing',
    );
    await snap(page, 'rep-12-offline-kept');
    cut = false;
    await page.getByTestId('command-retry').click();
    await page.getByTestId('command-offline').waitFor({ state: 'detached' });
    await page.unroute('**/api/records/*/fields');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    const events = await body<{ items: Array<{ type: string; data: { changes?: object } }> }>(
      rep1Api('GET', `/api/records/${ids.older}/events`),
    );
    const changed = events.items.filter(
      (e) => e.type === 'fields.changed' && e.data.changes && 'landingPage' in e.data.changes,
    );
    expect(changed).toHaveLength(1);
  });

  it('a conflict shows what someone else changed and lets the rep redo', async () => {
    // the live stream is down, so this phone does not hear about the other change
    await page.route('**/api/stream', (route) => route.abort());
    await page.goto(`${world.server.url}/records/${ids.older}`);
    await page.getByTestId('record-page').waitFor();
    const version = Number(await page.getByTestId('record-page').getAttribute('data-version'));
    await body(
      manager('PATCH', `/api/records/${ids.older}/fields`, {
        fields: { company: '苏州精工集团' },
        version,
      }),
    );
    await page.getByTestId('field-formMessage').fill('客户改口：100 人，下周再联系');
    await page.getByTestId('save-draft').click();
    await page.getByTestId('conflict-modal').waitFor();
    expect(await page.getByTestId('conflict-field-company').textContent()).toContain(
      '苏州精工集团',
    );
    await snap(page, 'rep-13-conflict');
    await page.getByTestId('conflict-redo').click();
    await page.getByTestId('conflict-modal').waitFor({ state: 'detached' });
    await page.getByTestId('save-bar').waitFor({ state: 'detached' });
    await page.unroute('**/api/stream');
    const rec = await body<{ record: { fields: Record<string, unknown> } }>(
      rep1Api('GET', `/api/records/${ids.older}`),
    );
    expect(rec.record.fields.company).toBe('苏州精工集团');
    expect(rec.record.fields.formMessage).toBe('客户改口：100 人，下周再联系');
  });

  it("the manager hands rep1's records to rep2, who sees them with their history", async () => {
    // rep1's open records: the older lead and one more captured over the API
    const more = await body<Created>(
      rep1Api('POST', '/api/records', {
        sopId: SOP,
        fields: { contactName: '吴总', phone: '021-6888 1234', company: '上海启明贸易' },
        ownerId: ids['rep1@demo.test'],
      }),
      201,
    );
    const mgr = await phone('manager@demo.test');
    await mgr.goto(`${world.server.url}/next?scope=team&owner=${ids['rep1@demo.test']}`);
    await mgr.getByTestId('team-list').waitFor();
    await poll(() => mgr.getByTestId('team-card').count()).toBe(2);
    await mgr.getByTestId('select-all').click();
    await mgr.getByTestId('handover-open').click();
    await mgr.getByTestId('reassign-modal').waitFor();
    await choose(mgr, 'reassign-user', 'reassign-option-rep2@demo.test');
    await mgr.getByTestId('reassign-reason').fill('张磊离职，客户整体移交');
    await snap(mgr, 'rep-14-manager-handover');
    await mgr.getByTestId('reassign-submit').click();
    await mgr.getByText('已转派 2 条记录').waitFor();
    await poll(() => mgr.getByTestId('team-card').count()).toBe(0);

    const rep2 = await phone('rep2@demo.test');
    await rep2.waitForURL('**/next');
    const names = async () => rep2.getByTestId('next-card-name').allTextContents();
    await poll(async () => (await names()).sort()).toEqual(['吴总', '周女士', '孙经理'].sort());
    await snap(rep2, 'rep-15-rep2-next-actions');
    await rep2.goto(`${world.server.url}/records/${ids.older}`);
    await rep2.getByTestId('history').waitFor();
    const history = (await rep2.getByTestId('history').textContent()) ?? '';
    expect(history).toContain('由 张磊 转给 陈静');
    expect(history).toContain('张磊离职，客户整体移交');
    expect(history).toContain('创建了记录');
    expect(history).toContain('修改了');
    await rep2.getByTestId('history').scrollIntoViewIfNeeded();
    await snap(rep2, 'rep-16-rep2-history');
    expect(await rep2.getByTestId('record-owner').textContent()).toContain('陈静');
    // rep1 no longer has them
    await page.goto(`${world.server.url}/next`);
    await page.getByTestId('next-page').waitFor();
    await poll(() => page.getByTestId('next-card').count()).toBe(0);
    void more;
  });
});
