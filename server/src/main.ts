/**
 * `bun run start`: parse config, migrate, seed the demo workspace when the database is
 * empty, serve the API and the built editor, print the demo logins.
 *
 * WORKERS=N (Postgres only): this process migrates and seeds, serves, then starts N-1 more
 * copies of itself with `--worker`; all of them listen on the same port with SO_REUSEPORT,
 * so the kernel spreads connections over them. They share nothing but the database (the
 * server is stateless; timers are claimed with SKIP LOCKED, live updates and session ends go
 * through LISTEN/NOTIFY). Workers stop with this process.
 */
import { createApp } from './app.ts';
import { systemClock } from './clock.ts';
import { configFromEnv, parseConfig } from './config.ts';
import { createDb } from './db/client.ts';
import { migrateDb } from './db/migrate.ts';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';

const parsed = parseConfig(configFromEnv(process.env));
if (!parsed.ok) {
  console.error('closeloop: bad configuration');
  for (const line of parsed.errors) console.error(`  ${line}`);
  process.exit(1);
}
const config = parsed.config;
/** Started by the first process: the database is migrated and seeded already. */
const isWorker = process.argv.includes('--worker');
let stopping = false;

let db: Awaited<ReturnType<typeof createDb>>;
try {
  db = await createDb(config);
  if (!isWorker) await migrateDb(db, config);
} catch (e) {
  const where = config.databaseUrl ? 'DATABASE_URL' : `DATA_DIR (${config.dataDir})`;
  console.error(`closeloop: cannot open the database named by ${where}:`);
  console.error(`  ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const app = createApp({ db, clock: systemClock, config });
const logins = config.seed === 'auto' && !isWorker ? await seedDemo(app.deps) : null;
await app.start();

const server = Bun.serve({
  port: config.port,
  fetch: app.fetch,
  idleTimeout: 0,
  reusePort: config.workers > 1,
});
const url = `http://localhost:${server.port}`;
const workers = isWorker ? [] : startWorkers(config.workers - 1, server.port ?? config.port);
if (isWorker) {
  console.log(`closeloop: worker ${process.pid} serving ${url}`);
  // a worker never outlives the process that started it (even after kill -9)
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown('parent gone');
  }, 1000).unref();
} else {
  console.log(
    `closeloop: serving ${url} (database: ${db.kind}${db.kind === 'pglite' ? ` in ${config.dataDir}` : ''})`,
  );
  console.log(`closeloop: API reference ${url}/api/docs`);
  if (logins) {
    console.log(`closeloop: demo logins (password ${DEMO_PASSWORD}):`);
    for (const l of logins) console.log(`  ${l.role.padEnd(8)} ${l.email}`);
  }
  if (config.testClock)
    console.log('closeloop: TEST_CLOCK is on — POST /api/test-clock moves time');
  if (workers.length)
    console.log(`closeloop: ${workers.length + 1} processes share port ${server.port}`);
}

/**
 * Graceful stop (SIGTERM, SIGINT): health turns 503 and live streams end (the balancer and
 * the browsers go elsewhere), the socket stops accepting, in-flight requests finish (up to
 * SHUTDOWN_TIMEOUT_MS, then they are cut and their transactions roll back), the scheduler
 * ends its round and hands back the timers it still holds claimed, and the database closes.
 */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  const grace = config.shutdownTimeoutMs;
  console.log(`closeloop: ${signal}, draining (up to ${grace} ms)`);
  app.lifecycle.drain();
  for (const w of workers) w.kill('SIGTERM');
  const served = server.stop(false).then(() => true);
  const drained = await Promise.race([served, Bun.sleep(grace).then(() => false)]);
  if (!drained) {
    console.error(`closeloop: ${server.pendingRequests} request(s) still running; cutting them`);
    await server.stop(true);
  }
  await Promise.all(workers.map((w) => w.exited));
  await app.stop({ graceMs: grace });
  await db.close();
  console.log('closeloop: stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

/** Starts `n` more server processes on `port` (see the header); restarts one that dies. */
function startWorkers(n: number, port: number): Array<ReturnType<typeof Bun.spawn>> {
  const procs: Array<ReturnType<typeof Bun.spawn>> = [];
  const spawn = (i: number) => {
    const proc = Bun.spawn([process.execPath, import.meta.path, '--worker'], {
      env: { ...process.env, PORT: String(port), SEED: 'off' },
      stdio: ['ignore', 'inherit', 'inherit'],
      onExit(_p, code) {
        if (stopping) return;
        console.error(`closeloop: worker exited (${code}); restarting it`);
        setTimeout(() => {
          if (!stopping) procs[i] = spawn(i);
        }, 1000);
      },
    });
    return proc;
  };
  for (let i = 0; i < n; i++) procs.push(spawn(i));
  return procs;
}
