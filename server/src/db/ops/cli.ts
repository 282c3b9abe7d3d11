/**
 * The database tools behind `bun run db:move`, `db:backup` and `db:restore`. The lane comes
 * from the same variables as the server (DATABASE_URL, else DATA_DIR, default ./data). Bad
 * arguments print the usage and exit 2; a failed operation prints why and exits 1.
 */
import { parseArgs } from 'node:util';
import { configFromEnv, parseConfig } from '../../config.ts';
import { backup, type Lane, restore } from './backup.ts';
import { describeUrl } from './introspect.ts';
import { moveToPostgres, OpsError } from './move.ts';

const USAGE = `usage:
  bun run db:move --to postgres://USER@HOST:PORT/EMPTY_DB [--from DATA_DIR]
  bun run db:backup FILE     (Postgres when DATABASE_URL is set, else the PGlite folder DATA_DIR)
  bun run db:restore FILE    (into an empty database or a data folder that does not exist yet)`;

class UsageError extends Error {}

function laneFromEnv(): Lane {
  const parsed = parseConfig(configFromEnv(process.env));
  if (!parsed.ok) throw new UsageError(parsed.errors.join('; '));
  return { databaseUrl: parsed.config.databaseUrl, dataDir: parsed.config.dataDir };
}

function oneFile(args: string[]): string {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError('name exactly one FILE');
  return positionals[0];
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const say = (line: string) => console.log(`db:${command}: ${line}`);
  switch (command) {
    case 'move': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { to: { type: 'string' }, from: { type: 'string' } },
      });
      if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
      if (!values.to || !/^postgres(ql)?:\/\//.test(values.to)) {
        throw new UsageError('--to must be a postgres:// URL of an empty database');
      }
      const dataDir = values.from ?? laneFromEnv().dataDir;
      say(`copying ${dataDir} to ${describeUrl(values.to)}`);
      const report = await moveToPostgres({ dataDir, to: values.to, log: say });
      const rows = report.tables.reduce((n, t) => n + t.rows, 0);
      say(
        `done: ${report.tables.length} tables, ${rows} rows. Start the server with DATABASE_URL=${describeUrl(values.to)}`,
      );
      return;
    }
    case 'backup': {
      const file = oneFile(rest);
      const lane = laneFromEnv();
      await backup(lane, file);
      say(`wrote ${file} from ${lane.databaseUrl ? describeUrl(lane.databaseUrl) : lane.dataDir}`);
      return;
    }
    case 'restore': {
      const file = oneFile(rest);
      const lane = laneFromEnv();
      await restore(lane, file);
      say(
        `restored ${file} into ${lane.databaseUrl ? describeUrl(lane.databaseUrl) : lane.dataDir}`,
      );
      return;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'name a command');
  }
}

try {
  await main(process.argv.slice(2));
  process.exit(0);
} catch (e) {
  if (e instanceof UsageError || (e instanceof TypeError && 'code' in e)) {
    // parseArgs throws TypeError with a code (ERR_PARSE_ARGS_…) on unknown options
    console.error(`closeloop db: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (e instanceof OpsError) {
    console.error(`closeloop db: ${e.message}`);
    process.exit(1);
  }
  console.error('closeloop db: failed', e);
  process.exit(1);
}
