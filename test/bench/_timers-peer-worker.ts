/**
 * One worker process of a job-queue peer in timers-peers.ts: graphile-worker or pg-boss runs
 * the `fire-timer` jobs (one per due timer), and each job does the product's firing of that
 * timer in one transaction on the library's own connection: reads the record, steps the
 * engine (the scheduler's planCommand, the same code), and writes exactly the statements the
 * scheduler writes for it (timer fired, version-guarded record update, events, stage visits,
 * cancelled and next timers, outbox, NOTIFY). The SOP version, calendar and roster are read
 * once per process (the scheduler reads the roster once per batch).
 *
 *   bun test/bench/_timers-peer-worker.ts <graphile|pgboss> <json options>
 *
 * Prints "ready" once it is polling; runs until SIGTERM.
 */
import { type Calendar, chinaCalendar } from '@closeloop/engine';
import { createApp, createDb, parseConfig, systemClock } from '@closeloop/server';
import { run } from 'graphile-worker';
import { PgBoss } from 'pg-boss';
import { planCommand } from '../../server/src/services/commands/command-stages.ts';
import type { RunCommand } from '../../server/src/services/commands/command-types.ts';
import { notifyStmt, storedRecordOf } from '../../server/src/services/commands/record-store.ts';
import { loadRoster } from '../../server/src/services/commands/roster.ts';

export type PeerOptions = {
  url: string;
  ws: string;
  /** graphile-worker: concurrentJobs per process; pg-boss: localConcurrency. */
  concurrency: number;
  /** graphile-worker: localQueue.size (-1 off); pg-boss: batchSize (one transaction a batch). */
  batch: number;
  /** Connections per process (the library's pool). */
  pool: number;
};

export type FireJob = { w: string; t: string; r: string };
type Q = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

const [peer, raw] = process.argv.slice(2);
const opts = JSON.parse(raw ?? '{}') as PeerOptions;

// the SOP cache (and the one-time reads) go through the product's own Db
const p = parseConfig({ databaseUrl: opts.url, poolSize: '2', schedulerIntervalMs: '0' });
if (!p.ok) throw new Error(p.errors.join());
const db = await createDb(p.config);
const { deps } = createApp({ db, clock: systemClock, config: p.config });
const teams = new Set([...deps.sops.knownTeams(opts.ws), 'sales']);
const roster = await loadRoster(db, opts.ws, [...teams], Date.now(), false);
const calRows = await db.query('select calendar from workspaces where id = $1', [opts.ws]);
const calendar = (calRows[0]?.calendar as Calendar | null) ?? chinaCalendar;

/** The scheduler's firing of one timer, as statements run on `q` inside the caller's transaction. */
async function fire(q: Q, job: FireJob): Promise<void> {
  const rows = await q(
    'select state, version, event_count from records where workspace_id = $1 and id = $2',
    [job.w, job.r],
  );
  const row = rows.rows[0];
  if (!row) throw new Error(`record ${job.r} not found`);
  const stored = storedRecordOf(row);
  const input: RunCommand = {
    env: {
      ...deps,
      workspaceId: job.w,
      actor: { id: 'system', role: 'admin', system: true },
      now: Date.now(),
      calendar,
    },
    recordId: job.r,
    cmd: { type: 'timer', timerId: job.t },
    // the job queue holds the claim; the timer row is fired once, as the scheduler fires it
    guards: [
      {
        text: `update timers set status = 'fired', fired_at = now()
                where workspace_id = $1 and id = $2 and status = 'pending' returning id`,
        params: [job.w, job.t],
      },
    ],
  };
  await deps.sops.get(job.w, stored.state.sopId, stored.state.sopVersion);
  const plan = await planCommand(input, { stored, roster, teams, counts: false });
  for (const pl of plan.planned) {
    const res = await q(pl.stmt.text, pl.stmt.params);
    if (pl.expectOne && res.rows.length !== 1) throw new Error(`miss: ${pl.expectOne}`);
  }
  if (plan.live) {
    const n = notifyStmt(plan.live);
    await q(n.text, n.params);
  }
}

// the libraries unref their timers and idle connections: this keeps the process alive until SIGTERM
setInterval(() => {}, 60_000);

if (peer === 'graphile') {
  const runner = await run({
    connectionString: opts.url,
    concurrency: opts.concurrency,
    maxPoolSize: opts.pool,
    pollInterval: 2000,
    noHandleSignals: true,
    logger: undefined,
    preset: {
      worker: {
        ...(opts.batch > 1 ? { localQueue: { size: opts.batch } } : {}),
        completeJobBatchDelay: opts.batch > 1 ? 0 : -1,
      },
    },
    taskList: {
      'fire-timer': async (payload, helpers) => {
        await helpers.withPgClient(async (client) => {
          const q: Q = (text, params) => client.query(text, params as unknown[]);
          await client.query('begin');
          try {
            await fire(q, payload as FireJob);
            await client.query('commit');
          } catch (e) {
            await client.query('rollback');
            throw e;
          }
        });
      },
    },
  });
  console.log('ready');
  process.on('SIGTERM', () => {
    void runner.stop().then(() => process.exit(0));
  });
} else if (peer === 'pgboss') {
  const boss = new PgBoss({
    connectionString: opts.url,
    max: opts.pool,
    supervise: false,
    schedule: false,
    useListenNotify: true,
  });
  boss.on('error', (e) => console.error('pg-boss', e));
  await boss.start();
  await boss.work(
    'fire-timer',
    {
      localConcurrency: opts.concurrency,
      batchSize: opts.batch,
      // keep fetching while batches come back full; the shortest polls otherwise (pg-boss
      // waits its polling interval after every fetch that is not a full batch)
      burstWhenBatchFull: opts.batch > 1,
      pollingIntervalSeconds: 0.5,
      notifyPollingIntervalSeconds: 0.5,
      transactional: true,
    },
    async (jobs, tx) => {
      const q: Q = (text, params) => tx.executeSql(text, params);
      for (const job of jobs) await fire(q, job.data as FireJob);
    },
  );
  console.log('ready');
  process.on('SIGTERM', () => {
    void boss.stop({ graceful: false }).then(() => process.exit(0));
  });
} else {
  throw new Error(`unknown peer ${peer}`);
}
