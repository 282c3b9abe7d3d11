/**
 * createApp: the one way the server is built, for production and for tests, so tests run
 * the real middleware, routes and error handler. No module-level database or clock.
 */
import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { Scalar } from '@scalar/hono-api-reference';
import { secureHeaders } from 'hono/secure-headers';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import { createRouter } from './http/context.ts';
import { bearerAuth, operationResolver } from './http/middleware/bearer.ts';
import { bodyLimits } from './http/middleware/body-limit.ts';
import { csrf } from './http/middleware/csrf.ts';
import { clientIp, isHttps } from './http/middleware/proxy.ts';
import { createRateLimiter } from './http/middleware/rate-limit.ts';
import { session } from './http/middleware/session.ts';
import { onError, problem } from './http/problem.ts';
import { LIMITS } from './http/schemas.ts';
import { createLiveHub, type LiveHub } from './live.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { botRoutes, linkRoutes } from './routes/bots.ts';
import { customerRoutes } from './routes/customers.ts';
import { formPageRoutes, formRoutes } from './routes/forms.ts';
import { healthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/imports.ts';
import { intakeRoutes } from './routes/intake.ts';
import { intakeReviewRoutes } from './routes/intake-review.ts';
import { libraryRoutes } from './routes/library.ts';
import { miscRoutes } from './routes/misc.ts';
import { recordRoutes } from './routes/records.ts';
import { repRoutes } from './routes/rep.ts';
import { reportRoutes } from './routes/reports.ts';
import type { Router } from './routes/router.ts';
import { sopRoutes } from './routes/sops.ts';
import { tokensAuditRoutes } from './routes/tokens-audit.ts';
import { trainingRoutes } from './routes/training.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { AUTH_CHANNEL, createSessionCache, SESSION_COOKIE } from './services/auth/sessions.ts';
import { createScheduler, type Scheduler } from './services/commands/scheduler.ts';
import type { Deps } from './services/core/context.ts';
import {
  createHealthCheck,
  createLifecycle,
  type Health,
  type Lifecycle,
} from './services/core/health.ts';
import { type ChatPump, createChatPump } from './services/delivery/bots/pump.ts';
import { createDeliveryWorker, type DeliveryWorker } from './services/delivery/worker.ts';
import { createImportResumer } from './services/intake/imports/resume.ts';
import { IMPORT_LIMITS } from './services/intake/parse/limits.ts';
import { createSopCache } from './services/sops/sop-cache.ts';

export type App = {
  /** Bun.serve passes itself as `server`: the socket address for the audit log comes from it. */
  fetch: (req: Request, server?: unknown) => Response | Promise<Response>;
  deps: Deps;
  scheduler: Scheduler;
  /** Turns the chat channels' queues into deliveries (services/delivery/bots/pump.ts). */
  chatPump: ChatPump;
  /** Outbound delivery (outbox fan-out, webhooks, chat bots); started with the scheduler. */
  delivery: DeliveryWorker;
  live: LiveHub;
  /** Draining state shared with the health check and the live streams. */
  lifecycle: Lifecycle;
  health(): Promise<Health>;
  /**
   * Starts listening for live updates and, unless disabled, the scheduler loop and the
   * import resumer (which takes over import runs whose process stopped).
   */
  start(): Promise<void>;
  /**
   * Stops the scheduler (waiting up to `graceMs` for the round in progress), hands back the
   * timers this process still has claimed, and stops listening. The caller closes the db.
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
};

/** A request id a client may choose: letters, digits and `._:-`, at most 100. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The editor is built by Vite with no inline scripts; antd injects styles at run time. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PUBLIC_PATHS = new Set([
  '/api/health',
  '/api/health/live',
  '/api/openapi.json',
  '/api/docs',
  '/api/auth/login',
  '/api/auth/logout',
  '/api/invites/accept',
]);

/**
 * Builds the HTTP app over a database and a clock.
 *
 * @example
 * const db = await createDb({ dataDir: 'memory://' });
 * await migrateDb(db, config);
 * const app = createApp({ db, clock: systemClock, config });
 * await app.start();
 * Bun.serve({ port: 0, fetch: app.fetch });
 */
export function createApp({ db, clock, config }: { db: Db; clock: Clock; config: Config }): App {
  const live = createLiveHub(db);
  // the worker needs only the database, clock and config; the rest of the app reaches it
  // through deps.outbound (a test send or a replay asks for delivery now)
  const delivery = createDeliveryWorker({ db, clock, config });
  const deps: Deps = {
    db,
    clock,
    config,
    sops: createSopCache(db),
    live,
    outbound: { kick: () => delivery.kick() },
  };
  const scheduler = createScheduler(deps);
  const imports = createImportResumer(deps);
  const chatPump = createChatPump({
    db,
    clock,
    intervalMs: config.deliveryIntervalMs,
    publicUrl: config.publicUrl,
  });
  const lifecycle = createLifecycle();
  const health = createHealthCheck(db, lifecycle);
  const sessions = createSessionCache(deps, config.testClock ? 0 : 30_000);
  let stopAuth: (() => Promise<void>) | null = null;

  const api = createRouter();
  useApiMiddleware(api, deps, sessions);
  mountApiRoutes(api, { health, lifecycle, scheduler, testClock: config.testClock });
  registerApiDocs(api);
  api.onError(onError);
  const root = createRootRouter(api, deps);

  return {
    fetch: (req, server) => root.fetch(req, server),
    deps,
    scheduler,
    chatPump,
    delivery,
    live,
    lifecycle,
    health,
    async start() {
      stopAuth = await db.listen(AUTH_CHANNEL, (sid) => sessions.drop(sid));
      await live.start();
      scheduler.start();
      if (config.schedulerIntervalMs !== 0) imports.start();
      delivery.start();
      chatPump.start();
    },
    async stop(opts = {}) {
      lifecycle.drain();
      await Promise.all([
        scheduler.stop(opts.graceMs),
        delivery.stop(opts.graceMs),
        chatPump.stop(),
      ]);
      await imports.stop();
      await live.stop();
      await stopAuth?.().catch(() => {});
    },
  };
}

/**
 * The API's middleware, in order: request context, body limits, bearer tokens, then the
 * CSRF and session checks that protect cookies (public form paths skip those two).
 */
function useApiMiddleware(
  api: Router,
  deps: Deps,
  sessions: ReturnType<typeof createSessionCache>,
) {
  const { config } = deps;
  const tokenLimiter = createRateLimiter({ limit: config.tokenRatePerMinute, windowMs: 60_000 });
  api.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('session', null);
    c.set('user', undefined);
    c.set('ip', clientIp(c, config.trustProxy));
    c.set('https', isHttps(c, config.trustProxy));
    await next();
  });
  const limits = bodyLimits({
    bytes: LIMITS.bodyBytes,
    largeBytes: LIMITS.sopBodyBytes,
    largePrefix: '/api/sops',
  });
  // an import upload may be as large as the import limit (plus its multipart envelope)
  const uploadLimit = bodyLimits({
    bytes: IMPORT_LIMITS.maxFileBytes + 64 * 1024,
    largeBytes: IMPORT_LIMITS.maxFileBytes + 64 * 1024,
    largePrefix: '/api/imports',
  });
  api.use('*', (c, next) =>
    c.req.method === 'POST' && c.req.path === '/api/imports'
      ? uploadLimit(c, next)
      : limits(c, next),
  );
  // an API token decides alone: the CSRF and session checks, which protect cookies, pass
  // a bearer request on untouched (see http/middleware/bearer.ts)
  api.use('*', bearerAuth({ operationOf: operationResolver(api, '/api'), limiter: tokenLimiter }));
  // public form submissions carry no credentials: no cookie is read, so no CSRF to guard
  const isPublic = (path: string) => path.startsWith('/api/public/');
  const csrfCheck = csrf({ sessionCookie: SESSION_COOKIE });
  const sessionCheck = session({
    cookie: SESSION_COOKIE,
    resolve: (sid) => sessions.resolve(sid),
    publicPaths: PUBLIC_PATHS,
  });
  api.use('*', (c, next) => (isPublic(c.req.path) ? next() : csrfCheck(c, next)));
  api.use('*', (c, next) => (isPublic(c.req.path) ? next() : sessionCheck(c, next)));
}

