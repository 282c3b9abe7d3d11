/**
 * A manager's first use of the SOP editor at 1366×800, in Debian Chromium: the traps a new
 * manager fell into, each asserted as fixed — a gate on a select field made by picking the
 * field, 属于 and ticking options by their labels; an action drawn by dropping on a stage's
 * body; a new stage named 新阶段 in free space; a delete that takes actions asks first; the
 * publish dialog lists a changed SLA. Screenshots go to test-artifacts/.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { shot, signIn } from './harness.ts';
import { browserWorld } from './world.ts';

const SOP_ID = 'first-use-leads';
const label = (zh: string, en: string) => ({ 'zh-CN': zh, en });

const DOC = {
  id: SOP_ID,
  version: 0,
  name: label('首次使用线索', 'First-use leads'),
  fields: [
    {
      key: 'intentLevel',
      type: 'select',
      label: label('意向等级', 'Intent level'),
      options: [
        { value: 'A', label: label('A 级：30 天内采购', 'A: buys within 30 days') },
        { value: 'B', label: label('B 级：90 天内采购', 'B: buys within 90 days') },
        { value: 'C', label: label('C 级：暂无计划', 'C: no plan yet') },
      ],
    },
  ],
  machine: {
    id: SOP_ID,
    initial: 'fresh',
    states: {
      fresh: {
        meta: {
          stage: {
            title: label('新线索', 'New lead'),
            sla: { duration: 'PT4H', clock: 'working', escalations: [] },
          },
        },
        on: { WIN: { target: 'won', meta: { label: label('成交', 'Win') } } },
      },
      won: {
        type: 'final',
        meta: { stage: { title: label('成交', 'Won'), outcome: 'won' } },
      },
    },
  },
  layout: { fresh: { x: 0, y: 0 }, won: { x: 320, y: 0 } },
};

const world = browserWorld();
let page: Page;

beforeAll(async () => {
  const manager = await world.api('manager@demo.test');
  const created = await manager('POST', '/api/sops', { doc: DOC });
  if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
  const published = await manager('POST', `/api/sops/${SOP_ID}/publish`, { note: 'v1' });
  if (published.status >= 300) throw new Error(`publish: ${JSON.stringify(published.body)}`);
  page = await world.open(null, { size: 'wide' });
});

async function boxOf(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('element has no box');
  return b;
}

const overlap = (
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number },
) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The draft as the server has it, once autosave has sent the last change. */
async function savedDraft(): Promise<{
  machine: { states: Record<string, { on?: Record<string, { meta?: { gate?: unknown } }> }> };
}> {
  await page.locator('[data-testid="save-status"][data-status="saved"]').waitFor();
  const manager = await world.api('manager@demo.test');
  const r = await manager('GET', `/api/sops/${SOP_ID}`);
  return (r.body as { draft: never }).draft;
}

