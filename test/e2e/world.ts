/**
 * One server and one Chromium for an end-to-end test file, started before its tests and
 * closed after them, with the pieces every file needs: pages signed in as a demo user at
 * phone or laptop size, API clients per user, the demo users' ids, and the page errors seen.
 *
 * @example
 * const world = browserWorld({ seed: 'users', publish: [inboundWebLead] });
 * it('…', async () => {
 *   const page = await world.open('rep1@demo.test', { size: 'phone' });
 * });
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { body } from './checks.ts';
import {
  type ApiClient,
  type ContextOptions,
  launchBrowser,
  openContext,
  publishSop,
  signIn,
  startServer,
  type TestServer,
} from './harness.ts';

export type OpenOptions = ContextOptions & {
  /** Signs in with this password instead of the demo users' one. */
  password?: string;
  /** Goes here once signed in. */
  path?: string;
};

export type Person = { id: string; email: string; name: string; role: string; active: boolean };

export type WorldOptions = {
  seed?: 'demo' | 'users';
  /** Server settings; a function is read when the server starts (after earlier hooks ran). */
  config?: Record<string, string> | (() => Record<string, string>);
  /** Library SOPs saved and published by the manager before the tests. */
  publish?: Array<{ id: string }>;
  /** Fail the file when a page threw (default: the errors are only printed). */
  strictPageErrors?: boolean;
};

export type BrowserWorld = {
  readonly server: TestServer;
  readonly browser: Browser;
  /** `[email] message` of every uncaught error in a page opened here. */
  readonly pageErrors: string[];
  /** A new page in a context of its own, signed in as `email` (not signed in when null). */
  open(email: string | null, opts?: OpenOptions): Promise<Page>;
  /** The API signed in as `email`, one client per user. */
  api(email: string): Promise<ApiClient>;
  /** Clients for several users at once: `const [a, b] = await world.apis('a@…', 'b@…')`. */
  apis<const T extends readonly string[]>(...emails: T): Promise<{ [K in keyof T]: ApiClient }>;
  /** The workspace's users by email, read once. */
  users(): Promise<Record<string, Person>>;
  /** The workspace's user ids by email. */
  userIds(): Promise<Record<string, string>>;
};

/** Registers the file's beforeAll/afterAll and returns the world they fill. */
export function browserWorld(opts: WorldOptions = {}): BrowserWorld {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let people: Promise<Record<string, Person>> | undefined;
  const contexts: BrowserContext[] = [];
  const clients = new Map<string, Promise<ApiClient>>();
  const pageErrors: string[] = [];
  const started = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`the ${what} is used before beforeAll started it`);
    return v;
  };

  const world: BrowserWorld = {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    pageErrors,
    async open(email, { password, path, ...context } = {}) {
      const ctx = await openContext(world.browser, context);
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('pageerror', (e) => {
        pageErrors.push(`[${email ?? 'signed out'}] ${e.message}`);
        console.error(`[${email ?? 'signed out'}] pageerror`, e.message);
      });
      if (email) await signIn(page, world.server.url, email, password);
      if (path) await page.goto(`${world.server.url}${path}`);
      return page;
    },
    api(email) {
      let client = clients.get(email);
      if (!client) {
        client = world.server.apiAs(email);
        clients.set(email, client);
      }
      return client;
    },
    apis<const T extends readonly string[]>(...emails: T) {
      return Promise.all(emails.map((e) => world.api(e))) as Promise<{ [K in keyof T]: ApiClient }>;
    },
    users() {
      people ??= readPeople(world.api('manager@demo.test'));
      return people;
    },
    async userIds() {
      const all = await world.users();
      return Object.fromEntries(Object.values(all).map((u) => [u.email, u.id]));
    },
  };

  beforeAll(async () => {
    const config = typeof opts.config === 'function' ? opts.config() : opts.config;
    [server, browser] = await Promise.all([
      startServer({ seed: opts.seed ?? 'users', ...(config ? { config } : {}) }),
      launchBrowser(),
    ]);
    if (opts.publish?.length) {
      const manager = await world.api('manager@demo.test');
      for (const doc of opts.publish) await publishSop(manager, doc);
    }
  }, 300_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    if (opts.strictPageErrors) expect(pageErrors).toEqual([]);
  });

  return world;
}

async function readPeople(api: Promise<ApiClient>): Promise<Record<string, Person>> {
  const users = await body<{ items: Person[] }>((await api)('GET', '/api/users'));
  return Object.fromEntries(users.items.map((u) => [u.email, u]));
}
