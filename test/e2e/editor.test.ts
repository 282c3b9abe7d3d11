/**
 * The SOP editor end to end, in Debian Chromium: the demo manager signs in, draws a
 * four-stage SOP with a compound stage from scratch, adds a gate and an SLA, simulates a
 * gate failure, an escalation and a success, publishes, and the version is found through
 * the API. Screenshots go to test-artifacts/.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { shot, signIn } from './harness.ts';
import { browserWorld } from './world.ts';

const SOP_ID = 'e2e-follow-up';

const world = browserWorld();
let page: Page;

beforeAll(async () => {
  page = await world.open(null);
});

/** Drags a new action from one stage's source handle to another stage's target handle. */
async function connect(p: Page, from: string, to: string, event: string) {
  const edge = p.getByTestId(`edge-${from}-${event}`);
  for (let attempt = 0; attempt < 3 && (await edge.count()) === 0; attempt++) {
    const source = p.locator(`[data-testid="node-${from}"] .react-flow__handle.source`).first();
    const target = p.locator(`[data-testid="node-${to}"] .react-flow__handle.target`).first();
    const a = await box(source);
    const b = await box(target);
    await p.mouse.move(a.x, a.y);
    await p.mouse.down();
    await p.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
    await p.mouse.move(b.x, b.y, { steps: 8 });
    await p.waitForTimeout(50);
    await p.mouse.up();
    await p.waitForTimeout(150);
  }
  if ((await edge.count()) === 0) {
    await shot(p, `failed-connect-${from}-${to}`);
    throw new Error(`could not connect ${from} → ${to}`);
  }
}

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('element has no box');
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

async function selectNode(p: Page, id: string) {
  await p.locator(`[data-testid="node-${id}"]`).click({ position: { x: 20, y: 12 } });
  await expect.poll(() => p.getByTestId('stage-key').inputValue()).toBe(id.split('.').pop());
}

async function setStageKey(p: Page, key: string) {
  await p.getByTestId('stage-key').fill(key);
  await p.getByTestId('stage-key').press('Enter');
}

/** Auto-layout, then wait until it is laid out and fitted (elkjs loads on first use). */
async function fitAndLayout(p: Page) {
  await p.getByTestId('editor-layout').click();
  await p
    .locator('[data-testid="editor"][data-layout="busy"]')
    .waitFor({ timeout: 2000 })
    .catch(() => {});
  await p.locator('[data-testid="editor"][data-layout="idle"]').waitFor();
  await p.waitForTimeout(300);
}

