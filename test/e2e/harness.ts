/**
 * The shared end-to-end harness. It builds nothing: it serves the already built editor
 * (editor/dist; `bun run test` builds it first) from an in-process server made by
 * `createApp` on in-memory PGlite, with a test clock the test controls and the test-clock
 * route on, and launches Debian Chromium through playwright-core.
 *
 * @example
 * const h = await startServer();
 * const browser = await launchBrowser();
 * const page = await (await laptopContext(browser)).newPage();
 * await signIn(page, h.url, 'manager@demo.test');
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withoutHandoffs } from '@closeloop/engine';
import {
  type App,
  type Clock,
  configFromEnv,
  createApp,
  createDb,
  createWorkspace,
  type Db,
  DEMO_PASSWORD,
  DEMO_USERS,
  migrateDb,
  parseConfig,
  seedDemo,
} from '@closeloop/server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { assertBrowserDeps } from '../browser-deps.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = `${ROOT}test-artifacts`;
export const LAPTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * A clock the test moves. It starts at the real time (session cookies expire against the
 * browser's own clock, so a clock in the past would sign everyone out) and then only moves
 * when the test says so.
 */
export type TestClock = Clock & { set(ms: number): void; advance(ms: number): void };

export function createTestClock(start = Date.now()): TestClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export type TestServer = {
  url: string;
  app: App;
  db: Db;
  clock: TestClock;
  /** A fetch against the API signed in as `email` (cookie kept per helper). */
  apiAs(email: string): Promise<ApiClient>;
  stop(): Promise<void>;
};

export type ApiClient = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

/**
 * Starts the server on a random port.
 * - `seed: 'demo'` runs the full demo seed (library SOPs published, records in every stage);
 * - `seed: 'users'` (faster) makes the demo workspace's people and teams only, for tests
 *   that draw their SOP from scratch.
 */
export async function startServer(
  opts: { seed?: 'demo' | 'users'; config?: Record<string, string> } = {},
): Promise<TestServer> {
  const dist = `${ROOT}editor/dist`;
  if (!existsSync(`${dist}/index.html`)) {
    throw new Error(
      'editor/dist is missing: run `bun run --cwd editor build` first (bun run test does)',
    );
  }
  const parsed = parseConfig({
    ...configFromEnv({}),
    port: '0',
    dataDir: 'memory://',
    testClock: 'on',
    seed: 'off',
    schedulerIntervalMs: '0',
    editorDist: dist,
    ...opts.config,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const clock = createTestClock();
  const db = await createDb(parsed.config);
  await migrateDb(db, parsed.config);
  const app = createApp({ db, clock, config: parsed.config });
  if (opts.seed === 'demo') await seedDemo(app.deps);
  else {
    await createWorkspace(db, {
      id: 'demo',
      name: '杭州启航工业设备有限公司',
      users: DEMO_USERS.map((u) => ({ ...u, password: DEMO_PASSWORD })),
      teams: [
        {
          id: 'sales',
          name: '华东销售一部',
          managers: ['manager@demo.test'],
          members: ['rep1@demo.test', 'rep2@demo.test'],
        },
      ],
    });
  }
  await app.start();
  const server = Bun.serve({ port: 0, fetch: app.fetch, idleTimeout: 0 });
  const url = `http://localhost:${server.port}`;
  return {
    url,
    app,
    db,
    clock,
    async apiAs(email) {
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ email, password: DEMO_PASSWORD }),
      });
      if (!login.ok) throw new Error(`login as ${email} failed: ${login.status}`);
      const cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
      return async (method, path, body) => {
        const res = await fetch(`${url}${path}`, {
          method,
          headers: {
            cookie,
            origin: url,
            accept: 'application/json',
            'x-closeloop-csrf': '1',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        let parsedBody: unknown = text;
        try {
          parsedBody = text ? JSON.parse(text) : null;
        } catch {
          // not JSON: keep the text
        }
        return { status: res.status, body: parsedBody };
      };
    },
    async stop() {
      server.stop(true);
      await app.stop();
      await db.close();
    },
  };
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  // no Chromium or CJK fonts: one clear message with the command, not a launch error
  assertBrowserDeps();
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** phone 390×844 with touch, laptop 1280×800, wide 1366×800 (the common office screen). */
export type Size = 'phone' | 'laptop' | 'wide';

export type ContextOptions = {
  size?: Size;
  locale?: 'zh-CN' | 'en';
  /** The browser's time zone (the machine's by default). */
  timezoneId?: string;
};

const VIEWPORTS: Record<Size, { width: number; height: number }> = {
  phone: PHONE,
  laptop: LAPTOP,
  wide: { width: 1366, height: 800 },
};

/** A browser context of that size, with the app's language set before any page loads. */
export async function openContext(
  browser: Browser,
  { size = 'laptop', locale = 'zh-CN', timezoneId }: ContextOptions = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: VIEWPORTS[size],
    deviceScaleFactor: 1,
    locale,
    ...(timezoneId ? { timezoneId } : {}),
    ...(size === 'phone' ? { isMobile: true, hasTouch: true } : {}),
    acceptDownloads: true,
  });
  await ctx.addInitScript((l) => {
    try {
      localStorage.setItem('closeloop.locale', l);
    } catch {
      // storage blocked: the browser language decides
    }
  }, locale);
  return ctx;
}

/** A laptop-sized (1280×800) context. */
export const laptopContext = (b: Browser, locale: 'zh-CN' | 'en' = 'zh-CN') =>
  openContext(b, { size: 'laptop', locale });

/** A phone-sized (390×844, touch) context. */
export const phoneContext = (b: Browser, locale: 'zh-CN' | 'en' = 'zh-CN') =>
  openContext(b, { size: 'phone', locale });

/** Signs in through the login page, the way a person does. */
export async function signIn(
  page: Page,
  base: string,
  email: string,
  password = DEMO_PASSWORD,
): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Saves a screenshot to test-artifacts/<name>.png and returns its path. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}/${name}.png`;
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** A screenshot once drawers, modals and toasts have finished animating in. */
export async function snap(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400);
  await shot(page, name);
}

/**
 * Saves and publishes a library SOP as `api` (a manager), without its cross-SOP handoffs, so a
 * test that seeds only the people (`seed: 'users'`) need not publish every target first.
 * Throws with the server's problem body when either step is refused.
 */
export async function publishSop(api: ApiClient, doc: { id: string }): Promise<void> {
  const saved = await api('POST', '/api/sops', { doc: withoutHandoffs(doc) });
  if (saved.status !== 201) throw new Error(`save ${doc.id}: ${JSON.stringify(saved.body)}`);
  const published = await api('POST', `/api/sops/${doc.id}/publish`, { note: 'e2e' });
  if (published.status !== 200)
    throw new Error(`publish ${doc.id}: ${JSON.stringify(published.body)}`);
}
