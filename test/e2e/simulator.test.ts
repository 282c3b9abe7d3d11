/**
 * The SOP simulator end to end, in Debian Chromium, on the demo workspace: the manager
 * clones a live record of the inbound-lead SOP into the simulator, takes an action whose
 * gate fails and reads the trace (the condition, the expected and the actual value), fills
 * the field and passes the gate, sees the owner rule decide and an escalation rung fire —
 * and the live record is untouched (same version, same event count). Screenshots at laptop
 * and phone size go to test-artifacts/.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, shot } from './harness.ts';
import { browserWorld } from './world.ts';

const SOP_ID = 'inbound-web-lead';

const world = browserWorld({ seed: 'demo' });
let api: ApiClient;

type Rec = {
  id: string;
  status: string;
  currentStages: string[];
  fields: Record<string, unknown>;
  timers: unknown[];
  version: number;
};

/** The record's version and how many events its history holds, from the API. */
async function footprint(id: string) {
  const page = await api('GET', `/api/records/${id}`);
  const events = await api('GET', `/api/records/${id}/events`);
  expect(page.status).toBe(200);
  expect(events.status).toBe(200);
  return {
    version: (page.body as { record: { version: number } }).record.version,
    events: (events.body as { items: unknown[] }).items.length,
  };
}

/** A live, open record in the first stage whose call result says "connected". */
async function pickRecord(): Promise<Rec> {
  const list = await api('GET', `/api/records?sopId=${SOP_ID}&status=open&limit=200`);
  expect(list.status).toBe(200);
  const rec = (list.body as { items: Rec[] }).items.find(
    (r) =>
      r.currentStages.join() === 'newLead' &&
      r.fields.callResult === 'connected' &&
      typeof r.fields.phone === 'string' &&
      r.timers.length > 0,
  );
  if (!rec) throw new Error('the demo seed has no fresh newLead record');
  return rec;
}

async function openSimulator(page: Page) {
  await page.goto(`${world.server.url}/sops/${SOP_ID}/edit`);
  await page.getByTestId('node-newLead').waitFor();
  await page.getByTestId('tab-simulate').click();
}

async function cloneByPhone(page: Page, rec: Rec) {
  await page.getByTestId('sim-clone-open').click();
  const search = page.locator('[data-testid="sim-clone-search"] input');
  await search.fill(String(rec.fields.phone));
  await search.press('Enter');
  await page.getByTestId(`sim-clone-pick-${rec.id}`).click();
  await page.getByTestId('sim-clone-banner').waitFor();
  await page.locator('[data-testid="sim-current"] [data-stage="newLead"]').waitFor();
}

beforeAll(async () => {
  api = await world.api('manager@demo.test');
});

