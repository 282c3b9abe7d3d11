/**
 * The daily rollup against the live SQL over random small histories (fast-check), on
 * in-memory PGlite and, when DATABASE_URL is set, on Postgres: for periods over 31 days both
 * paths must give the same counts (funnel, breaches, outcomes, trends, map entered / dropped
 * / edges, visits) and percentiles within a histogram bucket — after the first build and
 * again after more writes to the same records (the incremental refresh).
 *
 * Each run publishes its own SOP in one workspace, so runs do not see each other's records.
 */
import { chinaCalendar, type SopDocument } from '@closeloop/engine';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../server/src/app.ts';
import { parseConfig } from '../../server/src/config.ts';
import { createDb, type Db } from '../../server/src/db/client.ts';
import { migrateDb } from '../../server/src/db/migrate.ts';
import { closeRecord } from '../../server/src/services/close-record.ts';
import { runCommand } from '../../server/src/services/command.ts';
import type { Ctx } from '../../server/src/services/context.ts';
import { createRecord } from '../../server/src/services/create-record.ts';
import { createSop } from '../../server/src/services/create-sop.ts';
import { createWorkspace } from '../../server/src/services/create-workspace.ts';
import { CommandRejected, GateFailed } from '../../server/src/services/errors.ts';
import { performAction } from '../../server/src/services/perform-action.ts';
import { publishSop } from '../../server/src/services/publish-sop.ts';
import { bottleneckMapFor } from '../../server/src/services/reports/get-bottleneck-map.ts';
import { breachesFor } from '../../server/src/services/reports/get-breaches.ts';
import { funnelFor } from '../../server/src/services/reports/get-funnel.ts';
import { outcomesFor } from '../../server/src/services/reports/get-outcomes.ts';
import { stageTimesFor } from '../../server/src/services/reports/get-stage-times.ts';
import { trendsFor } from '../../server/src/services/reports/get-trends.ts';
import { bucketLow, bucketOf } from '../../server/src/services/reports/rollup.ts';
import { loadSopContext, type ReportFilters } from '../../server/src/services/reports/scope.ts';
import { loadUserInfo } from '../../server/src/services/sessions.ts';

const H = 3_600_000;
const DAY = 24 * H;
const t = (zh: string, en = zh) => ({ 'zh-CN': zh, en });
const BASE = Date.parse('2026-06-01T09:00:00+08:00');

const docOf = (id: string) =>
  ({
    id,
    version: 0,
    name: t('汇总测试', 'Rollup test'),
    fields: [
      {
        key: 'lostReason',
        type: 'select',
        label: t('输单原因', 'Lost reason'),
        options: [{ value: 'price', label: t('价格太高', 'Price too high') }],
      },
    ],
    machine: {
      id,
      initial: 'new',
      states: {
        new: {
          meta: { stage: { title: t('新线索'), sla: { duration: 'PT2H', clock: 'working' } } },
          on: { SUBMIT: 'qualify', DROP: 'dropped' },
        },
        qualify: {
          meta: { stage: { title: t('确认需求'), sla: { duration: 'P1D', clock: 'wall' } } },
          on: { WIN: 'won', LOSE: 'lostStage', BACK: 'new' },
        },
        won: { type: 'final', meta: { stage: { title: t('赢单'), outcome: 'won' } } },
        lostStage: { type: 'final', meta: { stage: { title: t('输单'), outcome: 'lost' } } },
        dropped: { type: 'final', meta: { stage: { title: t('放弃'), outcome: 'lost' } } },
      },
    },
    layout: {},
  }) as unknown as SopDocument;

type Step = { after: number; what: 'SUBMIT' | 'DROP' | 'WIN' | 'LOSE' | 'BACK' | 'close' | 'fire' };
type Rec = { day: number; hour: number; north: boolean; steps: Step[]; later: Step[] };

