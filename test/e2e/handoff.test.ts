/**
 * Cross-SOP handoff end to end in real Chromium: a manager opens the deal SOP in the editor
 * (1366×800), adds a handoff to the published after-sales SOP on the WIN action, maps the
 * fields, sees the badge on the edge and the simulator's "starts after-sales" line, and
 * publishes; a rep wins a deal on a phone (390×844) and the customer page shows both records.
 * Screenshots: test-artifacts/handoff-*.png
 */
import type { SopDocument } from '@closeloop/engine';

import { beforeAll, describe, expect, it } from 'vitest';
import { body, poll } from './checks.ts';
import { type ApiClient, snap } from './harness.ts';
import { browserWorld } from './world.ts';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const DEAL = 'deal-e2e';
const AFTER = 'after-sales-e2e';

const FIELDS: SopDocument['fields'] = [
  { key: 'company', type: 'text', label: t('客户公司', 'Company') },
  { key: 'phone', type: 'phone', label: t('手机', 'Mobile') },
  { key: 'budget', type: 'money', label: t('合同金额', 'Contract amount') },
];
const OWNER = { rules: [], default: { team: 'sales', strategy: 'round-robin' as const } };

const afterSales: SopDocument = {
  id: AFTER,
  version: 0,
  name: t('售后服务', 'After-sales'),
  fields: FIELDS,
  machine: {
    id: AFTER,
    initial: 'onboarding',
    states: {
      onboarding: {
        meta: { stage: { title: t('安装交付', 'Onboarding'), owner: OWNER } },
        on: { DONE: { target: 'done', meta: { label: t('交付完成', 'Delivered') } } },
      },
      done: { type: 'final', meta: { stage: { title: t('完成', 'Done'), outcome: 'done' } } },
    },
  },
};

const deal: SopDocument = {
  id: DEAL,
  version: 0,
  name: t('商机跟进', 'Deal follow-up'),
  fields: FIELDS,
  machine: {
    id: DEAL,
    initial: 'negotiating',
    states: {
      negotiating: {
        meta: { stage: { title: t('商务谈判', 'Negotiating'), owner: OWNER } },
        on: {
          WIN: { target: 'won', meta: { label: t('赢单', 'Win') } },
          LOSE: { target: 'lost', meta: { label: t('丢单', 'Lose') } },
        },
      },
      won: { type: 'final', meta: { stage: { title: t('赢单', 'Won'), outcome: 'won' } } },
      lost: { type: 'final', meta: { stage: { title: t('丢单', 'Lost'), outcome: 'lost' } } },
    },
  },
  layout: { negotiating: { x: 0, y: 0 }, won: { x: 420, y: -80 }, lost: { x: 420, y: 140 } },
};

const world = browserWorld();
let manager: ApiClient;
let rep1: ApiClient;

beforeAll(async () => {
  [manager, rep1] = await world.apis('manager@demo.test', 'rep1@demo.test');
  for (const doc of [afterSales, deal]) {
    await body(manager('POST', '/api/sops', { doc }), 201);
    await body(manager('POST', `/api/sops/${doc.id}/publish`, { note: 'e2e' }));
  }
});

describe('cross-SOP handoff in Chromium', { timeout: 240_000 }, () => {
  it('is configured in the editor, published, and starts after-sales when a rep wins', async () => {
    const page = await world.open('manager@demo.test', {
      size: 'wide',
      path: `/sops/${DEAL}/edit`,
    });
    await page.getByTestId(`edge-negotiating-WIN`).click();
    await page.getByTestId('action-panel').waitFor();
    await page.getByTestId('handoff-card').scrollIntoViewIfNeeded();
    await page.getByTestId('handoff-add').click();
    await poll(() => page.getByTestId('handoff-sop').textContent()).toContain('售后服务');
    await page.getByTestId('handoff-mapping').waitFor();
    await page.getByTestId('handoff-auto').click();
    await poll(() => page.getByTestId('handoff-map-company').textContent()).toContain('客户公司');
    expect(await page.getByTestId('handoff-map-budget').textContent()).toContain('合同金额');
    await page.getByTestId(`edge-handoff-${AFTER}`).waitFor();
    expect(await page.getByTestId(`edge-handoff-${AFTER}`).textContent()).toContain('售后服务');
    await snap(page, 'handoff-01-editor-mapping');

    // the simulator names what the action starts
    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-start').click();
    await page.getByTestId('sim-take-WIN').click();
    await poll(() => page.getByTestId('sim-handoff').first().textContent()).toContain(
      '为同一客户启动「售后服务」',
    );
    await page.getByTestId('sim-handoff').first().scrollIntoViewIfNeeded();
    await snap(page, 'handoff-02-simulator');

    await poll(() => page.getByTestId('save-status').getAttribute('data-status')).toBe('saved');
    await page.getByTestId('editor-publish').click();
    await page.getByTestId('publish-note').fill('赢单后转售后 hand off to after-sales');
    await page.getByTestId('publish-submit').click();
    await page.getByTestId('publish-dialog').waitFor({ state: 'hidden' });
    const v2 = await body<{ doc: SopDocument }>(manager('GET', `/api/sops/${DEAL}/versions/2`));
    const on = (v2.doc.machine.states.negotiating?.on ?? {}) as Record<string, { meta?: unknown }>;
    const win = on.WIN;
    expect(win?.meta).toMatchObject({
      handoff: {
        sopId: AFTER,
        fields: { company: 'company', phone: 'phone', budget: 'budget' },
        owner: 'rule',
      },
    });

    // a rep wins a deal on a phone
    const users = await body<{ items: Array<{ id: string; email: string }> }>(
      manager('GET', '/api/users'),
    );
    const rep1Id = users.items.find((u) => u.email === 'rep1@demo.test')?.id;
    const created = await body<{ record: { id: string }; customer: { id: string } }>(
      rep1('POST', '/api/records', {
        sopId: DEAL,
        fields: { company: '宁波海曙精工机械有限公司', phone: '13857401234', budget: 126000 },
        ownerId: rep1Id,
      }),
      201,
    );
    const phone = await world.open('rep1@demo.test', {
      size: 'phone',
      path: `/records/${created.record.id}`,
    });
    await phone.getByTestId('action-WIN').click();
    await poll(() => phone.getByTestId('record-status').textContent()).toBe('赢单');
    await phone.getByTestId('history').scrollIntoViewIfNeeded();
    await poll(() => phone.getByTestId('history').textContent()).toContain(
      '已为同一客户启动「售后服务」的记录',
    );
    await snap(phone, 'handoff-03-rep-won');

    await phone.goto(`${world.server.url}/customers/${created.customer.id}`);
    await phone.getByTestId('customer-page').waitFor();
    const rows = phone.locator('[data-testid^="customer-record-"]');
    await poll(() => rows.count()).toBe(2);
    const text = (await phone.getByTestId('customer-page').textContent()) ?? '';
    expect(text).toContain('商机跟进');
    expect(text).toContain('售后服务');
    expect(text).toContain('转交到下一个 SOP');
    expect(text).toContain('由转交启动新记录');
    await snap(phone, 'handoff-04-customer-both-records');
    await phone.getByText('转交到下一个 SOP').first().scrollIntoViewIfNeeded();
    await snap(phone, 'handoff-05-customer-timeline');
  });
});