describe('SOP simulator', () => {
  it('clones a live record, traces a failing gate, passes it, and writes nothing', async () => {
    const rec = await pickRecord();
    const before = await footprint(rec.id);
    const page = await world.open('manager@demo.test');
    await openSimulator(page);
    await cloneByPhone(page, rec);
    expect(await page.getByTestId('sim-clone-banner').textContent()).toContain('不会向服务器保存');
    // the copy carries the record's fields
    expect(await page.getByTestId('sim-field-phone').inputValue()).toBe(rec.fields.phone);

    // the live trace before acting: NOT_REACHED is blocked by the call result
    await expect
      .poll(() => page.getByTestId('sim-action-NOT_REACHED').getAttribute('data-passed'))
      .toBe('false');
    await page.getByTestId('sim-why-NOT_REACHED').click();
    const live = page
      .getByTestId('sim-action-NOT_REACHED')
      .locator('[data-testid="sim-cond"][data-fact="callResult"]');
    await live.waitFor();
    expect(await live.getAttribute('data-passed')).toBe('false');

    // take it: the gate fails; the trace shows each condition with the actual value
    await page.getByTestId('sim-take-NOT_REACHED').click();
    const failed = page.locator('[data-what="NOT_REACHED"][data-ok="false"]');
    await failed.waitFor();
    const cond = failed.locator('[data-testid="sim-cond"][data-fact="callResult"]');
    expect(await cond.getAttribute('data-passed')).toBe('false');
    expect(await cond.getByTestId('sim-cond-actual').textContent()).toBe('已接通');
    expect(await cond.getByTestId('sim-cond-expected').textContent()).toContain('无人接听');
    expect(await cond.getByTestId('sim-cond-message').textContent()).toContain('通话结果');
    const firstCall = failed.locator('[data-testid="sim-cond"][data-fact="firstCallAt"]');
    expect(await firstCall.getAttribute('data-passed')).toBe('true');
    await cond.scrollIntoViewIfNeeded();
    await shot(page, 'simulator-gate-failed-laptop');

    // fill the field and take it again: the gate passes, the owner rule decides
    await page.getByTestId('sim-field-callResult').click();
    await page.locator('.ant-select-item-option[title="无人接听"]').click();
    await page.getByTestId('sim-apply-fields').click();
    await page.locator('[data-what="edit"][data-ok="true"]').waitFor();
    await expect
      .poll(() => page.getByTestId('sim-action-NOT_REACHED').getAttribute('data-passed'))
      .toBe('true');
    await page.getByTestId('sim-take-NOT_REACHED').click();
    const passed = page.locator('[data-what="NOT_REACHED"][data-ok="true"]');
    await passed.waitFor();
    const ok = passed.locator('[data-testid="sim-cond"][data-fact="callResult"]');
    expect(await ok.getAttribute('data-passed')).toBe('true');
    expect(await ok.getByTestId('sim-cond-actual').textContent()).toBe('无人接听');
    await page.locator('[data-testid="sim-current"] [data-stage="retrying"]').waitFor();
    const owner = passed.getByTestId('sim-owner-trace');
    expect(await owner.getAttribute('data-stage')).toBe('retrying');
    expect(await owner.getByTestId('sim-owner-decision').textContent()).toContain('默认分配');
    // keepCurrent: the live record's owner keeps it, as on the server
    // … named as people know them (a demo rep's name), not by an id
    expect(await owner.textContent()).toMatch(/保留当前负责人 ?(张磊|陈静)/);

    // the clock: every rung of the new stage's ladder fires, one after another
    for (let i = 0; i < 6 && (await page.getByTestId('sim-next-timer').isEnabled()); i++) {
      const fired = await page.locator('[data-what^="timer:"]').count();
      await page.getByTestId('sim-next-timer').click();
      await expect.poll(() => page.locator('[data-what^="timer:"]').count()).toBe(fired + 1);
    }
    const kinds = await page
      .locator('[data-what^="timer:"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-what')).sort());
    expect(kinds).toEqual(['timer:deadline', 'timer:notify-manager', 'timer:remind-owner']);
    expect(await page.getByTestId('sim-timers').textContent()).not.toContain('retrying');
    await page.getByTestId('sim-trace').scrollIntoViewIfNeeded();
    await shot(page, 'simulator-gate-passed-laptop');

    // nothing reached the server
    expect(await footprint(rec.id)).toEqual(before);
    expect(world.pageErrors).toEqual([]);
    await page.close();
  });

  it('offers a fresh start when the draft lost the record stage', async () => {
    const rec = await pickRecord();
    const draft = await api('GET', `/api/sops/${SOP_ID}`);
    expect(draft.status).toBe(200);
    const doc = (draft.body as { draft: { machine: { states: Record<string, unknown> } } }).draft;
    // rename the first stage in the draft: newLead → freshLead
    const text = JSON.stringify(doc).replaceAll('"newLead"', '"freshLead"');
    const saved = await api('PUT', `/api/sops/${SOP_ID}/draft`, { doc: JSON.parse(text) });
    expect(saved.status).toBeLessThan(300);
    const before = await footprint(rec.id);

    const page = await world.open('manager@demo.test', {
      size: 'phone',
      locale: 'en',
      path: `/sops/${SOP_ID}/edit`,
    });
    await page.getByTestId('node-freshLead').waitFor();
    await page.getByTestId('editor-panel-toggle').click();
    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-clone-open').click();
    const search = page.locator('[data-testid="sim-clone-search"] input');
    await search.fill(String(rec.fields.phone));
    await search.press('Enter');
    await page.getByTestId(`sim-clone-pick-${rec.id}`).click();
    const missing = page.getByTestId('sim-clone-missing');
    await missing.waitFor();
    expect(await missing.textContent()).toContain('newLead');
    await shot(page, 'simulator-missing-stage-phone');
    await page.getByTestId('sim-clone-fresh').click();
    await page.getByTestId('sim-clone-banner').waitFor();
    await page.locator('[data-testid="sim-current"] [data-stage="freshLead"]').waitFor();
    expect(await page.getByTestId('sim-field-phone').inputValue()).toBe(rec.fields.phone);
    await page.getByTestId('sim-take-NOT_REACHED').click();
    const failed = page.locator('[data-what="NOT_REACHED"][data-ok="false"]');
    await failed.waitFor();
    await failed
      .locator('[data-testid="sim-cond"][data-fact="callResult"]')
      .scrollIntoViewIfNeeded();
    await shot(page, 'simulator-trace-phone');
    expect(await footprint(rec.id)).toEqual(before);
    expect(world.pageErrors).toEqual([]);
    await page.close();
  });
});