describe('SOP editor, first use', () => {
  it('opens the SOP fitted into the canvas beside the side panel', async () => {
    await signIn(page, world.server.url, 'manager@demo.test');
    await page.goto(`${world.server.url}/sops/${SOP_ID}/edit`);
    await page.getByTestId('node-fresh').waitFor();
    await page.waitForTimeout(600);
    const canvas = await boxOf(page.getByTestId('canvas'));
    const panel = await boxOf(page.getByTestId('side-panel'));
    for (const id of ['fresh', 'won']) {
      const b = await boxOf(page.getByTestId(`node-${id}`));
      expect(b.x + b.width).toBeLessThanOrEqual(panel.x);
      expect(b.x).toBeGreaterThanOrEqual(canvas.x);
    }
    await shot(page, 'editor-first-use-1-open');
  });

  it('adds a stage named 新阶段 in free space', async () => {
    await page.getByTestId('editor-add').click();
    await page.getByTestId('add-stage').click();
    const fresh = page.getByTestId('node-stage');
    await fresh.waitFor();
    await expect.poll(() => fresh.locator('.stage-title').textContent()).toBe('新阶段');
    await page.waitForTimeout(300);
    const mine = await boxOf(fresh);
    for (const id of ['fresh', 'won']) {
      expect(overlap(mine, await boxOf(page.getByTestId(`node-${id}`)))).toBe(false);
    }
    // a second one is numbered and lands clear of all three
    await page.getByTestId('editor-add').click();
    await page.getByTestId('add-stage').click();
    const second = page.getByTestId('node-stage2');
    await second.waitFor();
    await expect.poll(() => second.locator('.stage-title').textContent()).toBe('新阶段 2');
    await page.waitForTimeout(300);
    const box2 = await boxOf(second);
    for (const id of ['fresh', 'won', 'stage']) {
      expect(overlap(box2, await boxOf(page.getByTestId(`node-${id}`)))).toBe(false);
    }
    await shot(page, 'editor-first-use-2-new-stages');
  });

  it('connects by dropping on the body of a stage, labelled with its title', async () => {
    const handle = page.locator('[data-testid="node-fresh"] .react-flow__handle.source').first();
    const from = await boxOf(handle);
    const to = await boxOf(page.getByTestId('node-stage'));
    // the middle of the stage's body, far from its 10-px handle on the left edge
    const x = to.x + to.width * 0.6;
    const y = to.y + to.height * 0.6;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(x - 40, y, { steps: 10 });
    await page.mouse.move(x, y, { steps: 5 });
    await page.getByTestId('node-drop-stage').waitFor();
    await shot(page, 'editor-first-use-3-dropping');
    await page.mouse.up();
    const edge = page.getByTestId('edge-fresh-TO_STAGE');
    await edge.waitFor();
    await expect.poll(() => edge.textContent()).toContain('新阶段');
  });

  it('makes a select-field gate by picking the field, 属于 and ticking labels', async () => {
    await page.getByTestId('edge-fresh-TO_STAGE').click();
    await page.getByTestId('action-panel').waitFor();
    await page.getByTestId('gate-add').click();
    await page.getByTestId('gate-root-0-fact').click();
    // the field is one pickable entry, not a heading over its options
    const option = page.locator(
      '.ant-select-dropdown:visible .ant-select-item-option[title="意向等级"]',
    );
    await option.click();
    await page.getByTestId('gate-root-0-operator').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option[title="属于"]')
      .click();
    const ticks = page.getByTestId('gate-root-0-value');
    await ticks.getByText('A 级：30 天内采购').click();
    await ticks.getByText('B 级：90 天内采购').click();
    // the options by their labels only, no raw keys beside them
    expect(await ticks.locator('label').allTextContents()).toEqual([
      'A 级：30 天内采购',
      'B 级：90 天内采购',
      'C 级：暂无计划',
    ]);
    await expect
      .poll(() => page.getByTestId('gate-root-0-fact').textContent())
      .toContain('意向等级');
    await shot(page, 'editor-first-use-4-gate');
    const draft = await savedDraft();
    expect(draft.machine.states.fresh?.on?.TO_STAGE?.meta?.gate).toEqual({
      all: [{ fact: 'intentLevel', operator: 'in', value: ['A', 'B'] }],
    });
  });

  it('asks before a delete takes a stage’s actions with it', async () => {
    await page.getByTestId('node-stage').click({ position: { x: 20, y: 12 } });
    await page.getByTestId('stage-panel').waitFor();
    await page.getByTestId('canvas').press('Delete');
    await page.getByTestId('delete-impact').waitFor();
    expect(await page.getByTestId('delete-impact').textContent()).toContain('1 个动作');
    await shot(page, 'editor-first-use-5-delete-confirm');
    await page.getByTestId('delete-cancel').click();
    await page.waitForTimeout(300);
    expect(await page.getByTestId('node-stage').count()).toBe(1);
    expect(await page.getByTestId('edge-fresh-TO_STAGE').count()).toBe(1);
    // a stage with no actions goes without a question
    await page.getByTestId('node-stage2').click({ position: { x: 20, y: 12 } });
    await page.getByTestId('canvas').press('Delete');
    await expect.poll(() => page.getByTestId('node-stage2').count()).toBe(0);
  });

  it('lists a changed SLA in the publish dialog', async () => {
    await page.getByTestId('node-fresh').click({ position: { x: 20, y: 12 } });
    await page.getByTestId('stage-panel').waitFor();
    const amount = page
      .getByTestId('sla-duration-amount')
      .locator('xpath=self::input | .//input')
      .first();
    await amount.fill('8');
    await amount.press('Tab');
    await page.getByTestId('editor-publish').click();
    const diff = page.getByTestId('publish-diff');
    await diff.waitFor();
    const sla = diff.locator('li[data-kind="sla"][data-change="changed"]');
    await expect.poll(() => sla.count()).toBe(1);
    expect(await sla.textContent()).toContain('新线索');
    // the new action and its gate are listed too, by their words
    await expect
      .poll(() => diff.locator('li[data-kind="action"][data-change="added"]').count())
      .toBe(1);
    await expect
      .poll(() => diff.locator('li[data-kind="gate"][data-change="added"]').count())
      .toBe(1);
    await shot(page, 'editor-first-use-6-publish-diff');
    expect(world.pageErrors).toEqual([]);
  });
});
