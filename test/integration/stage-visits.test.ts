/**
 * stage_visits as the command path writes them (services/stage-visits.ts), on in-memory
 * PGlite and, when DATABASE_URL is set, on Postgres: entry, exit with wall and working time
 * (China calendar, the Saturday 2026-10-10 调休 working day), the next stages, re-entry,
 * a breach fired through the scheduler's command, close and reopen, compound and parallel
 * stages, and a record migrated to a new SOP version. Every row must also equal what
 * migration 0006's backfill derives from the same record_events.
 */
import { readFileSync } from 'node:fs';
import { chinaCalendar, type SopDocument, workingMsBetween } from '@closeloop/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import type { Db } from '../../server/src/db/client.ts';
import { loadUserInfo } from '../../server/src/services/auth/sessions.ts';
import type { Ctx } from '../../server/src/services/core/context.ts';
import { createWorkspace } from '../../server/src/services/people/create-workspace.ts';
import { closeRecord } from '../../server/src/services/records/close-record.ts';
import { createRecord } from '../../server/src/services/records/create-record.ts';
import { migrateRecords } from '../../server/src/services/records/migrate-records.ts';
import { performAction } from '../../server/src/services/records/perform-action.ts';
import { reopenRecord } from '../../server/src/services/records/reopen-record.ts';
import { getBottleneckMap, getStageTimes } from '../../server/src/services/reports/index.ts';
import { createSop } from '../../server/src/services/sops/create-sop.ts';
import { publishSop } from '../../server/src/services/sops/publish-sop.ts';
import { updateSopDraft } from '../../server/src/services/sops/update-sop-draft.ts';
import { LANES } from './harness.ts';
import { ctxOf, fireDeadline as fireDeadlineAt, openApp } from './in-process.ts';

const H = 3_600_000;
const at = (local: string) => Date.parse(`${local}:00+08:00`);
const t = (zh: string, en = zh) => ({ 'zh-CN': zh, en });
const stage = (zh: string, en: string, extra = {}) => ({
  meta: { stage: { title: t(zh, en), ...extra } },
});

const doc = {
  id: 'visits-test',
  version: 0,
  name: t('阶段访问测试', 'Visits test'),
  fields: [{ key: 'company', type: 'text', label: t('公司', 'Company') }],
  machine: {
    id: 'visits-test',
    initial: 'new',
    states: {
      new: {
        ...stage('新线索', 'New', { sla: { duration: 'PT2H', clock: 'working' } }),
        on: { SUBMIT: 'work', DROP: 'dropped' },
      },
      work: {
        ...stage('跟进', 'Work'),
        initial: 'call',
        on: { RETURN: 'new' },
        states: {
          call: { ...stage('电话', 'Call'), on: { NEXT: 'meet' } },
          meet: { ...stage('拜访', 'Meet'), on: { SPLIT: '#visits-test.checks' } },
        },
      },
      checks: {
        ...stage('审核', 'Checks'),
        type: 'parallel',
        on: { APPROVE: 'won' },
        states: { legal: stage('法务', 'Legal'), finance: stage('财务', 'Finance') },
      },
      won: { type: 'final', ...stage('赢单', 'Won', { outcome: 'won' }) },
      dropped: { type: 'final', ...stage('放弃', 'Dropped', { outcome: 'lost' }) },
    },
  },
  layout: {},
} as unknown as SopDocument;

type VisitRow = {
  record_id: string;
  stage: string;
  entry: number;
  sop_version: number;
  entered_at: number;
  exited_at: number | null;
  wall_ms: number | null;
  work_ms: number | null;
  breached: boolean;
  next: string[] | null;
};

const ms = (v: unknown): number | null =>
  v === null || v === undefined ? null : new Date(v as string | Date).getTime();

type World = { db: Db; app: App; ws: string; ids: Record<string, string> };

