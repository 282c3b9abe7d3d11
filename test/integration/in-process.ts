/**
 * What the in-process integration tests share (reports, rollup, stage visits): an app on its
 * own database without HTTP, a verb context for any user at any instant, a deadline fired
 * as the scheduler would, and the reports read through both of their paths.
 */
import { type Calendar, chinaCalendar } from '@closeloop/engine';
import { expect } from 'vitest';
import { type App, createApp } from '../../server/src/app.ts';
import { parseConfig } from '../../server/src/config.ts';
import { createDb, type Db } from '../../server/src/db/client.ts';
import { migrateDb } from '../../server/src/db/migrate.ts';
import { loadUserInfo } from '../../server/src/services/auth/sessions.ts';
import { runCommand } from '../../server/src/services/commands/command.ts';
import type { Ctx } from '../../server/src/services/core/context.ts';
import { bottleneckMapFor } from '../../server/src/services/reports/get-bottleneck-map.ts';
import { breachesFor } from '../../server/src/services/reports/get-breaches.ts';
import { funnelFor } from '../../server/src/services/reports/get-funnel.ts';
import { outcomesFor } from '../../server/src/services/reports/get-outcomes.ts';
import { stageTimesFor } from '../../server/src/services/reports/get-stage-times.ts';
import { trendsFor } from '../../server/src/services/reports/get-trends.ts';
import { bucketLow, bucketOf } from '../../server/src/services/reports/rollup.ts';
import { loadSopContext, type ReportFilters } from '../../server/src/services/reports/scope.ts';

/**
 * A migrated database (PGlite in memory, or `databaseUrl`) and an app on it, without a
 * scheduler. The app runs on real time (sessions expire against the database's now()); the
 * verbs get their instant through their ctx.
 */
export async function openApp(databaseUrl?: string): Promise<{ db: Db; app: App }> {
  const parsed = parseConfig({
    dataDir: 'memory://',
    databaseUrl,
    schedulerIntervalMs: 0,
    deliveryIntervalMs: 0,
    seed: 'off',
    poolSize: 4,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const db = await createDb(parsed.config);
  await migrateDb(db, parsed.config);
  const app = createApp({ db, clock: { now: () => Date.now() }, config: parsed.config });
  return { db, app };
}

/** A verb's context for one user of the workspace at the instant `now`. */
export async function ctxOf(app: App, workspaceId: string, userId: string, now: number) {
  const info = await loadUserInfo(app.deps.db, workspaceId, userId, false);
  if (!info) throw new Error(`no user ${userId}`);
  const ctx: Ctx = {
    ...app.deps,
    user: info.user,
    now,
    calendar: info.calendar,
    clockOffsetMs: 0,
  };
  return ctx;
}

/** Fires the record's pending deadline at `now`, as the scheduler would (a system command). */
export async function fireDeadline(
  app: App,
  workspaceId: string,
  recordId: string,
  now: number,
  calendar: Calendar = chinaCalendar,
): Promise<void> {
  // the timer id as the engine scheduled it, from the record's own state
  const rows = await app.deps.db.query(
    'select state from records where workspace_id = $1 and id = $2',
    [workspaceId, recordId],
  );
  const state = rows[0]?.state as { timers?: Array<{ id: string; kind: string }> } | undefined;
  const timerId = state?.timers?.find((x) => x.kind === 'deadline')?.id;
  if (!timerId) return;
  await runCommand({
    env: {
      ...app.deps,
      workspaceId,
      actor: { id: 'system', role: 'admin', system: true },
      now,
      calendar,
    },
    recordId,
    cmd: { type: 'timer', timerId },
  });
}

/** Every report of one SOP, read through the rollup (periods over 31 days) and through the live SQL. */
export async function bothPaths(c: Ctx, f: ReportFilters & { sopId: string }) {
  const sop = await loadSopContext(c, f.sopId, f.version);
  const get = async (live: boolean) => ({
    funnel: await funnelFor(c, f, sop, { live }),
    breaches: await breachesFor(c, f, sop, { live }),
    times: await stageTimesFor(c, f, sop, { live }),
    map: await bottleneckMapFor(c, f, sop, { live }),
    outcomes: await outcomesFor(c, f, sop, { live }),
    trends: await trendsFor(c, f, sop, { live }),
  });
  return { rollup: await get(false), live: await get(true) };
}

/** The rollup answered (its medians are approximate) and every count equals the live one. */
export function expectSameCounts(p: Awaited<ReturnType<typeof bothPaths>>): void {
  expect(p.rollup.times.approximate).toBe(true);
  expect(p.live.times.approximate).toBe(false);
  expect(p.rollup.funnel).toEqual(p.live.funnel);
  expect(p.rollup.breaches).toEqual(p.live.breaches);
  expect(p.rollup.outcomes).toEqual(p.live.outcomes);
  expect(p.rollup.trends).toEqual(p.live.trends);
  const counts = (m: typeof p.live.map) => ({
    edges: m.edges,
    stages: m.stages.map((x) => [x.id, x.now, x.entered, x.dropped, x.dropOff, x.breachRate]),
  });
  expect(counts(p.rollup.map)).toEqual(counts(p.live.map));
  const visits = (t: typeof p.live.times) => t.stages.map((x) => [x.id, x.visits, x.open]);
  expect(visits(p.rollup.times)).toEqual(visits(p.live.times));
}

/** An approximate duration lies within the width of the exact one's histogram bucket. */
export function expectWithinBucket(
  approx: number | null | undefined,
  exact: number | null,
  slackMs = 0,
): void {
  if (exact === null) {
    expect(approx).toBeNull();
    return;
  }
  const b = bucketOf(exact);
  expect(Math.abs((approx ?? Number.NaN) - exact)).toBeLessThanOrEqual(
    bucketLow(b + 1) - bucketLow(b) + slackMs,
  );
}
