/**
 * Takes over import runs whose process stopped (a crash, kill -9, a lost host): every server
 * process polls for a running import whose lease has lapsed, claims it with FOR UPDATE SKIP
 * LOCKED (as the scheduler claims timers, so two processes never take the same run), and
 * continues it as the user who started it from its last committed batch. Rows already
 * committed have their outcome row, so nothing is created twice.
 */
import { loadUserInfo } from '../../auth/sessions.ts';
import type { Ctx, Deps } from '../../core/context.ts';
import { IMPORT_COLUMNS, importView } from './import-store.ts';
import { importJob, planImport } from './run-import.ts';
import { refreshCounts, runImportRows } from './runner.ts';

export type ImportResumer = {
  /** Claims and continues at most one abandoned run; its id, or null when none. */
  runOnce(): Promise<string | null>;
  start(): void;
  stop(): Promise<void>;
};

export function createImportResumer(deps: Deps): ImportResumer {
  const { db, config } = deps;
  const lease = config.importLeaseSeconds;

  async function runOnce(): Promise<string | null> {
    const leaseOwner = crypto.randomUUID();
    const rows = await db.query(
      `update imports i set lease_owner = $1, lease_until = now() + $2 * interval '1 second'
         from (select workspace_id, id from imports
                where status in ('running', 'cancelling')
                  and (lease_until is null or lease_until < now())
                order by started_at limit 1
                for update skip locked) d
        where i.workspace_id = d.workspace_id and i.id = d.id
        returning ${IMPORT_COLUMNS.split(',')
          .map((c) => `i.${c.trim()}`)
          .join(', ')}, i.workspace_id, i.run_by`,
      [leaseOwner, lease],
    );
    const row = rows[0];
    if (!row) return null;
    const imp = importView(row);
    const userId = typeof row.run_by === 'string' ? row.run_by : imp.createdBy;
    const ws = String(row.workspace_id);
    const info = await loadUserInfo(db, ws, userId, config.testClock);
    const failed = async (why: string) => {
      await db.query(
        `update imports set status = 'failed', error = $3, lease_owner = null, lease_until = null
          where workspace_id = $1 and id = $2 and lease_owner = $4`,
        [ws, imp.id, why, leaseOwner],
      );
    };
    if (!info) {
      await failed('the user who started this import is no longer active');
      return imp.id;
    }
    const ctx: Ctx = {
      ...deps,
      user: info.user,
      now: deps.clock.now() + info.clockOffsetMs,
      calendar: info.calendar,
      clockOffsetMs: info.clockOffsetMs,
    };
    if (imp.status === 'cancelling') {
      await refreshCounts(ctx, imp.id, 'cancelled');
      return imp.id;
    }
    let run: Awaited<ReturnType<typeof planImport>>;
    try {
      run = await planImport(ctx, imp, {});
    } catch (e) {
      await failed(e instanceof Error ? e.message.slice(0, 500) : 'failed');
      return imp.id;
    }
    console.log(`import ${imp.id}: continuing a run whose process stopped`);
    void runImportRows(ctx, importJob(ctx, imp, run.sop, leaseOwner), run.plan);
    return imp.id;
  }

  let running = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // a lapsed lease is noticed within half a lease (at most every 5 s)
  const every = Math.max(250, Math.min(5000, lease * 500));
  const tick = async () => {
    timer = null;
    try {
      while (running && (await runOnce()) !== null) {
        // take over every abandoned run, one claim at a time
      }
    } catch (e) {
      console.error('import resumer round failed', e);
    }
    if (running) timer = setTimeout(tick, every);
  };

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      timer = setTimeout(tick, every);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