async function build(databaseUrl?: string): Promise<World> {
  const { db, app } = await openApp(databaseUrl);
  const uid = crypto.randomUUID().slice(0, 8);
  const admin = `admin-${uid}@visits.test`;
  const rep = `rep-${uid}@visits.test`;
  const w = await createWorkspace(db, {
    name: 'Visits test',
    users: [
      { email: admin, name: 'Admin', role: 'admin', password: 'pw-admin-1' },
      { email: rep, name: '张销售', role: 'rep', password: 'pw-rep-1' },
    ],
    teams: [{ id: 'sales', name: '销售部', members: [rep] }],
  });
  const adminId = w.users[admin]?.id ?? '';
  const repId = w.users[rep]?.id ?? '';
  const ctx = (now: number) => ctxOf(app, w.id, adminId, now);
  await createSop({ ctx: await ctx(at('2026-09-01T09:00')), input: { doc } });
  await publishSop({
    ctx: await ctx(at('2026-09-01T09:00')),
    input: { sopId: doc.id, note: 'v1' },
  });

  const versionOf = async (id: string) =>
    Number(
      (
        await db.query('select version from records where workspace_id = $1 and id = $2', [
          w.id,
          id,
        ])
      )[0]?.version,
    );
  const act = async (id: string, when: string, action: string) =>
    performAction({
      ctx: await ctx(at(when)),
      input: { recordId: id, action, version: await versionOf(id), fields: {} },
    });
  const fireDeadline = (id: string, when: string) => fireDeadlineAt(app, w.id, id, at(when));
  const create = async (when: string) =>
    (
      await createRecord({
        ctx: await ctx(at(when)),
        input: { sopId: doc.id, fields: { company: when }, ownerId: repId, teamId: 'sales' },
      })
    ).record.id;

  // R: the whole life, over the 调休 weekend
  const R = await create('2026-10-09T17:00');
  await fireDeadline(R, '2026-10-10T10:00');
  await act(R, '2026-10-10T11:00', 'SUBMIT');
  await act(R, '2026-10-10T14:00', 'NEXT');
  await act(R, '2026-10-12T10:00', 'RETURN');
  await closeRecord({
    ctx: await ctx(at('2026-10-12T11:00')),
    input: { recordId: R, reason: '预算不足', version: await versionOf(R) },
  });
  await reopenRecord({
    ctx: await ctx(at('2026-10-12T12:00')),
    input: { recordId: R, version: await versionOf(R) },
  });
  await act(R, '2026-10-12T13:00', 'SUBMIT');
  await act(R, '2026-10-12T15:00', 'NEXT');
  await act(R, '2026-10-13T09:00', 'SPLIT');
  await act(R, '2026-10-14T16:00', 'APPROVE');

  // M: sits in `new`, then moves to v2, where `new` is called `fresh`
  const M = await create('2026-10-13T09:00');
  const v2 = structuredClone(doc) as unknown as {
    machine: { initial: string; states: Record<string, unknown> };
  };
  const { new: fresh, ...rest } = v2.machine.states;
  v2.machine.initial = 'fresh';
  v2.machine.states = { fresh, ...rest };
  (rest.work as { on: Record<string, string> }).on.RETURN = 'fresh';
  const admin2 = await ctx(at('2026-10-13T10:00'));
  await updateSopDraft({ ctx: admin2, input: { sopId: doc.id, doc: v2 } });
  await publishSop({ ctx: admin2, input: { sopId: doc.id, note: 'v2' } });
  const moved = await migrateRecords({
    ctx: await ctx(at('2026-10-13T11:00')),
    input: {
      sopId: doc.id,
      fromVersion: 1,
      toVersion: 2,
      recordIds: [M],
      stageMap: { new: 'fresh' },
      dryRun: false,
    },
  });
  if (moved.failed.length) throw new Error(JSON.stringify(moved.failed));

  // S starts on v2 in `fresh`; its deadline (Wednesday 11:00) is long past by the real
  // clock, so the scheduler's batched path fires it (and the one M got in `fresh`)
  const S = await create('2026-10-14T09:00');
  await app.scheduler.runUntilIdle(w.id);
  return { db, app, ws: w.id, ids: { R, M, S } };
}