describe('SOP editor', () => {
  it('draws, checks, simulates and publishes a four-stage SOP', async () => {
    await signIn(page, world.server.url, 'manager@demo.test');
    await page.waitForURL(/\/sops$/);
    // a manager's ten areas hold one line of the 1280-px header: nothing below it is covered
    await page.getByTestId('nav-admin').waitFor();
    await expect(
      page.locator('header').evaluate((h) => h.getBoundingClientRect().height),
    ).resolves.toBe(48);
    await page.getByTestId('sop-new').click();
    await page.getByTestId('sop-create-id').fill(SOP_ID);
    await page.getByTestId('sop-create-name-zh').fill('端到端跟进流程');
    await page.getByTestId('sop-create-name-en').fill('E2E follow-up');
    await page.getByTestId('sop-create-submit').click();
    await page.waitForURL(new RegExp(`/sops/${SOP_ID}/edit$`));
    await page.getByTestId('node-new').waitFor();

    // a field for the gate to require
    await page.getByTestId('tab-fields').click();
    await page.getByTestId('field-add').click();
    await page.getByTestId('field-0-key').fill('phone');
    await page.getByTestId('field-0-label-zh-CN').fill('电话');
    await page.getByTestId('field-0-label-en').fill('Phone');
    await page.getByTestId('tab-inspect').click();

    // stage 2: a compound stage with two sub-stages
    await page.getByTestId('editor-add').click();
    await page.getByTestId('add-compound').click();
    await setStageKey(page, 'followUp');
    await page.getByTestId('stage-title-zh-CN').fill('跟进');
    await page.getByTestId('stage-title-en').fill('Follow up');
    await page.getByTestId('stage-add-child').click();
    await page.getByTestId('node-followUp.stage').waitFor();

    // stage 4: a lost final stage (stage 3 is the blank SOP's "won")
    await page.getByTestId('editor-add').click();
    await page.getByTestId('add-final').click();
    await setStageKey(page, 'lost');
    await page.getByTestId('stage-outcome').click();
    await page.locator('.ant-select-item-option[title="丢单"]').click();

    // live validation (in a Web Worker): the unconnected stage is flagged on its node and in
    // the list, and picking the problem selects it
    await page.getByTestId('node-problem-lost').waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(0);
    await page.getByTestId('tab-problems').click();
    // problems speak the stage's name; the path underneath still names its key
    const unreachable = page
      .locator('[data-code="stage.unreachable"]')
      .filter({ has: page.locator('[data-path*="lost"]') });
    await unreachable.first().locator('.problem-text').click();
    await page.getByTestId('tab-inspect').click();
    await expect.poll(() => page.getByTestId('stage-key').inputValue()).toBe('lost');

    await fitAndLayout(page);
    await connect(page, 'new', 'followUp', 'TO_FOLLOWUP');
    await connect(page, 'followUp.step', 'followUp.stage', 'TO_STAGE');
    await connect(page, 'followUp.stage', 'won', 'TO_WON');
    await connect(page, 'followUp', 'lost', 'TO_LOST');
    await fitAndLayout(page);

    // the gate: phone required to move on, via the one-click shortcut
    await page.getByTestId('edge-new-TO_FOLLOWUP').click();
    await page.getByTestId('action-label-zh-CN').fill('开始跟进');
    await page.getByTestId('action-label-en').fill('Start follow-up');
    await page.getByTestId('required-fields').click();
    await page.locator('.ant-select-item-option[title="电话"]').click();
    await page.getByTestId('required-apply').click();
    await expect.poll(() => page.getByTestId('gate-root-0-fact').count()).toBe(1);

    // the SLA with an escalation rung on the first stage
    await selectNode(page, 'new');
    await page.getByTestId('sla-enable').click();
    await page.getByTestId('rung-add').click();
    await page.getByTestId('rung-0-after-amount').fill('2');
    await page.getByTestId('rung-0-after-amount').press('Tab');

    // live validation: nothing left to fix
    await page.getByTestId('tab-problems').click();
    await page.getByTestId('problems-none').waitFor();
    await expect
      .poll(() => page.getByTestId('save-status').getAttribute('data-status'))
      .toBe('saved');
    await page.getByTestId('editor-fit').click();
    await page.waitForTimeout(400);
    await shot(page, 'editor-drawn');

    // simulate: an escalation, a gate failure, then a success
    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-start').click();
    await expect
      .poll(() => page.getByTestId('sim-action-TO_FOLLOWUP').getAttribute('data-passed'))
      .toBe('false');
    await page.getByTestId('sim-next-timer').click();
    const reminded = page.locator('[data-what="timer:remind-owner"]');
    await reminded.waitFor();
    // the event shows in the user's words, typed underneath
    await reminded.locator('[data-type="escalation.reminded"]').waitFor();
    expect(await reminded.textContent()).toContain('提醒负责人');
    await page.getByTestId('sim-notify').first().waitFor();
    await page.getByTestId('sim-take-TO_FOLLOWUP').click();
    await page.getByTestId('sim-failure').first().waitFor();
    expect(await page.getByTestId('sim-failure').first().textContent()).toContain('电话');
    await page.getByTestId('sim-field-phone').fill('13800138000');
    await page.getByTestId('sim-take-TO_FOLLOWUP').click();
    await page.locator('[data-testid="sim-current"] [data-stage="followUp.step"]').waitFor();
    await shot(page, 'editor-simulate');

    // publish and find the version through the API
    await page.getByTestId('editor-publish').click();
    await page.getByTestId('publish-diff').waitFor();
    await page.getByTestId('publish-note').fill('第一版 first version');
    await shot(page, 'editor-publish');
    await page.getByTestId('publish-submit').click();
    await page.getByTestId('publish-dialog').waitFor({ state: 'hidden' });

    const api = await world.api('manager@demo.test');
    const versions = await api('GET', `/api/sops/${SOP_ID}/versions`);
    expect(versions.status).toBe(200);
    expect(JSON.stringify(versions.body)).toContain('first version');
    const v1 = await api('GET', `/api/sops/${SOP_ID}/versions/1`);
    expect(v1.status).toBe(200);
    const doc = (
      v1.body as {
        doc: { machine: { states: Record<string, { states?: object; meta?: unknown }> } };
      }
    ).doc;
    expect(Object.keys(doc.machine.states).sort()).toEqual(['followUp', 'lost', 'new', 'won']);
    expect(Object.keys(doc.machine.states.followUp?.states ?? {}).sort()).toEqual([
      'stage',
      'step',
    ]);
    expect(JSON.stringify(doc.machine.states.new)).toContain('"sla"');
    expect(JSON.stringify(doc.machine.states.new)).toContain('isNotEmpty');
    expect(world.pageErrors).toEqual([]);
  });

  it('is readable on a phone', async () => {
    const phone = await world.open('manager@demo.test', {
      size: 'phone',
      locale: 'en',
      path: `/sops/${SOP_ID}/edit`,
    });
    await phone.getByTestId('node-followUp').waitFor();
    await phone.waitForTimeout(500);
    await shot(phone, 'editor-phone');
    await phone.getByTestId('editor-panel-toggle').click();
    await phone.getByTestId('tab-problems').waitFor();
    await shot(phone, 'editor-phone-panel');
    await phone.close();
  });
});
