/**
 * `bun run db:backup FILE` and `bun run db:restore FILE` on both lanes. Postgres: pg_dump's
 * custom format and pg_restore (one transaction, stops at the first error). PGlite: its own
 * data-folder dump (a gzipped tar). A restore goes into an empty database only.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describeUrl, userRelations } from './introspect.ts';
import { OpsError, openPostgres } from './move.ts';

export type Lane = { databaseUrl?: string; dataDir: string };

const PG_MAGIC = 'PGDMP';

function lanePhrase(lane: Lane) {
  return lane.databaseUrl ? describeUrl(lane.databaseUrl) : `the data folder ${lane.dataDir}`;
}

function tool(name: 'pg_dump' | 'pg_restore'): string {
  const found = Bun.which(name);
  if (!found)
    throw new OpsError(`${name} not found on PATH (Debian: apt-get install postgresql-client)`);
  return found;
}

async function run(cmd: string[]): Promise<void> {
  const p = Bun.spawn(cmd, { stdout: 'inherit', stderr: 'pipe' });
  const err = await new Response(p.stderr).text();
  if ((await p.exited) !== 0) {
    throw new OpsError(`${cmd[0]} failed: ${err.trim() || `exit ${p.exitCode}`}`);
  }
}

export async function backup(lane: Lane, file: string): Promise<void> {
  if (existsSync(file))
    throw new OpsError(`${file} exists already; remove it or name another file`);
  if (lane.databaseUrl) {
    await run([
      tool('pg_dump'),
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--file=${file}`,
      `--dbname=${lane.databaseUrl}`,
    ]);
    return;
  }
  if (!existsSync(join(lane.dataDir, 'PG_VERSION'))) {
    throw new OpsError(
      `no embedded database at ${lane.dataDir}; set DATA_DIR to the folder the server used`,
    );
  }
  const pg = new PGlite(lane.dataDir);
  try {
    await pg.waitReady;
    const dump = await pg.dumpDataDir('gzip');
    await Bun.write(file, dump);
  } finally {
    await pg.close();
  }
}

/** What kind of backup a file holds, from its first bytes. */
async function kindOf(file: string): Promise<'pg_dump' | 'pglite' | 'unknown'> {
  const head = new Uint8Array(await Bun.file(file).slice(0, 5).arrayBuffer());
  if (new TextDecoder().decode(head) === PG_MAGIC) return 'pg_dump';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  return 'unknown';
}

export async function restore(lane: Lane, file: string): Promise<void> {
  if (!existsSync(file)) throw new OpsError(`no backup file ${file}`);
  const kind = await kindOf(file);
  if (kind === 'unknown') {
    throw new OpsError(
      `${file} is neither a pg_dump custom-format file nor a PGlite data-folder dump`,
    );
  }
  if (lane.databaseUrl && kind !== 'pg_dump') {
    throw new OpsError(
      `${file} is a PGlite backup; restore it into a data folder (unset DATABASE_URL, set DATA_DIR), then move it with bun run db:move --to …`,
    );
  }
  if (!lane.databaseUrl && kind !== 'pglite') {
    throw new OpsError(
      `${file} is a Postgres (pg_dump) backup; set DATABASE_URL to an empty Postgres database`,
    );
  }
  if (lane.databaseUrl) {
    const target = openPostgres(lane.databaseUrl);
    try {
      const rel = await userRelations(target.q).catch((e: unknown) => {
        throw new OpsError(
          `cannot connect to ${describeUrl(lane.databaseUrl ?? '')}: ${e instanceof Error ? e.message : String(e)}`,
        );
      });
      if (rel.length) {
        throw new OpsError(
          `the target database ${lanePhrase(lane)} is not empty (it holds ${rel.slice(0, 3).join(', ')}); restore into a new, empty database (createdb NAME)`,
        );
      }
    } finally {
      await target.sql.end({ timeout: 5 });
    }
    await run([
      tool('pg_restore'),
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${lane.databaseUrl}`,
      file,
    ]);
    return;
  }
  if (existsSync(lane.dataDir) && readdirSync(lane.dataDir).length > 0) {
    throw new OpsError(
      `${lanePhrase(lane)} is not empty; restore into a new folder (set DATA_DIR to a path that does not exist yet)`,
    );
  }
  const pg = new PGlite(lane.dataDir, { loadDataDir: Bun.file(file) });
  try {
    await pg.waitReady;
    await pg.query('select 1');
  } finally {
    await pg.close();
  }
}