async function visitsOf(w: World, recordId: string): Promise<VisitRow[]> {
  const rows = await w.db.query(
    `select record_id, stage, entry, sop_version, entered_at, exited_at, wall_ms, work_ms,
            breached, next
       from stage_visits where workspace_id = $1 and record_id = $2
      order by entered_at, stage`,
    [w.ws, recordId],
  );
  return rows.map((r) => ({
    record_id: String(r.record_id),
    stage: String(r.stage),
    entry: Number(r.entry),
    sop_version: Number(r.sop_version),
    entered_at: ms(r.entered_at) ?? 0,
    exited_at: ms(r.exited_at),
    wall_ms: r.wall_ms === null ? null : Number(r.wall_ms),
    work_ms: r.work_ms === null ? null : Number(r.work_ms),
    breached: r.breached === true,
    next: Array.isArray(r.next) ? r.next.map(String) : null,
  }));
}

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`stage visits on ${lane.name}`, () => {
    let w: World;
    beforeAll(async () => {
      w = await build(lane.databaseUrl);
    });
    afterAll(async () => {
      await w?.app.stop();
      await w?.db.close();
    });

    it('enter, exit with wall and working time over the 调休 Saturday, breach, next', async () => {
      const v = await visitsOf(w, w.ids.R ?? '');
      const first = v[0];
      expect(first).toMatchObject({
        stage: 'new',
        entry: 1,
        sop_version: 1,
        entered_at: at('2026-10-09T17:00'),
        exited_at: at('2026-10-10T11:00'),
        wall_ms: 18 * H,
        breached: true,
        next: ['work', 'work.call'],
      });
      // Friday 17:00 → Saturday 11:00: 1 h on Friday, 2 h on the 调休 working Saturday
      expect(first?.work_ms).toBe(3 * H);
      expect(first?.work_ms).toBe(
        workingMsBetween(at('2026-10-09T17:00'), at('2026-10-10T11:00'), chinaCalendar),
      );
    });

    it('compound stages: the parent stays open while its children change', async () => {
      const v = await visitsOf(w, w.ids.R ?? '');
      const works = v.filter((x) => x.stage === 'work');
      expect(works).toHaveLength(2);
      expect(works[0]).toMatchObject({
        entered_at: at('2026-10-10T11:00'),
        exited_at: at('2026-10-12T10:00'),
        next: ['new'],
        breached: false,
      });
      // Saturday 11:00 → Monday 10:00: Saturday 11–18 (7 h), Sunday off, Monday 9–10 (1 h)
      expect(works[0]?.work_ms).toBe(8 * H);
      const call = v.find((x) => x.stage === 'work.call');
      expect(call).toMatchObject({ exited_at: at('2026-10-10T14:00'), next: ['work.meet'] });
      const meet = v.find((x) => x.stage === 'work.meet');
      expect(meet).toMatchObject({
        entered_at: at('2026-10-10T14:00'),
        exited_at: at('2026-10-12T10:00'),
        next: ['new'],
      });
    });

    it('re-entry makes a new visit; close keeps it open, reopen restarts it', async () => {
      const v = await visitsOf(w, w.ids.R ?? '');
      const news = v.filter((x) => x.stage === 'new');
      expect(news.map((x) => x.entered_at)).toEqual([
        at('2026-10-09T17:00'),
        at('2026-10-12T10:00'),
        at('2026-10-12T12:00'),
      ]);
      expect(new Set(news.map((x) => x.entry)).size).toBe(3);
      // closed by hand at 11:00 while in it: the visit stays open until the reopen at 12:00,
      // which leaves and re-enters the stage (its deadline starts again)
      expect(news[1]).toMatchObject({
        exited_at: at('2026-10-12T12:00'),
        wall_ms: 2 * H,
        work_ms: 2 * H,
        breached: false,
        next: ['new'],
      });
      expect(news[2]).toMatchObject({
        exited_at: at('2026-10-12T13:00'),
        wall_ms: H,
        work_ms: H,
        next: ['work', 'work.call'],
      });
    });

    it('parallel stages: every region entered and left with its parent', async () => {
      const v = await visitsOf(w, w.ids.R ?? '');
      const meets = v.filter((x) => x.stage === 'work.meet');
      expect(meets[1]?.next?.slice().sort()).toEqual(['checks', 'checks.finance', 'checks.legal']);
      for (const id of ['checks', 'checks.legal', 'checks.finance']) {
        expect(v.find((x) => x.stage === id)).toMatchObject({
          entered_at: at('2026-10-13T09:00'),
          exited_at: at('2026-10-14T16:00'),
          wall_ms: 31 * H,
          next: ['won'],
        });
      }
      // the final stage is entered and never left
      expect(v.at(-1)).toMatchObject({ stage: 'won', exited_at: null, wall_ms: null, next: null });
    });

    it('migration: the old stage is left and the new one entered on the new version', async () => {
      const v = await visitsOf(w, w.ids.M ?? '');
      expect(v.map((x) => [x.stage, x.sop_version, x.exited_at])).toEqual([
        ['new', 1, at('2026-10-13T11:00')],
        ['fresh', 2, null],
      ]);
      expect(v[0]?.next).toEqual(['fresh']);
      expect(v[0]?.work_ms).toBe(2 * H);
    });

    it("the scheduler's batched timers flag the open visit as breached", async () => {
      const v = await visitsOf(w, w.ids.S ?? '');
      expect(v).toHaveLength(1);
      expect(v[0]).toMatchObject({ stage: 'fresh', exited_at: null, breached: true, next: null });
      const m = await visitsOf(w, w.ids.M ?? '');
      expect(m.map((x) => [x.stage, x.breached])).toEqual([
        ['new', false],
        ['fresh', true],
      ]);
    });

    it("migration 0006's backfill derives the same visits from the events", async () => {
      const sqlText = readFileSync(
        new URL('../../server/drizzle/0006_stage_visits.sql', import.meta.url),
        'utf8',
      );
      const body = sqlText.slice(sqlText.indexOf('WITH ev AS'), sqlText.indexOf('ON CONFLICT'));
      expect(body.length).toBeGreaterThan(100);
      for (const id of [w.ids.R ?? '', w.ids.M ?? '', w.ids.S ?? '']) {
        const derived = await w.db.query(
          `select b.stage, b.entry, b.entered_at, b.exited_at, b.wall_ms, b.breached, b.next
             from (${body}) as b(workspace_id, record_id, stage, entry, sop_id, sop_version,
                                 record_created_at, entered_at, exited_at, wall_ms, work_ms,
                                 breached, next)
            where b.workspace_id = $1 and b.record_id = $2
            order by b.entered_at, b.stage`,
          [w.ws, id],
        );
        const written = (await visitsOf(w, id)).map((x) => ({
          stage: x.stage,
          entry: x.entry,
          entered_at: x.entered_at,
          exited_at: x.exited_at,
          wall_ms: x.wall_ms,
          breached: x.breached,
          next: x.next,
        }));
        expect(
          derived.map((r) => ({
            stage: String(r.stage),
            entry: Number(r.entry),
            entered_at: ms(r.entered_at),
            exited_at: ms(r.exited_at),
            wall_ms: r.wall_ms === null ? null : Math.round(Number(r.wall_ms)),
            breached: r.breached === true,
            next: Array.isArray(r.next) ? r.next.map(String) : null,
          })),
        ).toEqual(written);
        expect(written.length).toBeGreaterThan(0);
      }
    });

    it('reports read the visits: working time from the row, and from the calendar when null', async () => {
      const info = await w.db.query(
        "select id from users where workspace_id = $1 and role = 'admin' limit 1",
        [w.ws],
      );
      const user = await loadUserInfo(w.db, w.ws, String(info[0]?.id), false);
      if (!user) throw new Error('no admin');
      const ctx: Ctx = {
        ...w.app.deps,
        user: user.user,
        now: at('2026-10-15T12:00'),
        calendar: user.calendar,
        clockOffsetMs: 0,
      };
      const input = { sopId: doc.id, version: 1, from: '2026-10-01', to: '2026-10-15' };
      const before = await getStageTimes({ ctx, input });
      const workP50 = (s: typeof before) => s.stages.find((x) => x.id === 'work')?.workP50;
      // visits of 8 h and 5 h (Monday 13:00 → Tuesday 09:00)
      expect(workP50(before)).toBe(((8 + 5) * H) / 2);
      // a visit backfilled by 0006 has no working time: the report derives the same figure
      await w.db.query(
        'update stage_visits set work_ms = null where workspace_id = $1 and record_id = $2',
        [w.ws, w.ids.R],
      );
      const after = await getStageTimes({ ctx, input });
      expect(after.stages).toEqual(before.stages);
      const map = await getBottleneckMap({ ctx, input });
      const edge = (key: string) => map.edges.find((e) => e.key === key);
      expect(edge('work#RETURN#0')).toMatchObject({ records: 1, taken: 1 });
      expect(edge('new#SUBMIT#0')).toMatchObject({ records: 1, taken: 2 });
    });
  });
}
