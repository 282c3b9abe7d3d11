/**
 * One database handle, two drivers: embedded PGlite (default) or postgres.js (DATABASE_URL).
 *
 * Most code uses `orm` (drizzle). The command path uses `batch`, which runs a list of
 * parameterised statements in one transaction and, on postgres.js, sends them together
 * (pipelined inside `sql.begin`) rather than awaiting each in turn. With `groupCommit`
 * (Postgres) concurrent row-shaped batches share a transaction and multi-row statements
 * (group-commit.ts): each keeps its own outcome and nobody is answered before COMMIT.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { type Check, groupCommitter } from './group-commit.ts';
import * as schema from './schema.ts';
import { withCoalescingSocket } from './socket.ts';
import { type Row, type Stmt, wireForm } from './stmt.ts';

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;
export type { Row, Stmt } from './stmt.ts';

export type Db = {
  kind: 'pglite' | 'postgres';
  orm: Orm;
  /** One statement outside any transaction. */
  query(text: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Runs `stmts` in one transaction and returns each statement's rows. `check` sees the
   * rows before COMMIT; throwing from it rolls the transaction back.
   *
   * With `merge` and group commit on, the batch may share its transaction and its row-shaped
   * statements with concurrent ones (group-commit.ts). Its `check` then sees the rows of its
   * keyed guards only (each row `{ k }`), and `[]` for the others, and it gets the same back:
   * pass `merge` only when `check` and the caller read nothing else.
   */
  batch(stmts: Stmt[], check?: Check, opts?: { merge?: boolean }): Promise<Row[][]>;
  /**
   * An interactive transaction for multi-step work (claiming timers, publishing). `q` runs
   * one statement inside it.
   */
  transaction<T>(
    fn: (q: (text: string, params?: unknown[]) => Promise<Row[]>) => Promise<T>,
  ): Promise<T>;
  /** Subscribes to a NOTIFY channel; returns the unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

export type DbConfig = {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** For LISTEN and session locks when DATABASE_URL goes through a transaction pooler. */
  directDatabaseUrl?: string;
  /** Named prepared statements (default on); off behind a pooler that cannot keep them. */
  preparedStatements?: boolean;
  /**
   * Sees every statement as it is sent, with its parameters and the connection it goes out
   * on (postgres.js only; BEGIN and COMMIT included). The server bench records one action's
   * statements with it to replay them as its same-writes baseline.
   */
  onStatement?: (connection: number, text: string, params: readonly unknown[]) => void;
  /** Postgres: concurrent `batch` calls with `merge` share a transaction (group-commit.ts). */
  groupCommit?: boolean;
  /** Postgres: one write per turn of the event loop (socket.ts); on unless false. */
  coalesceWrites?: boolean;
};

/**
 * Opens the database named by the config: postgres.js when `databaseUrl` is set, else PGlite
 * in `dataDir` (`memory://` for an in-memory database).
 *
 * @example
 * const db = await createDb({ dataDir: 'memory://' });
 * await migrateDb(db, config);
 */
export async function createDb(config: DbConfig): Promise<Db> {
  if (config.databaseUrl) {
    return createPostgresDb(config.databaseUrl, config.poolSize ?? 20, {
      direct: config.directDatabaseUrl,
      prepare: config.preparedStatements ?? true,
      onStatement: config.onStatement,
      groupCommit: config.groupCommit ?? false,
      coalesceWrites: config.coalesceWrites ?? true,
    });
  }
  return createPgliteDb(config.dataDir);
}

