/**
 * The daily rollup against the live SQL over random small histories (fast-check), on
 * in-memory PGlite and, when DATABASE_URL is set, on Postgres: for periods over 31 days both
 * paths must give the same counts (funnel, breaches, outcomes, trends, map entered / dropped
 * / edges, visits) and percentiles within a histogram bucket — after the first build and
 * again after more writes to the same records (the incremental refresh).
 *
 * Each run publishes its own SOP in one workspace, so runs do not see each other's records.
 */
import type { SopDocument } from '@closeloop/engine';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import type { Db } from '../../server/src/db/client.ts';
import type { Ctx } from '../../server/src/services/core/context.ts';
import { CommandRejected, GateFailed } from '../../server/src/services/core/errors.ts';
import { createWorkspace } from '../../server/src/services/people/create-workspace.ts';
import { closeRecord } from '../../server/src/services/records/close-record.ts';
import { createRecord } from '../../server/src/services/records/create-record.ts';
import { performAction } from '../../server/src/services/records/perform-action.ts';
import { createSop } from '../../server/src/services/sops/create-sop.ts';
import { publishSop } from '../../server/src/services/sops/publish-sop.ts';
import {
  bothPaths,
  ctxOf,
  expectSameCounts,
  expectWithinBucket,
  fireDeadline,
  openApp,
} from './in-process.ts';

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
  const { db, app } = await openApp(databaseUrl);
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
  const ctx = (now: number) => ctxOf(app, ws.id, ids.admin ?? '', now);
  return { db, app, ctx, ids };
}

async function apply(w: World, recordId: string, s: Step, at: number) {
  const c = await w.ctx(at);
  const rows = await w.db.query(
    'select version, status from records where workspace_id = $1 and id = $2',
    [w.ids.ws, recordId],
  );
  const row = rows[0];
  if (row?.status !== 'open') return;
  const version = Number(row.version);
  try {
    if (s.what === 'close') {
      await closeRecord({ ctx: c, input: { recordId, reason: '预算不足', version } });
    } else if (s.what === 'fire') {
      await fireDeadline(w.app, w.ids.ws ?? '', recordId, at);
    } else {
      const fields: Record<string, string> = s.what === 'LOSE' ? { lostReason: 'price' } : {};
      await performAction({ ctx: c, input: { recordId, action: s.what, version, fields } });
    }
  } catch (e) {
    // actions the record's stage does not offer are rejected: the history just goes on
    if (!(e instanceof CommandRejected || e instanceof GateFailed)) throw e;
  }
}

/** The counts agree, and the medians a histogram gives lie within a bucket (and 1 ms) of the exact. */
function expectAgree(p: Awaited<ReturnType<typeof bothPaths>>) {
  expectSameCounts(p);
  for (const [i, st] of p.live.times.stages.entries()) {
    const r = p.rollup.times.stages[i];
    expectWithinBucket(r?.wallP50, st.wallP50, 1);
    expectWithinBucket(r?.workP90, st.workP90, 1);
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
