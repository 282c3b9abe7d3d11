/**
 * Applies the committed drizzle-kit migrations (server/drizzle) at start, over one
 * connection. On Postgres an advisory lock keeps several starting processes from racing.
 */
import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Db, DbConfig } from './client.ts';

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Any fixed number; shared by every Closeloop process on the database. */
const MIGRATION_LOCK = 7_240_301;

export async function migrateDb(db: Db, config: DbConfig): Promise<void> {
  if (db.kind === 'pglite' || !config.databaseUrl) {
    // PGlite is a single connection already; drizzle wants its own typed handle
    await migratePglite(db.orm as unknown as Parameters<typeof migratePglite>[0], {
      migrationsFolder,
    });
    return;
  }
  // a session advisory lock: through a transaction pooler it needs the direct connection
  const one = postgres(config.directDatabaseUrl ?? config.databaseUrl, {
    max: 1,
    onnotice: () => {},
  });
  try {
    await one`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migratePostgres(drizzlePostgres({ client: one }), { migrationsFolder });
    } finally {
      await one`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await one.end({ timeout: 5 });
  }
}
