/**
 * `bun run start`: parse config, migrate, seed the demo workspace when the database is
 * empty, serve the API and the built editor, print the demo logins.
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

let db: Awaited<ReturnType<typeof createDb>>;
try {
  db = await createDb(config);
  await migrateDb(db, config);
} catch (e) {
  const where = config.databaseUrl ? 'DATABASE_URL' : `DATA_DIR (${config.dataDir})`;
  console.error(`closeloop: cannot open the database named by ${where}:`);
  console.error(`  ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const app = createApp({ db, clock: systemClock, config });
const logins = config.seed === 'auto' ? await seedDemo(app.deps) : null;
await app.start();

const server = Bun.serve({ port: config.port, fetch: app.fetch, idleTimeout: 0 });
const url = `http://localhost:${server.port}`;
console.log(
  `closeloop: serving ${url} (database: ${db.kind}${db.kind === 'pglite' ? ` in ${config.dataDir}` : ''})`,
);
console.log(`closeloop: API reference ${url}/api/docs`);
if (logins) {
  console.log(`closeloop: demo logins (password ${DEMO_PASSWORD}):`);
  for (const l of logins) console.log(`  ${l.role.padEnd(8)} ${l.email}`);
}
if (config.testClock) console.log('closeloop: TEST_CLOCK is on — POST /api/test-clock moves time');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`closeloop: ${signal}, stopping`);
  server.stop();
  await app.stop();
  await db.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