/** Every resource's routes under /api; the order is the OpenAPI document's. */
function mountApiRoutes(
  api: Router,
  o: {
    health: () => Promise<Health>;
    lifecycle: Lifecycle;
    scheduler: Scheduler;
    testClock: boolean;
  },
) {
  api.route('/', healthRoutes(o.health, o.lifecycle));
  api.route('/', authRoutes());
  api.route('/', sopRoutes());
  api.route('/', recordRoutes());
  api.route('/', customerRoutes());
  api.route('/', reportRoutes());
  api.route('/', miscRoutes(o.scheduler, o.testClock, o.lifecycle.closing));
  api.route('/', repRoutes());
  api.route('/', libraryRoutes());
  api.route('/', trainingRoutes());
  api.route('/', adminRoutes());
  api.route('/', tokensAuditRoutes());
  api.route('/', importRoutes());
  api.route('/', intakeRoutes());
  api.route('/', formRoutes());
  api.route('/', intakeReviewRoutes());
  api.route('/', botRoutes());
  api.route('/', webhookRoutes());
}

/** The security schemes, /api/openapi.json and the reference page at /api/docs. */
function registerApiDocs(api: Router) {
  api.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API token (createApiToken). Its scopes decide which operations it reaches; others answer 403 `token-scope`.',
  });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Closeloop API',
      version: '0.1.0',
      description:
        'Rules-driven follow-up SOPs: records, actions, gates, timers. Errors are application/problem+json; `title` follows Accept-Language (zh-CN or en).',
    },
    servers: [{ url: '/api' }],
    security: [{ cookieAuth: [] }, { bearerAuth: [] }],
  });
  api.get('/docs', Scalar({ url: '/api/openapi.json', pageTitle: 'Closeloop API' }));
}

