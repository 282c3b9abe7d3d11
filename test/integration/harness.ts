/**
 * Integration harness: one suite, several databases. Each lane builds a real server
 * (createApp + Bun.serve on a free port) over in-memory PGlite or, when DATABASE_URL is
 * set, Postgres. Each test file makes its own workspace with unique emails.
 */
import type { SopDocument } from '@closeloop/engine';
import {
  type App,
  type Clock,
  createApp,
  createDb,
  createWorkspace,
  type Db,
  migrateDb,
  parseConfig,
  systemClock,
} from '@closeloop/server';

export type Lane = { name: 'pglite' | 'postgres'; databaseUrl?: string; enabled: boolean };

export const LANES: Lane[] = [
  { name: 'pglite', enabled: true },
  {
    name: 'postgres',
    databaseUrl: process.env.DATABASE_URL,
    enabled: !!process.env.DATABASE_URL,
  },
];

export type Server = {
  url: string;
  app: App;
  db: Db;
  close(): Promise<void>;
};

export async function startServer(
  lane: Lane,
  opts: {
    clock?: Clock;
    schedulerIntervalMs?: number;
    trustProxy?: string;
    tokenRatePerMinute?: string;
    signInFreePerAddress?: string;
    /** Delivery loop period; 0 (default) leaves delivery to the test (`app.delivery`). */
    deliveryIntervalMs?: number;
    outboundAllowHosts?: string;
    deliveryRetryScale?: number;
    deliveryTimeoutMs?: number;
    /** Postgres group commit (db/group-commit.ts); the server's default (on) when not given. */
    groupCommit?: boolean;
  } = {},
): Promise<Server> {
  const parsed = parseConfig({
    databaseUrl: lane.databaseUrl,
    dataDir: 'memory://',
    testClock: 'on',
    seed: 'off',
    schedulerIntervalMs: String(opts.schedulerIntervalMs ?? 0),
    poolSize: '10',
    editorDist: '/nonexistent',
    trustProxy: opts.trustProxy,
    tokenRatePerMinute: opts.tokenRatePerMinute,
    signInFreePerAddress: opts.signInFreePerAddress,
    deliveryIntervalMs: String(opts.deliveryIntervalMs ?? 0),
    outboundAllowHosts: opts.outboundAllowHosts,
    deliveryRetryScale: opts.deliveryRetryScale,
    deliveryTimeoutMs: opts.deliveryTimeoutMs,
    ...(opts.groupCommit !== undefined && { groupCommit: opts.groupCommit ? 'on' : 'off' }),
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const db = await createDb(parsed.config);
  await migrateDb(db, parsed.config);
  const app = createApp({ db, clock: opts.clock ?? systemClock, config: parsed.config });
  await app.start();
  const server = Bun.serve({ port: 0, fetch: app.fetch, idleTimeout: 0 });
  return {
    url: `http://127.0.0.1:${server.port}`,
    app,
    db,
    async close() {
      server.stop(true);
      await app.stop();
      await db.close();
    },
  };
}

export const PASSWORD = 'test-pass-1';

/** A workspace with one user of each role, two reps in `sales`, one rep in `marketing`. */
export async function makeWorkspace(db: Db) {
  const tag = crypto.randomUUID().slice(0, 8);
  const email = (who: string) => `${who}-${tag}@it.test`;
  const ws = await createWorkspace(db, {
    name: `IT ${tag}`,
    users: [
      { email: email('admin'), name: 'Admin', role: 'admin', password: PASSWORD },
      {
        email: email('manager'),
        name: 'Manager',
        role: 'manager',
        password: PASSWORD,
        locale: 'en',
      },
      { email: email('trainer'), name: 'Trainer', role: 'trainer', password: PASSWORD },
      { email: email('rep1'), name: 'Rep One', role: 'rep', password: PASSWORD },
      { email: email('rep2'), name: 'Rep Two', role: 'rep', password: PASSWORD },
      { email: email('rep3'), name: 'Rep Three', role: 'rep', password: PASSWORD },
    ],
    teams: [
      {
        id: 'sales',
        name: 'Sales',
        managers: [email('manager')],
        members: [email('rep1'), email('rep2')],
      },
      { id: 'marketing', name: 'Marketing', members: [email('rep3')] },
    ],
  });
  const id = (who: string) => ws.users[email(who)]?.id ?? '';
  return { id: ws.id, email, userId: id };
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by each test's assertions
export type Json = any;

export type Res<T = Json> = { status: number; body: T; headers: Headers };

/** A tiny HTTP client with a cookie jar, like a browser tab. */
export class Client {
  cookie = '';
  /** An API token sent as `Authorization: Bearer`; empty: none. */
  bearer = '';
  constructor(readonly base: string) {}

  async req<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res<T>> {
    const h: Record<string, string> = { 'x-closeloop-csrf': '1', ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) {
      payload = body; // multipart: fetch sets the boundary
    } else if (body !== undefined) {
      h['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const set = res.headers.get('set-cookie');
    if (set) {
      const first = set.split(';')[0] ?? '';
      this.cookie = first.endsWith('=') ? '' : first;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = Json>(path: string, headers?: Record<string, string>) {
    return this.req<T>('GET', path, undefined, headers);
  }
  post<T = Json>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.req<T>('POST', path, body ?? {}, headers);
  }
  put<T = Json>(path: string, body?: unknown) {
    return this.req<T>('PUT', path, body);
  }
  patch<T = Json>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.req<T>('PATCH', path, body, headers);
  }

  async login(email: string, password = PASSWORD): Promise<Res> {
    const r = await this.post('/api/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  }
}

export async function as(base: string, email: string): Promise<Client> {
  const c = new Client(base);
  await c.login(email);
  return c;
}

const t = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/**
 * A small SOP for tests: new → qualified → won/lost. `new` has an SLA (1h, reminder at
 * 30 min, manager alert at 1h) and routes round-robin over `sales`; QUALIFY needs a phone
 * and a positive budget; WIN needs the checklist of `qualified`.
 */
export function testSop(id = 'it-lead'): SopDocument {
  return {
    id,
    version: 0,
    name: t('测试线索', 'Test lead'),
    fields: [
      { key: 'company', type: 'text', label: t('公司', 'Company') },
      { key: 'phone', type: 'phone', label: t('电话', 'Phone') },
      { key: 'budget', type: 'money', label: t('预算', 'Budget') },
      { key: 'followUpAt', type: 'datetime', label: t('跟进时间', 'Follow-up at') },
      { key: 'lostNote', type: 'longText', label: t('原因', 'Note') },
    ],
    machine: {
      id,
      initial: 'new',
      states: {
        new: {
          meta: {
            stage: {
              title: t('新线索', 'New lead'),
              fields: ['company', 'phone', 'budget'],
              owner: { rules: [], default: { team: 'sales', strategy: 'round-robin' } },
              sla: {
                duration: 'PT1H',
                clock: 'wall',
                escalations: [
                  { after: 'PT30M', kind: 'remind-owner' },
                  { after: 'PT1H', kind: 'notify-manager' },
                ],
              },
            },
          },
          on: {
            QUALIFY: {
              target: 'qualified',
              meta: {
                label: t('确认有效', 'Qualify'),
                fields: ['phone', 'budget'],
                gate: {
                  all: [
                    {
                      fact: 'phone',
                      operator: 'isNotEmpty',
                      value: true,
                      message: t('请填写电话', 'Enter the phone number'),
                    },
                    {
                      fact: 'budget',
                      operator: 'greaterThan',
                      value: 0,
                      message: t('预算必须大于 0', 'Budget must be above 0'),
                    },
                  ],
                },
              },
            },
            LOSE: { target: 'lost', meta: { label: t('丢单', 'Lose') } },
          },
        },
        qualified: {
          meta: {
            stage: {
              title: t('已确认', 'Qualified'),
              checklist: [
                { id: 'called', label: t('已电话沟通', 'Called') },
                { id: 'quoted', label: t('已报价', 'Quoted') },
              ],
            },
          },
          on: {
            WIN: {
              target: 'won',
              meta: {
                label: t('赢单', 'Win'),
                gate: {
                  all: [
                    {
                      fact: '$checklist',
                      operator: 'checklistComplete',
                      value: true,
                      message: t('请完成检查清单', 'Finish the checklist'),
                    },
                  ],
                },
              },
            },
            LOSE: { target: 'lost', meta: { label: t('丢单', 'Lose') } },
          },
        },
        won: { type: 'final', meta: { stage: { title: t('赢单', 'Won'), outcome: 'won' } } },
        lost: { type: 'final', meta: { stage: { title: t('丢单', 'Lost'), outcome: 'lost' } } },
      },
    },
  };
}

/** Creates and publishes an SOP as `c`; returns the published version. */
export async function publish(c: Client, doc: SopDocument): Promise<number> {
  const created = await c.post('/api/sops', { doc });
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(`createSop ${created.status} ${JSON.stringify(created.body)}`);
  }
  if (created.status === 409) {
    const put = await c.put(`/api/sops/${doc.id}/draft`, { doc });
    if (put.status !== 200) throw new Error(`updateSopDraft ${put.status}`);
  }
  const p = await c.post(`/api/sops/${doc.id}/publish`, { note: 'test' });
  if (p.status !== 200) throw new Error(`publishSop ${p.status} ${JSON.stringify(p.body)}`);
  return p.body.version;
}

/** The people `makeWorkspace` makes, by the name tests call them. */
export type Person = 'admin' | 'manager' | 'trainer' | 'rep1' | 'rep2' | 'rep3';
export type Workspace = Awaited<ReturnType<typeof makeWorkspace>>;

/** A server on a lane, a fresh workspace, the people asked for signed in, SOPs published. */
export type World = {
  srv: Server;
  ws: Workspace;
  /** Signs in one more client as `who`. */
  login(who: Person): Promise<Client>;
} & Record<Person, Client>;

/**
 * The usual set-up of an integration file in one call: starts the server on `lane`, makes a
 * workspace, signs in `people` (all six unless named; a client not asked for throws when it
 * is used) and publishes `publish` as the manager.
 *
 * @example
 * beforeAll(async () => {
 *   ({ srv, ws, manager, rep1 } = await openWorld(lane, { people: ['manager', 'rep1'], publish: [testSop(sopId)] }));
 * });
 */
export async function openWorld(
  lane: Lane,
  opts: {
    server?: Parameters<typeof startServer>[1];
    people?: Person[];
    publish?: SopDocument[];
  } = {},
): Promise<World> {
  const srv = await startServer(lane, opts.server);
  const ws = await makeWorkspace(srv.db);
  const login = (who: Person) => as(srv.url, ws.email(who));
  const everyone: Person[] = ['admin', 'manager', 'trainer', 'rep1', 'rep2', 'rep3'];
  const wanted = opts.people ?? everyone;
  const signedIn = await Promise.all(wanted.map(login));
  const clients = Object.fromEntries(
    everyone.map((who) => {
      const i = wanted.indexOf(who);
      return [who, i >= 0 ? signedIn[i] : notSignedIn(who)];
    }),
  ) as Record<Person, Client>;
  for (const doc of opts.publish ?? []) await publish(clients.manager, doc);
  return { srv, ws, login, ...clients };
}

/** A stand-in for a person the test did not sign in: any use names the person. */
function notSignedIn(who: Person): Client {
  return new Proxy({} as Client, {
    get(_, prop) {
      if (prop === 'then') return undefined;
      throw new Error(`openWorld: ${who} was not signed in (add it to people)`);
    },
  });
}

/**
 * Polls `test` until it holds; throws naming `what` after `timeoutMs` (delivery, timers and
 * other work the server does on its own time).
 */
export async function until(
  what: string,
  test: () => Promise<boolean>,
  timeoutMs = 90_000,
  everyMs = 50,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(everyMs);
  }
}
