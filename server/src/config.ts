/**
 * Server configuration, parsed once at start. A bad value stops the process with the field
 * and the reason (see main.ts); nothing else reads `process.env`.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** Whose forwarding headers to believe: nobody's, anybody's, or these peers'. */
export type TrustProxy = boolean | readonly string[];

const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

export const Config = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  /** postgres://… selects the postgres.js driver; absent means embedded PGlite. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /**
   * A direct connection (not through PgBouncer in transaction mode) for what needs a session:
   * LISTEN for live updates and the migration lock. Absent: DATABASE_URL serves both.
   */
  directDatabaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /**
   * Named prepared statements on Postgres. Turn off behind a pooler that cannot keep them
   * (PgBouncer in transaction mode before 1.21, or without max_prepared_statements).
   */
  preparedStatements: onOff.default(true),
  /**
   * Group commit on Postgres (on by default): concurrent commands share one transaction and
   * multi-row statements, each keeping its own outcome (db/group-commit.ts;
   * docs/performance.md). `off`: a transaction per command. PGlite never groups.
   */
  groupCommit: onOff.default(true),
  /**
   * Postgres: a turn of the event loop's writes to a connection reach the kernel as one
   * (db/socket.ts) instead of one per statement over 1 KB. `off`: postgres.js's own socket.
   */
  coalesceWrites: onOff.default(true),
  /** PGlite data directory; `memory://` keeps the database in memory (tests). */
  dataDir: z.string().min(1).default('./data'),
  /** Lets POST /api/test-clock shift a workspace's time. Never on by default. */
  testClock: onOff.default(false),
  /** `auto`: seed the demo workspace when the database holds no workspace. */
  seed: z.enum(['auto', 'off']).default('auto'),
  /** Scheduler poll period; 0 disables the background loop (tests drive it). */
  schedulerIntervalMs: z.coerce.number().int().min(0).max(3_600_000).default(1000),
  /** Timers claimed per scheduler round. */
  schedulerBatch: z.coerce.number().int().min(1).max(10_000).default(200),
  /**
   * How long a running import stays with its process without a heartbeat; after that any
   * process takes it over and continues from its last committed batch.
   */
  importLeaseSeconds: z.coerce.number().int().min(1).max(3600).default(60),
  /** Import rows committed per transaction. */
  importBatchRows: z.coerce.number().int().min(1).max(2000).default(200),
  /** Connections in the postgres.js pool. */
  poolSize: z.coerce.number().int().min(1).max(200).default(20),
  /** Where the built editor lives; served with an SPA fallback. */
  editorDist: z.string().min(1).default('./editor/dist'),
  /** Log each request (method, path, status, ms). */
  logRequests: onOff.default(false),
  /**
   * Server processes sharing the port (Linux SO_REUSEPORT); more than one needs Postgres.
   * The first migrates and seeds, then starts the others (server/README.md, Scale-out).
   */
  workers: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * Sign-in attempts one client address may make in 15 minutes before each further one
   * waits (10 s, doubling to 15 min); raise it when many people share one address (NAT).
   */
  signInFreePerAddress: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Where people reach this server: the chat robots' buttons link to `<publicUrl>/l/…`. */
  publicUrl: z.string().url().default('http://localhost:3000'),
  /** Requests per minute one API token may make to one server process. */
  tokenRatePerMinute: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /**
   * Behind a reverse proxy: believe its X-Forwarded-For (the client address: the last entry,
   * the one the proxy appended) and X-Forwarded-Proto (https: the session cookie is Secure).
   * `off` (default): both headers are ignored. `on`: from any peer (only when nothing but the
   * proxy can reach the server). A comma-separated list of addresses: only from those peers.
   */
  trustProxy: z
    .string()
    .default('off')
    .transform((v, ctx): TrustProxy => {
      const flag = v.trim().toLowerCase();
      if (['on', 'true', '1'].includes(flag)) return true;
      if (['off', 'false', '0', ''].includes(flag)) return false;
      const list = v.split(',').map((a) => a.trim());
      for (const a of list) {
        if (!isIP(a)) ctx.addIssue({ code: 'custom', message: `"${a}" is not an IP address` });
      }
      return list;
    }),
  /**
   * On SIGTERM: how long in-flight requests and the scheduler's round may take before they
   * are cut (their transactions roll back; nothing acknowledged is lost).
   */
  shutdownTimeoutMs: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Delivery worker poll period (outbox fan-out and due deliveries); 0 disables the loop. */
  deliveryIntervalMs: z.coerce.number().int().min(0).max(3_600_000).default(1000),
  /** Deliveries one process sends at once. */
  deliveryConcurrency: z.coerce.number().int().min(1).max(256).default(8),
  /** Outbox rows or deliveries claimed per round. */
  deliveryBatch: z.coerce.number().int().min(1).max(10_000).default(100),
  /** One HTTP exchange's limit; the claim's lease is this plus 15 s. */
  deliveryTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /**
   * Multiplies the retry schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h).
   * 1 in production; tests shorten it.
   */
  deliveryRetryScale: z.coerce.number().min(0.0001).max(1).default(1),
  /**
   * Internal hosts outbound delivery may reach although they resolve to private, loopback or
   * link-local addresses: comma-separated `host` or `host:port`.
   */
  outboundAllowHosts: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
});
export type Config = z.infer<typeof Config>;
export type ConfigInput = z.input<typeof Config>;