const step = fc.record({
  after: fc.integer({ min: 1, max: 60 }), // hours after the previous step
  what: fc.constantFrom('SUBMIT', 'DROP', 'WIN', 'LOSE', 'BACK', 'close', 'fire') as fc.Arbitrary<
    Step['what']
  >,
});
const history = fc.array(
  fc.record({
    day: fc.integer({ min: 0, max: 80 }),
    hour: fc.integer({ min: 0, max: 23 }),
    north: fc.boolean(),
    steps: fc.array(step, { maxLength: 4 }),
    later: fc.array(step, { maxLength: 2 }),
  }),
  { minLength: 1, maxLength: 8 },
);

type World = { db: Db; app: App; ctx: (now: number) => Promise<Ctx>; ids: Record<string, string> };

async function build(databaseUrl?: string): Promise<World> {
  const parsed = parseConfig({
    dataDir: 'memory://',
    databaseUrl,
    schedulerIntervalMs: 0,
    seed: 'off',
    poolSize: 4,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const db = await createDb(parsed.config);
  await migrateDb(db, parsed.config);
  const app = createApp({ db, clock: { now: () => Date.now() }, config: parsed.config });
  const uid = crypto.randomUUID().slice(0, 8);
  const emails = {
    admin: `admin-${uid}@rollup.test`,
    rep1: `rep1-${uid}@rollup.test`,
    rep2: `rep2-${uid}@rollup.test`,
  };
  const ws = await createWorkspace(db, {
    name: 'Rollup test',
    users: [
      { email: emails.admin, name: 'Admin', role: 'admin', password: 'pw-admin-1' },
      { email: emails.rep1, name: 'Rep 1', role: 'rep', password: 'pw-rep-1' },
      { email: emails.rep2, name: 'Rep 2', role: 'rep', password: 'pw-rep-2' },
    ],
    teams: [
      { id: 'sales', name: '销售部', members: [emails.rep1] },
      { id: 'north', name: '北区', members: [emails.rep2] },
    ],
  });
  const ids: Record<string, string> = { ws: ws.id };
  for (const [k, e] of Object.entries(emails)) ids[k] = ws.users[e]?.id ?? '';
  const ctx = async (now: number): Promise<Ctx> => {
    const info = await loadUserInfo(db, ws.id, ids.admin ?? '', false);
    if (!info) throw new Error('no user');
    return { ...app.deps, user: info.user, now, calendar: info.calendar, clockOffsetMs: 0 };
  };
  return { db, app, ctx, ids };
}

async function apply(w: World, recordId: string, s: Step, at: number) {
  const c = await w.ctx(at);
  const rows = await w.db.query(
    'select version, state, status from records where workspace_id = $1 and id = $2',
    [w.ids.ws, recordId],
  );
  const row = rows[0];
  if (row?.status !== 'open') return;
  const version = Number(row.version);
  try {
    if (s.what === 'close') {
      await closeRecord({ ctx: c, input: { recordId, reason: '预算不足', version } });
    } else if (s.what === 'fire') {
      const state = row.state as { timers?: Array<{ id: string; kind: string }> };
      const timerId = state.timers?.find((x) => x.kind === 'deadline')?.id;
      if (!timerId) return;
      await runCommand({
        env: {
          ...w.app.deps,
          workspaceId: w.ids.ws ?? '',
          actor: { id: 'system', role: 'admin', system: true },
          now: at,
          calendar: chinaCalendar,
        },
        recordId,
        cmd: { type: 'timer', timerId },
      });
    } else {
      const fields: Record<string, string> = s.what === 'LOSE' ? { lostReason: 'price' } : {};
      await performAction({ ctx: c, input: { recordId, action: s.what, version, fields } });
    }
  } catch (e) {
    // actions the record's stage does not offer are rejected: the history just goes on
    if (!(e instanceof CommandRejected || e instanceof GateFailed)) throw e;
  }
}

async function bothPaths(c: Ctx, f: ReportFilters & { sopId: string }) {
  const sop = await loadSopContext(c, f.sopId);
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

function expectAgree(p: Awaited<ReturnType<typeof bothPaths>>) {
  expect(p.rollup.times.approximate).toBe(true);
  expect(p.rollup.funnel).toEqual(p.live.funnel);
  expect(p.rollup.breaches).toEqual(p.live.breaches);
  expect(p.rollup.outcomes).toEqual(p.live.outcomes);
  expect(p.rollup.trends).toEqual(p.live.trends);
  const counts = (m: typeof p.live.map) => ({
    edges: m.edges,
    stages: m.stages.map((x) => [x.id, x.now, x.entered, x.dropped, x.breachRate]),
  });
  expect(counts(p.rollup.map)).toEqual(counts(p.live.map));
  const within = (approx: number | null | undefined, exact: number | null) => {
    if (exact === null) return expect(approx).toBeNull();
    const b = bucketOf(exact);
    expect(Math.abs((approx ?? Number.NaN) - exact)).toBeLessThanOrEqual(
      bucketLow(b + 1) - bucketLow(b) + 1,
    );
  };
  for (const [i, st] of p.live.times.stages.entries()) {
    const r = p.rollup.times.stages[i];
    expect([r?.id, r?.visits, r?.open]).toEqual([st.id, st.visits, st.open]);
    within(r?.wallP50, st.wallP50);
    within(r?.workP90, st.workP90);
  }
}

function suite(name: string, databaseUrl?: string) {
  describe(name, () => {
    let w: World;
    beforeAll(async () => {
      w = await build(databaseUrl);
    });
    afterAll(async () => {
      await w?.app.stop();
      await w?.db.close();
    });

    it('random histories: the rollup gives the live counts, before and after later writes', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(history, fc.integer({ min: 0, max: 40 }), async (recs: Rec[], cut) => {
          const sopId = `rollup-${++n}-${crypto.randomUUID().slice(0, 6)}`;
          const admin = await w.ctx(BASE - 10 * DAY);
          await createSop({ ctx: admin, input: { doc: docOf(sopId) } });
          await publishSop({ ctx: admin, input: { sopId, note: 'v1' } });
          const made: Array<{ id: string; at: number; rec: Rec }> = [];
          for (const rec of recs) {
            const at = BASE + rec.day * DAY + rec.hour * H;
            const created = await createRecord({
              ctx: await w.ctx(at),
              input: {
                sopId,
                fields: {},
                ownerId: (rec.north ? w.ids.rep2 : w.ids.rep1) ?? '',
                teamId: rec.north ? 'north' : 'sales',
              },
            });
            made.push({ id: created.record.id, at, rec });
          }
          // each record's steps, in its own time line (reports are read after all of them)
          for (const m of made) {
            let at = m.at;
            for (const s of m.rec.steps) {
              at += s.after * H;
              await apply(w, m.id, s, at);
            }
          }
          const now = BASE + 100 * DAY;
          const whole = { sopId, from: '2026-05-31', to: '2026-09-08' };
          // a period starting `cut` days in (still over 31 days long)
          const from = new Date(BASE + cut * DAY + 8 * H).toISOString().slice(0, 10);
          const part = { sopId, from, to: '2026-08-20' };
          expectAgree(await bothPaths(await w.ctx(now), whole));
          expectAgree(await bothPaths(await w.ctx(now), part));
          // later writes to the same (now old) records: the next report refreshes
          let later = now + H;
          for (const m of made) {
            for (const s of m.rec.later) {
              later += s.after * 60_000;
              await apply(w, m.id, s, later);
            }
          }
          expectAgree(await bothPaths(await w.ctx(later + H), whole));
          expectAgree(await bothPaths(await w.ctx(later + H), part));
        }),
        { numRuns: 15 },
      );
    }, 180_000);
  });
}

suite('rollup property on PGlite');
describe.runIf(!!process.env.DATABASE_URL)('Postgres lane', () => {
  suite('rollup property on Postgres', process.env.DATABASE_URL);
});