/** The root: request ids and logging, security headers, /api, hosted forms, links, editor. */
function createRootRouter(api: Router, deps: Deps): Router {
  const { config } = deps;
  const root = createRouter();
  root.use('*', async (c, next) => {
    // a client's id is logged and echoed only when it is plainly an id
    const given = c.req.header('x-request-id');
    c.set('requestId', given && REQUEST_ID.test(given) ? given : crypto.randomUUID());
    const started = performance.now();
    await next();
    c.header('x-request-id', c.get('requestId'));
    if (config.logRequests) {
      const ms = (performance.now() - started).toFixed(1);
      console.log(`${c.req.method} ${c.req.path} ${c.res.status} ${ms}ms`);
    }
  });
  root.use('*', secureHeaders({ referrerPolicy: 'same-origin' }));
  root.use('*', async (c, next) => {
    await next();
    // the API reference page loads its viewer from a CDN; everything else is our own
    if (c.req.path.startsWith('/f/')) {
      // hosted forms are embedded in customers' sites (iframe snippet)
      c.header(
        'content-security-policy',
        CSP.replace("frame-ancestors 'none'", 'frame-ancestors *'),
      );
      c.res.headers.delete('x-frame-options');
    } else if (c.req.path !== '/api/docs') c.header('content-security-policy', CSP);
  });
  root.route('/api', api);
  root.route('/', formPageRoutes(deps));
  root.route('/', linkRoutes(deps));
  mountEditor(root, config.editorDist);
  // sub-routers' notFound is not consulted when mounted; answer unknown paths here
  root.notFound((c) => problem(c, 'not-found', `no route ${c.req.method} ${c.req.path}`));
  root.onError(onError);
  return root;
}

const MISSING_EDITOR = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Closeloop</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto">
<h1>Closeloop API is running</h1>
<p>The editor has not been built yet. Run <code>bun run --cwd editor build</code> (or <code>bun run start</code>, which builds it) and reload.</p>
<p>API reference: <a href="/api/docs">/api/docs</a> · OpenAPI: <a href="/api/openapi.json">/api/openapi.json</a></p>
</body></html>`;

/**
 * Files of the installable app whose type Bun cannot guess from the name, or that must be
 * re-checked on every load (a stale service worker would pin an old app).
 */
const SHELL_FILES: Record<string, Record<string, string>> = {
  '/manifest.webmanifest': {
    'content-type': 'application/manifest+json; charset=utf-8',
    'cache-control': 'no-cache',
  },
  '/sw.js': {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': 'no-cache',
    'service-worker-allowed': '/',
  },
};

function mountEditor(root: Router, dist: string) {
  const dir = resolve(dist);
  const index = join(dir, 'index.html');
  root.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path === '/api') return next();
    if (!existsSync(index)) return c.html(MISSING_EDITOR, 200);
    let path = '';
    try {
      path = resolve(dir, `.${decodeURIComponent(c.req.path)}`);
    } catch {
      path = '';
    }
    if (path.startsWith(dir + sep)) {
      const file = Bun.file(path);
      if (await file.exists()) {
        const immutable = path.includes(`${sep}assets${sep}`);
        return new Response(file, {
          headers: {
            ...(immutable ? { 'cache-control': 'public, max-age=31536000, immutable' } : {}),
            ...(Object.hasOwn(SHELL_FILES, c.req.path) ? SHELL_FILES[c.req.path] : {}),
          },
        });
      }
    }
    // SPA fallback: unknown paths get the app shell; the client router takes over
    return new Response(Bun.file(index), {
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    });
  });
}