/** Maps environment variables onto config fields. */
export function configFromEnv(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const pick = (name: string) => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    port: pick('PORT'),
    databaseUrl: pick('DATABASE_URL'),
    directDatabaseUrl: pick('DIRECT_DATABASE_URL'),
    preparedStatements: pick('DATABASE_PREPARE'),
    groupCommit: pick('GROUP_COMMIT'),
    coalesceWrites: pick('DATABASE_COALESCE_WRITES'),
    dataDir: pick('DATA_DIR'),
    testClock: pick('TEST_CLOCK'),
    seed: pick('SEED'),
    schedulerIntervalMs: pick('SCHEDULER_INTERVAL_MS'),
    schedulerBatch: pick('SCHEDULER_BATCH'),
    importLeaseSeconds: pick('IMPORT_LEASE_SECONDS'),
    importBatchRows: pick('IMPORT_BATCH_ROWS'),
    poolSize: pick('POOL_SIZE'),
    editorDist: pick('EDITOR_DIST'),
    logRequests: pick('LOG_REQUESTS'),
    workers: pick('WORKERS'),
    trustProxy: pick('TRUST_PROXY'),
    tokenRatePerMinute: pick('TOKEN_RATE_PER_MINUTE'),
    signInFreePerAddress: pick('SIGN_IN_FREE_PER_ADDRESS'),
    publicUrl: pick('PUBLIC_URL'),
    shutdownTimeoutMs: pick('SHUTDOWN_TIMEOUT_MS'),
    deliveryIntervalMs: pick('DELIVERY_INTERVAL_MS'),
    deliveryConcurrency: pick('DELIVERY_CONCURRENCY'),
    deliveryBatch: pick('DELIVERY_BATCH'),
    deliveryTimeoutMs: pick('DELIVERY_TIMEOUT_MS'),
    deliveryRetryScale: pick('DELIVERY_RETRY_SCALE'),
    outboundAllowHosts: pick('OUTBOUND_ALLOW_HOSTS'),
  };
}

const ENV_NAMES: Record<string, string> = {
  port: 'PORT',
  databaseUrl: 'DATABASE_URL',
  directDatabaseUrl: 'DIRECT_DATABASE_URL',
  preparedStatements: 'DATABASE_PREPARE',
  groupCommit: 'GROUP_COMMIT',
  coalesceWrites: 'DATABASE_COALESCE_WRITES',
  dataDir: 'DATA_DIR',
  testClock: 'TEST_CLOCK',
  seed: 'SEED',
  schedulerIntervalMs: 'SCHEDULER_INTERVAL_MS',
  schedulerBatch: 'SCHEDULER_BATCH',
  importLeaseSeconds: 'IMPORT_LEASE_SECONDS',
  importBatchRows: 'IMPORT_BATCH_ROWS',
  poolSize: 'POOL_SIZE',
  editorDist: 'EDITOR_DIST',
  logRequests: 'LOG_REQUESTS',
  workers: 'WORKERS',
  trustProxy: 'TRUST_PROXY',
  tokenRatePerMinute: 'TOKEN_RATE_PER_MINUTE',
  signInFreePerAddress: 'SIGN_IN_FREE_PER_ADDRESS',
  publicUrl: 'PUBLIC_URL',
  shutdownTimeoutMs: 'SHUTDOWN_TIMEOUT_MS',
  deliveryIntervalMs: 'DELIVERY_INTERVAL_MS',
  deliveryConcurrency: 'DELIVERY_CONCURRENCY',
  deliveryBatch: 'DELIVERY_BATCH',
  deliveryTimeoutMs: 'DELIVERY_TIMEOUT_MS',
  deliveryRetryScale: 'DELIVERY_RETRY_SCALE',
  outboundAllowHosts: 'OUTBOUND_ALLOW_HOSTS',
};

/** Parses config; on failure returns one line per bad field, naming the variable. */
export function parseConfig(
  input: unknown,
): { ok: true; config: Config } | { ok: false; errors: string[] } {
  const r = Config.safeParse(input);
  if (r.success && r.data.workers > 1 && !r.data.databaseUrl) {
    return {
      ok: false,
      errors: ['WORKERS: more than one worker needs DATABASE_URL (PGlite is one process)'],
    };
  }
  if (r.success) return { ok: true, config: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => {
      const field = String(i.path[0] ?? '');
      return `${ENV_NAMES[field] ?? field}: ${i.message}`;
    }),
  };
}