async function createPgliteDb(dataDir: string): Promise<Db> {
  // pg_trgm: similar customer names (the customers migration creates the extension)
  const extensions = { pg_trgm };
  const client =
    dataDir === 'memory://' ? new PGlite({ extensions }) : new PGlite(dataDir, { extensions });
  await client.waitReady;
  const orm = drizzlePglite({ client, schema });
  const run = async (text: string, params: unknown[] = []) =>
    (await client.query<Row>(text, params)).rows;
  return {
    kind: 'pglite',
    orm: orm as unknown as Orm,
    query: run,
    async batch(stmts, check) {
      return client.transaction(async (tx) => {
        const out: Row[][] = [];
        for (const s of stmts) {
          const w = wireForm(s);
          out.push((await tx.query<Row>(w.text, w.params)).rows);
        }
        check?.(out);
        return out;
      });
    },
    async transaction(fn) {
      return client.transaction(async (tx) =>
        fn(async (text, params = []) => (await tx.query<Row>(text, params)).rows),
      );
    },
    async listen(channel, onPayload) {
      const off = await client.listen(channel, onPayload);
      return async () => {
        await off();
      };
    },
    async close() {
      await client.close();
    },
  };
}

async function createPostgresDb(
  url: string,
  max: number,
  opts: {
    direct?: string;
    prepare: boolean;
    onStatement?: DbConfig['onStatement'];
    groupCommit: boolean;
    coalesceWrites: boolean;
  },
): Promise<Db> {
  // our statement texts are fixed, so named prepared statements pay off (unsafe() defaults to not)
  const PREPARED = { prepare: opts.prepare };
  const options = {
    max,
    prepare: opts.prepare,
    onnotice: () => {},
    // bigint counts come back as strings by default; we cast in SQL where we need numbers
    connection: { application_name: 'closeloop' },
    ...(opts.onStatement && {
      debug: (connection: number, text: string, params: unknown[]) =>
        opts.onStatement?.(connection, text, params),
    }),
  };
  // one write per turn of the event loop instead of one per statement over 1 KB (socket.ts)
  const sql = postgres(url, opts.coalesceWrites ? withCoalescingSocket(options) : options);
  let listener: postgres.Sql | null = null;
  const orm = drizzlePostgres({ client: sql, schema });
  const toRows = (r: unknown) => (Array.isArray(r) ? (r as Row[]) : []);
  // BEGIN and the statements go out together on one reserved connection (sql.begin would
  // wait for BEGIN's answer first): one round trip for the work, one for COMMIT, which is
  // sent only after `check` has seen the rows
  async function alone(stmts: Stmt[], check?: Check): Promise<Row[][]> {
    const c = await sql.reserve();
    try {
      const begin = c.unsafe('begin').execute();
      const sent = stmts.map((s) => {
        const w = wireForm(s);
        return c.unsafe(w.text, w.params as never[], PREPARED).execute();
      });
      // after a failed statement the rest fail too (the transaction is aborted); the
      // first failure is the one reported, the others must not go unhandled
      for (const q of [begin, ...sent]) q.catch(() => {});
      let rows: Row[][];
      try {
        await begin;
        rows = (await Promise.all(sent)).map(toRows);
        check?.(rows);
      } catch (e) {
        await Promise.allSettled(sent);
        await c.unsafe('rollback').catch(() => {});
        throw e;
      }
      await c.unsafe('commit');
      return rows;
    } finally {
      c.release();
    }
  }
  const group = opts.groupCommit ? groupCommitter(sql, { prepare: opts.prepare, alone }) : null;
  return {
    kind: 'postgres',
    orm: orm as unknown as Orm,
    async query(text, params = []) {
      return toRows(await sql.unsafe(text, params as never[], PREPARED));
    },
    async batch(stmts, check, batchOpts) {
      if (group && batchOpts?.merge) return group(stmts, check);
      return alone(stmts, check);
    },
    async transaction(fn) {
      const out = await sql.begin(async (tx) =>
        fn(async (text, params = []) => toRows(await tx.unsafe(text, params as never[], PREPARED))),
      );
      return out as Awaited<ReturnType<typeof fn>>;
    },
    async listen(channel, onPayload) {
      // LISTEN needs a session: through a transaction pooler it would be lost, so it takes
      // the direct connection when one is configured
      listener ??= opts.direct ? postgres(opts.direct, { max: 1, onnotice: () => {} }) : sql;
      const sub = await listener.listen(channel, onPayload);
      return async () => {
        await sub.unlisten();
      };
    },
    async close() {
      if (listener && listener !== sql) await listener.end({ timeout: 5 });
      await sql.end({ timeout: 5 });
    },
  };
}
