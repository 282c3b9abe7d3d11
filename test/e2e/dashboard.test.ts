/**
 * The manager dashboard and the bottleneck map end to end, in Debian Chromium, on the demo
 * workspace: the manager opens /dashboard (ECharts arrives with it and not before), exports
 * a table as CSV, compares two versions, opens the map, clicks a stage and follows a record;
 * the same pages at phone size; a rep is refused. Screenshots go to test-artifacts/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { noHorizontalScroll } from './checks.ts';
import { ROOT, shot, signIn } from './harness.ts';
import { browserWorld } from './world.ts';

const world = browserWorld({ seed: 'demo' });

/** Built chunks that hold ECharts (its source names itself in a comment and in errors). */
function echartsChunks(): string[] {
  const dir = `${ROOT}editor/dist/assets`;
  return readdirSync(dir).filter(
    (f) =>
      f.endsWith('.js') &&
      /echarts|ECharts/.test(readFileSync(`${dir}/${f}`, 'utf8').slice(0, 400_000)),
  );
}

async function track(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/assets/')) seen.push(u.pathname.slice('/assets/'.length));
  });
  return seen;
}

describe('dashboard (laptop)', () => {
  let page: Page;
  let requested: string[];

  beforeAll(async () => {
    page = await world.open(null);
    requested = await track(page);
    await signIn(page, world.server.url, 'manager@demo.test');
  });

  it('loads ECharts only on the dashboard and shows every panel', async () => {
    const charts = echartsChunks();
    expect(charts.length).toBeGreaterThan(0);
    await page.waitForLoadState('networkidle');
    expect(requested.filter((f) => charts.includes(f))).toEqual([]);

    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('dashboard-page').waitFor();
    // no SOP chosen: the overview across SOPs, one row per published SOP
    await page.locator('[data-testid="table-sops"] .ant-table-row').first().waitFor();
    for (const id of ['sops', 'worst', 'workload', 'outcomes', 'trends', 'sources']) {
      await expect(page.getByTestId(`panel-${id}`).isVisible()).resolves.toBe(true);
    }
    await expect(page.getByTestId('panel-funnel').count()).resolves.toBe(0);
    // per SOP, records still open are some of those started (a record in a nested stage was
    // once counted by its parent stage too: 142 open of 92 started on the demo data)
    const sum = async (id: string) => {
      await expect
        .poll(() => page.getByTestId(id).allTextContents(), { timeout: 30_000 })
        .not.toContain('–');
      const cells = await page.getByTestId(id).allTextContents();
      return cells.reduce((n, c) => n + Number(c.replace(/\D/g, '')), 0);
    };
    const started = await sum('overview-started');
    expect(started).toBeGreaterThan(0);
    expect(await sum('overview-open')).toBeLessThanOrEqual(started);
    // opening one SOP drills down: its funnel fills in
    await page.getByTestId('overview-open-closed-loop').click();
    await page.locator('[data-testid="table-funnel"] .ant-table-row').first().waitFor();
    await page.locator('[data-testid="chart-funnel"][data-ready="true"]').waitFor();
    expect(requested.some((f) => charts.includes(f))).toBe(true);
    expect(new URL(page.url()).searchParams.get('sop')).toBe('closed-loop');
    for (const id of ['funnel', 'times', 'breaches', 'workload', 'outcomes', 'trends', 'sources']) {
      await expect(page.getByTestId(`panel-${id}`).isVisible()).resolves.toBe(true);
    }
    await expect(page.getByTestId('kpi-started').textContent()).resolves.toMatch(/\d/);
  });

  it('shows the closed-loop SOP and exports its funnel as CSV with a BOM', async () => {
    await page.goto(`${world.server.url}/dashboard?sop=closed-loop`);
    await page.locator('[data-testid="table-funnel"] .ant-table-row').first().waitFor();
    await page.locator('[data-testid="chart-times"][data-ready="true"]').waitFor();
    await page.waitForTimeout(600); // chart animation
    await shot(page, 'dashboard-laptop');
    await page.screenshot({
      path: `${ROOT}test-artifacts/dashboard-laptop-full.png`,
      fullPage: true,
    });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('panel-funnel-csv').click(),
    ]);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('阶段');
    expect(download.suggestedFilename()).toMatch(/^funnel-closed-loop.*\.csv$/);
  });

  it('compares two versions side by side', async () => {
    await page.goto(`${world.server.url}/dashboard?sop=closed-loop&v=1&vs=1`);
    await page.getByTestId('panel-compare').waitFor();
    await page.locator('[data-testid="table-compare"] .ant-table-row').first().waitFor();
    await page.getByTestId('panel-compare').scrollIntoViewIfNeeded();
    await shot(page, 'dashboard-ab-laptop');
  });

  it('opens the bottleneck map, lists a stage’s records and follows one', async () => {
    await page.goto(`${world.server.url}/dashboard?sop=closed-loop`);
    await page.getByTestId('tab-map').click();
    await page.waitForURL(/\/dashboard\/map\?sop=closed-loop/);
    // the map's chunk (React Flow, elk layout) loads on first visit: slow on a busy machine
    await page.getByTestId('bottleneck-map-page').waitFor({ timeout: 90_000 });
    await page.getByTestId('map-node-capture').waitFor({ timeout: 90_000 });
    // the first stage holds the seed's extra records
    const now = await page
      .getByTestId('map-node-capture')
      .getByTestId('map-node-metric')
      .getAttribute('data-now');
    expect(Number(now)).toBeGreaterThan(0);
    await page.waitForTimeout(400);
    await shot(page, 'bottleneck-map-laptop');

    await page.getByTestId('map-metric').getByText('超时率').click();
    await page.getByTestId('map-node-capture').click();
    await page.getByTestId('stage-records').waitFor();
    const link = page.getByTestId('stage-record-link').first();
    await link.waitFor();
    await shot(page, 'bottleneck-map-stage-records');
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/records\/.+/);
  });

  it('a period over 31 days reads the rollup: medians marked approximate, counts the same', async () => {
    const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${world.server.url}/dashboard?sop=closed-loop`);
    const rows = page.getByTestId('panel-funnel').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    expect(await page.getByTestId('times-approx').count()).toBe(0);
    const range = `from=${day(89)}&to=${day(0)}`;
    await page.goto(`${world.server.url}/dashboard?sop=closed-loop&${range}`);
    await page.getByTestId('times-approx').waitFor();
    // the table shows what the API answers from the rollup (whose counts the integration
    // tests hold equal to the live SQL's)
    const api = await page.request.get(
      `${world.server.url}/api/reports/funnel?sopId=closed-loop&${range}`,
    );
    expect(api.status()).toBe(200);
    const funnel = (await api.json()) as { stages: Array<{ entered: number; final: boolean }> };
    // the table leaves out outcomes no record reached
    const entered = funnel.stages
      .filter((x) => !x.final || x.entered > 0)
      .map((x) => String(x.entered));
    await expect
      .poll(
        async () => (await rows.locator('td:nth-child(2)').allTextContents()).map((x) => x.trim()),
        {
          timeout: 20_000,
          interval: 250,
        },
      )
      .toEqual(entered);
    await shot(page, 'dashboard-90-days');
    await page.goto(
      `${world.server.url}/dashboard/map?sop=closed-loop&from=${day(89)}&to=${day(0)}`,
    );
    await page.getByTestId('map-approx').waitFor({ timeout: 90_000 });
    await shot(page, 'bottleneck-map-90-days');
  });

  it('had no page errors', () => {
    expect(world.pageErrors).toEqual([]);
  });
});

describe('dashboard (phone, 390 wide)', () => {
  let page: Page;

  beforeAll(async () => {
    page = await world.open('manager@demo.test', { size: 'phone' });
  });

  it('is readable on a phone: dashboard and map', async () => {
    await page.goto(`${world.server.url}/dashboard?sop=closed-loop`);
    await page.locator('[data-testid="table-funnel"] .ant-table-row').first().waitFor();
    await page.locator('[data-testid="chart-funnel"][data-ready="true"]').waitFor();
    await page.waitForTimeout(600);
    await noHorizontalScroll(page);
    await shot(page, 'dashboard-phone');
    await page.screenshot({
      path: `${ROOT}test-artifacts/dashboard-phone-full.png`,
      fullPage: true,
    });

    // a phone opens the map as a list (a diagram fitted to 390 px cannot be read)
    await page.goto(`${world.server.url}/dashboard/map?sop=closed-loop`);
    await page.getByTestId('map-list-capture').waitFor({ timeout: 90_000 });
    await page.waitForTimeout(400);
    await noHorizontalScroll(page);
    await shot(page, 'bottleneck-map-phone');
    // the diagram is one tap away
    await page.getByTestId('map-show-diagram').click();
    await page.getByTestId('map-node-capture').waitFor({ timeout: 90_000 });
    await noHorizontalScroll(page);
    await page.getByTestId('bottleneck-map').scrollIntoViewIfNeeded();
    await shot(page, 'bottleneck-map-phone-diagram');
  });
});

describe('who may see it', () => {
  it('a rep has no dashboard and the API refuses', async () => {
    const rep = await world.api('rep1@demo.test');
    const res = await rep('GET', '/api/reports/funnel?sopId=closed-loop');
    expect(res.status).toBe(403);
    const manager = await world.api('manager@demo.test');
    const ok = await manager('GET', '/api/reports/bottleneck-map?sopId=closed-loop');
    expect(ok.status).toBe(200);
  });
});
