/**
 * `bun run db:move --to postgres://…`: copies an embedded (PGlite) data folder into an empty
 * Postgres database. The target gets its schema from the same migrations as the app, then
 * every table's rows in foreign-key order and the sequences, all in one transaction (a failed
 * copy leaves no rows behind); afterwards each table's row count and checksum are compared
 * with the source.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { createDb, type Row } from '../client.ts';
import { migrateDb } from '../migrate.ts';
import {
  type Checksum,
  checksum,
  describeUrl,
  firstNonEmptyTable,
  ident,
  listSequences,
  listTables,
  type Query,
  userRelations,
} from './introspect.ts';

/** A user-facing failure: the CLI prints the message and exits non-zero. */
export class OpsError extends Error {}

const PAGE = 2000;

export type MoveReport = { tables: Array<{ name: string } & Checksum> };

/** Opens a one-connection postgres.js client whose session renders timestamps in UTC. */
export function openPostgres(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { TimeZone: 'UTC' } });
  const q: Query = async (text, params = []) =>
    (await sql.unsafe(text, params as never[])) as unknown as Row[];
  return { sql, q };
}

/** Refuses a target that holds rows or relations of anything but an empty Closeloop schema. */
export async function assertEmptyForMove(q: Query, url: string): Promise<void> {
  const foreign = (await userRelations(q)).filter(
    (r) => !r.startsWith('public.') && !r.startsWith('drizzle.'),
  );
  if (foreign.length) {
    throw new OpsError(
      `the target database ${describeUrl(url)} is not empty: it holds ${foreign.slice(0, 3).join(', ')}. Move into a new, empty database (createdb NAME).`,
    );
  }
  const full = await firstNonEmptyTable(q);
  if (full) {
    throw new OpsError(
      `the target database ${describeUrl(url)} is not empty: table ${full} holds rows. Move into a new, empty database (createdb NAME); nothing was changed.`,
    );
  }
}

export async function moveToPostgres(opts: {
  dataDir: string;
  to: string;
  log?: (line: string) => void;
}): Promise<MoveReport> {
  const log = opts.log ?? (() => {});
  if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) {
    throw new OpsError(
      `no embedded database at ${opts.dataDir} (no PG_VERSION file); set DATA_DIR or --from to the folder the server used`,
    );
  }
  const target = openPostgres(opts.to);
  try {
    try {
      await target.q('select 1');
    } catch (e) {
      throw new OpsError(
        `cannot connect to ${describeUrl(opts.to)}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    await assertEmptyForMove(target.q, opts.to);
    const source = await createDb({ dataDir: opts.dataDir });
    try {
      await source.query(`set timezone to 'UTC'`);
      // the folder may come from an older release: bring it to this release's schema first,
      // as `bun run start` would
      await migrateDb(source, { dataDir: opts.dataDir });
      const migrations = await createDb({ databaseUrl: opts.to, dataDir: '', poolSize: 1 });
      try {
        await migrateDb(migrations, { databaseUrl: opts.to, dataDir: '' });
      } finally {
        await migrations.close();
      }
      log(`schema: migrations applied to ${describeUrl(opts.to)}`);
      const tables = await listTables(source.query);
      const targetNames = new Set((await listTables(target.q)).map((t) => t.name));
      const missing = tables.filter((t) => !targetNames.has(t.name)).map((t) => t.name);
      if (missing.length) {
        throw new OpsError(
          `the migrations did not create ${missing.join(', ')} on the target; is the source from a newer release?`,
        );
      }
      await target.sql.begin(async (tx) => {
        const tq: Query = async (text, params = []) =>
          (await tx.unsafe(text, params as never[])) as unknown as Row[];
        for (const t of tables) {
          const n = await copyTable(source.query, tq, t.name, t.columns);
          log(`copied ${t.name}: ${n} rows`);
        }
        for (const s of await listSequences(source.query)) {
          if (s.last !== null) await tq('select setval($1, $2::bigint, true)', [s.name, s.last]);
        }
      });
      const report: MoveReport = { tables: [] };
      const bad: string[] = [];
      for (const t of tables) {
        const a = await checksum(source.query, t.name);
        const b = await checksum(target.q, t.name);
        if (a.rows !== b.rows || a.sum !== b.sum) {
          bad.push(`${t.name} (source ${a.rows} rows ${a.sum}, target ${b.rows} rows ${b.sum})`);
        }
        report.tables.push({ name: t.name, ...b });
      }
      if (bad.length) throw new OpsError(`verification failed for ${bad.join('; ')}`);
      log(`verified ${tables.length} tables: row counts and checksums equal`);
      return report;
    } finally {
      await source.close();
    }
  } finally {
    await target.sql.end({ timeout: 5 });
  }
}

/** Copies one table page by page (by physical row position, so no key is needed). */
async function copyTable(from: Query, to: Query, table: string, columns: string[]) {
  const cols = columns.map(ident).join(', ');
  let after = '(0,0)';
  let total = 0;
  for (;;) {
    const rows = await from(
      `select ctid::text as c, to_jsonb(t)::text as j from ${ident(table)} t
        where ctid > $1::tid order by ctid limit ${PAGE}`,
      [after],
    );
    if (rows.length === 0) return total;
    const json = `[${rows.map((r) => String(r.j)).join(',')}]`;
    await to(
      `insert into ${ident(table)} (${cols})
       select ${cols} from json_populate_recordset(null::${ident(table)}, $1::text::json)`,
      [json],
    );
    total += rows.length;
    after = String(rows[rows.length - 1]?.c);
  }
}
