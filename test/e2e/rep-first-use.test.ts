/**
 * The rep's first use at phone size (390×844), in real Chromium: on a lead whose way forward
 * is still gated, that forward action is the one primary button and the losing exit (无效线索)
 * is not; the losing exit asks first, and cancelling changes nothing on the server. A handover
 * of three records to the rep is ONE inbox item with the count. A quick capture made offline
 * waits on the phone as pending and, once the network is back, reaches the server exactly
 * once. Screenshots: test-artifacts/rep-first-*.png
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

const world = browserWorld({ publish: [inboundWebLead] });
let page: Page;
let manager: ApiClient;
let rep1Api: ApiClient;
let rep2Api: ApiClient;
const ids: Record<string, string> = {};

type Rec = { id: string; version: number; status: string; fields: Record<string, unknown> };

beforeAll(async () => {
  [manager, rep1Api, rep2Api] = await world.apis(
    'manager@demo.test',
    'rep1@demo.test',
    'rep2@demo.test',
  );
  Object.assign(ids, await world.userIds());
  const lead = await body<{ record: Rec }>(
    rep1Api('POST', '/api/records', {
      sopId: SOP,
      fields: { contactName: '孙经理', phone: '13600002222', company: '苏州精工机械有限公司' },
      ownerId: ids['rep1@demo.test'],
    }),
    201,
  );
  ids.lead = lead.record.id;
  page = await world.open('rep1@demo.test', { size: 'phone' });
});

describe('rep first use on a phone (390×844)', { timeout: 180_000 }, () => {
  afterEach(async (c) => {
    if (c.task.result?.state === 'fail' && page) {
      const name = c.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
      await shot(page, `rep-first-failed-${name}`).catch(() => {});
    }
  });

  it('the gated forward action is primary; the losing one is not and asks before acting', async () => {
    const before = (await body<{ record: Rec }>(rep1Api('GET', `/api/records/${ids.lead}`))).record;
    await page.goto(`${world.server.url}/records/${ids.lead}`);
    await page.getByTestId('record-page').waitFor();
    const forward = page.getByTestId('action-CONNECTED');
    const losing = page.getByTestId('action-DISQUALIFY');
    await forward.waitFor();
    // the way forward is still gated (no call logged yet), and still the primary button
    expect(await forward.getAttribute('data-passed')).toBe('false');
    expect(await forward.getAttribute('data-primary')).toBe('true');
    expect(await forward.getAttribute('class')).toContain('ant-btn-primary');
    expect(await losing.getAttribute('data-losing')).toBe('true');
    expect(await losing.getAttribute('data-primary')).toBe('false');
    expect(await losing.getAttribute('class')).not.toContain('ant-btn-primary');
    // exactly one primary action button
    expect(await page.locator('[data-testid="actions"] [data-primary="true"]').count()).toBe(1);
    await page.getByTestId('actions').scrollIntoViewIfNeeded();
    await snap(page, 'rep-first-01-forward-primary');

    await losing.click();
    const confirm = page.locator('.ant-modal-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('无效线索');
    await snap(page, 'rep-first-02-losing-asks');
    await confirm.getByRole('button', { name: /^取\s?消$/ }).click();
    await confirm.waitFor({ state: 'detached' });
    // no sheet opened, nothing sent
    expect(await page.getByTestId('action-sheet').count()).toBe(0);
    const after = (await body<{ record: Rec }>(rep1Api('GET', `/api/records/${ids.lead}`))).record;
    expect(after.version).toBe(before.version);
    expect(after.status).toBe('open');
    expect(await page.getByTestId('step-newLead').getAttribute('data-status')).toBe('process');
  });

  it('a handover of three records is one inbox item with the count', async () => {
    const made: string[] = [];
    for (const [name, company] of [
      ['周女士', '宁波海运'],
      ['吴总', '上海启明贸易'],
      ['郑经理', '温州鞋业'],
    ] as const) {
      const r = await body<{ record: Rec }>(
        rep2Api('POST', '/api/records', {
          sopId: SOP,
          fields: { contactName: name, company },
          ownerId: ids['rep2@demo.test'],
        }),
        201,
      );
      made.push(r.record.id);
    }
    await body(
      manager('POST', '/api/handovers', {
        recordIds: made,
        toUserId: ids['rep1@demo.test'],
        reason: '陈静休假，客户移交',
      }),
    );
    await page.goto(`${world.server.url}/inbox`);
    await page.getByTestId('inbox-page').waitFor();
    const handed = page.locator('[data-testid="inbox-item"][data-kind="handed-over"]');
    await poll(() => handed.count()).toBe(1);
    expect(await handed.getAttribute('data-count')).toBe('3');
    const text = (await handed.textContent()) ?? '';
    expect(text).toContain('3');
    for (const n of ['周女士', '吴总', '郑经理']) expect(text).toContain(n);
    await snap(page, 'rep-first-03-grouped-handover');
  });

  it('an offline quick capture waits as pending and reaches the server once', async () => {
    const NAME = '离线录入测试客户';
    await page.goto(`${world.server.url}/next`);
    await page.getByTestId('next-page').waitFor();
    await page.getByTestId('capture-open').click();
    await page.getByTestId('capture-drawer').waitFor();
    await page.getByTestId('capture-name').waitFor();
    await page.context().setOffline(true);
    await page.getByTestId('capture-name').fill(NAME);
    await page.getByTestId('capture-phone').fill('13911112222');
    await page.getByTestId('capture-company').fill('杭州离线科技有限公司');
    await page.getByTestId('capture-submit').click();
    const pending = page.getByTestId('pending-capture').filter({ hasText: NAME });
    await pending.waitFor({ timeout: 30_000 });
    expect(await pending.getByTestId('pending-capture-tag').count()).toBe(1);
    await snap(page, 'rep-first-04-capture-pending');

    await page.context().setOffline(false);
    await page.getByTestId('pending-captures').waitFor({ state: 'detached', timeout: 60_000 });
    const found = async () => {
      const r = await body<{ items: Rec[] }>(
        rep1Api('GET', `/api/records?q=${encodeURIComponent(NAME)}&limit=50`),
      );
      return r.items.filter((x) => x.fields.contactName === NAME).length;
    };
    await poll(found).toBe(1);
    // the queue's timer and the online event both ran; still one record
    await page.waitForTimeout(2_000);
    expect(await found()).toBe(1);
    await snap(page, 'rep-first-05-capture-sent');
    expect(world.pageErrors).toEqual([]);
  });
});
