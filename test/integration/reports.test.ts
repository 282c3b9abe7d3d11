/**
 * Reports against a small hand-computed history, on in-memory PGlite and, when DATABASE_URL
 * is set, on Postgres. Records are made through the real service verbs with a test clock;
 * SLA deadlines fire through the same command path the scheduler uses.
 *
 * The history (China calendar, 2026; 10-10 is a Saturday 调休 working day):
 *   A rep1/sales  trade_show  created Fri 10-09 17:00 in `new`; deadline (PT2H working) fires
 *                 Sat 10-10 10:00; SUBMIT Sat 11:00 → qualify; WIN Mon 10-12 10:00 → won.
 *   B rep1/sales  website     created Mon 10-12 09:00; SUBMIT 10:00; LOSE Tue 10-13 10:00
 *                 with lostReason=price → lostStage (final, lost).
 *   C rep2/north  trade_show  created Tue 10-13 09:00; closed by hand 10:00 "预算不足".
 *   D rep1/sales  website     created Wed 10-14 09:00; still in `new` (deadline 11:00 passed).
 *   E rep1/sales  website     created Mon 09-28 (before the period); still in `new`.
 * Reports are read on Thu 10-15 12:00 for the period 10-01 … 10-15.
 */
import { chinaCalendar, type SopDocument, workingMsBetween } from '@closeloop/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import type { Db } from '../../server/src/db/client.ts';
import type { Ctx } from '../../server/src/services/core/context.ts';
import { createWorkspace } from '../../server/src/services/people/create-workspace.ts';
import { closeRecord } from '../../server/src/services/records/close-record.ts';
import { createRecord } from '../../server/src/services/records/create-record.ts';
import { performAction } from '../../server/src/services/records/perform-action.ts';
import {
  exportReport,
  getBottleneckMap,
  getBreaches,
  getFunnel,
  getOutcomes,
  getStageTimes,
  getTrends,
  getWorkload,
} from '../../server/src/services/reports/index.ts';
import { refreshInBackground, refreshRollup } from '../../server/src/services/reports/rollup.ts';
import { loadSopContext } from '../../server/src/services/reports/scope.ts';
import { createSop } from '../../server/src/services/sops/create-sop.ts';
import { publishSop } from '../../server/src/services/sops/publish-sop.ts';
import { LANES } from './harness.ts';
import {
  bothPaths,
  ctxOf,
  expectSameCounts,
  expectWithinBucket,
  fireDeadline as fireDeadlineAt,
  openApp,
} from './in-process.ts';

const H = 3_600_000;
const at = (local: string) => Date.parse(`${local}:00+08:00`);
const t = (zh: string, en = zh) => ({ 'zh-CN': zh, en });

const doc = {
  id: 'report-test',
  version: 0,
  name: t('报表测试', 'Report test'),
  fields: [
    { key: 'company', type: 'text', label: t('公司', 'Company') },
    {
      key: 'leadSource',
      type: 'select',
      label: t('来源', 'Source'),
      options: [
        { value: 'trade_show', label: t('展会', 'Trade show') },
        { value: 'website', label: t('官网', 'Website') },
      ],
    },
    {
      key: 'lostReason',
      type: 'select',
      label: t('输单原因', 'Lost reason'),
      options: [{ value: 'price', label: t('价格太高', 'Price too high') }],
    },
  ],
  machine: {
    id: 'report-test',
    initial: 'new',
    states: {
      new: {
        meta: { stage: { title: t('新线索', 'New'), sla: { duration: 'PT2H', clock: 'working' } } },
        on: { SUBMIT: 'qualify', DROP: 'dropped' },
      },
      qualify: {
        meta: { stage: { title: t('确认需求', 'Qualify') } },
        on: { WIN: 'won', LOSE: 'lostStage' },
      },
      won: { type: 'final', meta: { stage: { title: t('赢单', 'Won'), outcome: 'won' } } },
      lostStage: { type: 'final', meta: { stage: { title: t('输单', 'Lost'), outcome: 'lost' } } },
      dropped: { type: 'final', meta: { stage: { title: t('放弃', 'Dropped'), outcome: 'lost' } } },
    },
  },
  layout: {},
} as unknown as SopDocument;

const PERIOD = { from: '2026-10-01', to: '2026-10-15' };
const NOW = at('2026-10-15T12:00');

type World = {
  db: Db;
  app: App;
  ctx: (role: 'admin' | 'manager' | 'rep' | 'trainer', now?: number) => Promise<Ctx>;
  ids: Record<string, string>;
  emails: Record<string, string>;
  act: (recordId: string, when: string, action: string) => Promise<unknown>;
  fireDeadline: (recordId: string, when: string) => Promise<unknown>;
};

async function build(databaseUrl?: string): Promise<World> {
  const { db, app } = await openApp(databaseUrl);
  const uid = crypto.randomUUID().slice(0, 8);
  const emails = {
    admin: `admin-${uid}@reports.test`,
    manager: `manager-${uid}@reports.test`,
    trainer: `trainer-${uid}@reports.test`,
    rep1: `rep1-${uid}@reports.test`,
    rep2: `rep2-${uid}@reports.test`,
  };
  const ws = await createWorkspace(db, {
    name: 'Reports test',
    users: [
      { email: emails.admin, name: 'Admin', role: 'admin', password: 'pw-admin-1' },
      { email: emails.manager, name: '李主管', role: 'manager', password: 'pw-manager-1' },
      { email: emails.trainer, name: 'Trainer', role: 'trainer', password: 'pw-trainer-1' },
      { email: emails.rep1, name: '张销售', role: 'rep', password: 'pw-rep-1' },
      { email: emails.rep2, name: '陈销售', role: 'rep', password: 'pw-rep-2' },
    ],
    teams: [
      { id: 'sales', name: '销售部', managers: [emails.manager], members: [emails.rep1] },
      { id: 'north', name: '北区', members: [emails.rep2] },
    ],
  });
  const ids: Record<string, string> = {};
  for (const [k, e] of Object.entries(emails)) ids[k] = ws.users[e]?.id ?? '';
  const ctx = (role: 'admin' | 'manager' | 'rep' | 'trainer', now = NOW) =>
    ctxOf(app, ws.id, ids[role === 'rep' ? 'rep1' : role] ?? '', now);
  const admin = await ctx('admin', at('2026-09-01T09:00'));
  await createSop({ ctx: admin, input: { doc } });
  await publishSop({ ctx: admin, input: { sopId: doc.id, note: 'v1' } });

  const create = async (when: string, owner: 'rep1' | 'rep2', source: string) => {
    const c = await ctx('admin', at(when));
    const r = await createRecord({
      ctx: c,
      input: {
        sopId: doc.id,
        fields: { company: `Co ${when}`, leadSource: source },
        ownerId: ids[owner] ?? '',
        teamId: owner === 'rep1' ? 'sales' : 'north',
      },
    });
    return r.record;
  };
  const act = async (recordId: string, when: string, action: string, fields = {}) => {
    const c = await ctx('admin', at(when));
    const cur = await app.deps.db.query(
      'select version from records where workspace_id = $1 and id = $2',
      [ws.id, recordId],
    );
    const version = Number(cur[0]?.version);
    return performAction({ ctx: c, input: { recordId, action, version, fields } });
  };
  const fireDeadline = (recordId: string, when: string) =>
    fireDeadlineAt(app, ws.id, recordId, at(when));

  const A = await create('2026-10-09T17:00', 'rep1', 'trade_show');
  await fireDeadline(A.id, '2026-10-10T10:00');
  await act(A.id, '2026-10-10T11:00', 'SUBMIT');
  await act(A.id, '2026-10-12T10:00', 'WIN');
  const B = await create('2026-10-12T09:00', 'rep1', 'website');
  await act(B.id, '2026-10-12T10:00', 'SUBMIT');
  await act(B.id, '2026-10-13T10:00', 'LOSE', { lostReason: 'price' });
  const C = await create('2026-10-13T09:00', 'rep2', 'trade_show');
  await closeRecord({
    ctx: await ctx('admin', at('2026-10-13T10:00')),
    input: { recordId: C.id, reason: '预算不足', version: C.version },
  });
  const D = await create('2026-10-14T09:00', 'rep1', 'website');
  const E = await create('2026-09-28T09:00', 'rep1', 'website');
  Object.assign(ids, { A: A.id, B: B.id, C: C.id, D: D.id, E: E.id });
  return { db, app, ctx, ids, emails, act, fireDeadline };
}

for (const lane of LANES) {
  describe.runIf(lane.enabled)(`reports on ${lane.name}`, () => {
    let w: World;
    beforeAll(async () => {
      w = await build(lane.databaseUrl);
    });
    afterAll(async () => {
      await w?.app.stop();
      await w?.db.close();
    });
    const input = { sopId: doc.id, ...PERIOD };

    it('working time over the 调休 weekend agrees with the engine', () => {
      expect(workingMsBetween(at('2026-10-09T17:00'), at('2026-10-10T11:00'), chinaCalendar)).toBe(
        3 * H,
      );
      expect(workingMsBetween(at('2026-10-10T11:00'), at('2026-10-12T10:00'), chinaCalendar)).toBe(
        8 * H,
      );
    });

    it('funnel: records entering each stage and conversion past it', async () => {
      const f = await getFunnel({ ctx: await w.ctx('admin'), input });
      expect(f.started).toBe(4);
      expect(f.outcomes).toEqual({ open: 1, won: 1, lost: 2, done: 0 });
      const row = (id: string) => f.stages.find((s) => s.id === id);
      expect(row('new')).toMatchObject({ entered: 4, converted: 2, conversion: 0.5, reach: 1 });
      expect(row('qualify')).toMatchObject({ entered: 2, converted: 1, conversion: 0.5 });
      expect(row('won')).toMatchObject({ entered: 1, conversion: null });
      expect(row('lostStage')).toMatchObject({ entered: 1 });
      expect(row('dropped')).toMatchObject({ entered: 0 });
      expect(f.stages.map((s) => s.id)).toEqual(['new', 'qualify', 'won', 'dropped', 'lostStage']);
    });

    it('stage times: median and p90, wall-clock and working (调休 Saturday counts)', async () => {
      const s = await getStageTimes({ ctx: await w.ctx('admin'), input });
      const n = s.stages.find((x) => x.id === 'new');
      // A: 18h wall, 3h working (Fri 17–18, Sat 09–11); B: 1h and 1h
      expect(n).toMatchObject({ visits: 2, open: 2 });
      expect(n?.wallP50).toBeCloseTo(9.5 * H, 0);
      expect(n?.wallP90).toBeCloseTo(16.3 * H, 0);
      expect(n?.workP50).toBeCloseTo(2 * H, 0);
      expect(n?.workP90).toBeCloseTo(2.8 * H, 0);
      const q = s.stages.find((x) => x.id === 'qualify');
      // A: 47h wall, 8h working (Sat 11–18, Mon 09–10); B: 24h wall, 9h working
      expect(q).toMatchObject({ visits: 2, open: 0 });
      expect(q?.wallP50).toBeCloseTo(35.5 * H, 0);
      expect(q?.workP50).toBeCloseTo(8.5 * H, 0);
      expect(q?.workP90).toBeCloseTo(8.9 * H, 0);
    });

    it('breaches: rate per stage', async () => {
      const b = await getBreaches({ ctx: await w.ctx('admin'), input });
      expect(b.stages.find((x) => x.id === 'new')).toMatchObject({
        visits: 4,
        breached: 1,
        rate: 0.25,
      });
      expect(b.stages.find((x) => x.id === 'qualify')).toMatchObject({
        visits: 2,
        breached: 0,
        rate: 0,
      });
      expect(b).toMatchObject({ visits: 4, breached: 1, rate: 0.25 });
    });

    it('outcomes: won, lost and the lost reasons', async () => {
      const o = await getOutcomes({ ctx: await w.ctx('admin'), input });
      expect(o).toMatchObject({ started: 4, won: 1, lost: 2, open: 1, done: 0, winRate: 1 / 3 });
      const reasons = o.reasons.map((r) => [r.kind, r.value, r.label.en, r.count]);
      expect(reasons).toEqual(
        expect.arrayContaining([
          ['closed', '预算不足', '预算不足', 1],
          ['field', 'price', 'Price too high', 1],
        ]),
      );
      expect(reasons).toHaveLength(2);
    });

    it('workload: open and overdue now, per rep and team', async () => {
      const wl = await getWorkload({ ctx: await w.ctx('admin'), input: { sopId: doc.id } });
      expect(wl).toMatchObject({ open: 2, overdue: 2 });
      expect(wl.reps).toEqual([
        expect.objectContaining({
          userId: w.ids.rep1,
          name: '张销售',
          teamId: 'sales',
          open: 2,
          overdue: 2,
        }),
      ]);
      expect(wl.reps[0]?.oldestDueAt).toBe(at('2026-09-28T11:00'));
      expect(wl.teams).toEqual([expect.objectContaining({ teamId: 'sales', open: 2, overdue: 2 })]);
    });

    it('weekly trends, each in the week it happened', async () => {
      const tr = await getTrends({ ctx: await w.ctx('admin'), input });
      expect(tr.weeks).toEqual([
        { week: '2026-09-28', created: 0, won: 0, lost: 0, breaches: 0, winRate: null },
        { week: '2026-10-05', created: 1, won: 0, lost: 0, breaches: 1, winRate: null },
        { week: '2026-10-12', created: 3, won: 1, lost: 2, breaches: 0, winRate: 1 / 3 },
      ]);
    });

    it('bottleneck map: now, median, breach rate, drop-off, and edges', async () => {
      const m = await getBottleneckMap({ ctx: await w.ctx('admin'), input });
      expect(m.version).toBe(1);
      const st = (id: string) => m.stages.find((s) => s.id === id);
      // D and E are in `new` now, both past their deadline; C was closed there (drop-off)
      expect(st('new')).toMatchObject({
        now: 2,
        overdueNow: 2,
        entered: 4,
        dropped: 1,
        dropOff: 0.25,
      });
      expect(st('new')?.breachRate).toBe(0.25);
      expect(st('new')?.workP50).toBeCloseTo(2 * H, 0);
      // B left qualify straight into a lost final stage
      expect(st('qualify')).toMatchObject({ now: 0, entered: 2, dropped: 1, dropOff: 0.5 });
      const edge = (key: string) => m.edges.find((e) => e.key === key);
      expect(edge('new#SUBMIT#0')).toMatchObject({ records: 2, taken: 2, targets: ['qualify'] });
      expect(edge('qualify#WIN#0')).toMatchObject({ records: 1 });
      expect(edge('qualify#LOSE#0')).toMatchObject({ records: 1 });
      expect(edge('new#DROP#0')).toMatchObject({ records: 0 });
    });

    it('filters: source, team, owner, version and period', async () => {
      const c = await w.ctx('admin');
      const f = async (extra: Record<string, unknown>) =>
        (await getFunnel({ ctx: c, input: { ...input, ...extra } })).started;
      expect(await f({ source: 'trade_show' })).toBe(2);
      expect(await f({ teamId: 'north' })).toBe(1);
      expect(await f({ ownerId: w.ids.rep1 })).toBe(3);
      expect(await f({ version: 1 })).toBe(4);
      await expect(f({ version: 2 })).rejects.toMatchObject({ code: 'not-found' });
      expect(await f({ from: '2026-09-01', to: '2026-10-11' })).toBe(2);
    });

    it('visibility: a manager sees their teams only; reps and trainers get 403', async () => {
      const f = await getFunnel({ ctx: await w.ctx('manager'), input });
      expect(f.started).toBe(3);
      expect(f.stages.find((s) => s.id === 'new')?.entered).toBe(3);
      await expect(
        getFunnel({ ctx: await w.ctx('manager'), input: { ...input, teamId: 'north' } }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(getFunnel({ ctx: await w.ctx('rep'), input })).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(getWorkload({ ctx: await w.ctx('trainer'), input: {} })).rejects.toMatchObject({
        code: 'forbidden',
      });
    });

    it('CSV export: UTF-8 with BOM, Chinese headers', async () => {
      const file = await exportReport({
        ctx: await w.ctx('admin'),
        input: { report: 'stage-times', lang: 'zh-CN', filters: input },
      });
      expect(file.body.charCodeAt(0)).toBe(0xfeff);
      const lines = file.body.slice(1).trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        '阶段ID,阶段,完成停留次数,未离开,自然时间中位数(小时),自然时间P90(小时),工作时间中位数(小时),工作时间P90(小时)',
      );
      expect(lines[1]).toBe('new,新线索,2,2,9.5,16.3,2,2.8');
    });

    // #18: the CSV showed SLAs as `PT2H working` and times as UTC ISO strings
    it('CSV export: SLAs in words, times on the workspace clock with its offset named', async () => {
      const c = await w.ctx('admin');
      const lines = async (report: 'breaches' | 'workload', lang: 'zh-CN' | 'en') =>
        (await exportReport({ ctx: c, input: { report, lang, filters: input } })).body
          .slice(1)
          .trimEnd()
          .split('\r\n');
      const zh = await lines('breaches', 'zh-CN');
      expect(zh[0]).toBe('阶段ID,阶段,时限,进入次数,超时次数,超时率(%)');
      expect(zh.find((l) => l.startsWith('new,'))).toBe('new,新线索,2 个工作小时,4,1,25');
      const en = await lines('breaches', 'en');
      expect(en.find((l) => l.startsWith('new,'))).toContain(',2 working hours,');
      const load = await lines('workload', 'zh-CN');
      expect(load[0]).toBe('负责人,团队,进行中,已超时,超时占比(%),最早截止时间 (UTC+08:00)');
      // 11:00 in Beijing is 03:00 UTC: the file says 11:00
      expect(load[1]).toContain(',2026-09-28 11:00');
    });

    it('over HTTP: JSON for a manager, CSV download, 403 for a rep', async () => {
      const login = async (email: string, password: string) => {
        const res = await w.app.fetch(
          new Request('http://x/api/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password }),
          }),
        );
        expect(res.status).toBe(200);
        return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      };
      const q = new URLSearchParams(input).toString();
      const manager = await login(w.emails.manager ?? '', 'pw-manager-1');
      const get = (path: string, cookie: string, lang = 'en') =>
        w.app.fetch(
          new Request(`http://x${path}`, { headers: { cookie, 'accept-language': lang } }),
        );
      const res = await get(`/api/reports/funnel?${q}`, manager);
      expect(res.status).toBe(200);
      expect((await res.json()).started).toBe(3);
      const csv = await get(`/api/reports/outcomes/export?${q}`, manager, 'zh-CN');
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.headers.get('content-disposition')).toContain('.csv');
      const bytes = new Uint8Array(await csv.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(new TextDecoder().decode(bytes)).toContain('输单原因字段,价格太高,1');
      const rep = await login(w.emails.rep1 ?? '', 'pw-rep-1');
      const denied = await get(`/api/reports/bottleneck-map?${q}`, rep);
      expect(denied.status).toBe(403);
      expect(denied.headers.get('content-type')).toContain('application/problem+json');
      const bad = await get(`/api/reports/funnel?sopId=${doc.id}&from=yesterday`, manager);
      expect(bad.status).toBe(422);
    });

    // periods over 31 days read the daily rollup (docs/reports.md, *Rollup*);
    // these tests run last: the last one writes to record D
    const LONG = { sopId: doc.id, from: '2026-08-01', to: '2026-10-15' };
    it('rollup: a long period gives the live counts and percentiles within a bucket', async () => {
      const p = await bothPaths(await w.ctx('admin'), LONG);
      expect(p.rollup.funnel.started).toBe(5);
      expect(p.rollup.funnel.stages.find((x) => x.id === 'new')?.entered).toBe(5);
      expect(p.rollup.outcomes.reasons).toHaveLength(2);
      expect(p.rollup.trends.weeks.reduce((a, x) => a + x.created + x.breaches, 0)).toBe(6);
      expectSameCounts(p);
      expect(p.rollup.map.approximate).toBe(true);
      for (const [i, st] of p.live.times.stages.entries()) {
        const r = p.rollup.times.stages[i];
        expectWithinBucket(r?.wallP50 ?? null, st.wallP50);
        expectWithinBucket(r?.wallP90 ?? null, st.wallP90);
        expectWithinBucket(r?.workP50 ?? null, st.workP50);
        expectWithinBucket(r?.workP90 ?? null, st.workP90);
      }
      for (const [i, st] of p.live.map.stages.entries()) {
        expectWithinBucket(p.rollup.map.stages[i]?.workP50 ?? null, st.workP50);
      }
      // a 30-day period stays live and exact
      const short = await getStageTimes({ ctx: await w.ctx('admin'), input });
      expect(short.approximate).toBe(false);
    });

    it('rollup: a team filter and a manager see their teams only', async () => {
      const north = await bothPaths(await w.ctx('admin'), { ...LONG, teamId: 'north' });
      expect(north.rollup.funnel.started).toBe(1);
      expectSameCounts(north);
      const mine = await bothPaths(await w.ctx('manager'), LONG);
      expect(mine.rollup.funnel.started).toBe(4);
      expect(mine.rollup.map.approximate).toBe(true);
      expectSameCounts(mine);
      // owner and source filters stay on the live path
      const owner = await getStageTimes({
        ctx: await w.ctx('admin'),
        input: { ...LONG, ownerId: w.ids.rep1 },
      });
      expect(owner.approximate).toBe(false);
    });

    it('rollup: a later write to an old record shows in the next long report', async () => {
      const later = { sopId: doc.id, from: '2026-10-01', to: '2026-12-10' };
      const t1 = at('2026-12-10T12:00');
      const before = await bothPaths(await w.ctx('admin', t1), later);
      expectSameCounts(before);
      const stage = (p: typeof before, id: string) => ({
        entered: p.rollup.funnel.stages.find((x) => x.id === id)?.entered,
        breached: p.rollup.breaches.stages.find((x) => x.id === id)?.breached,
      });
      expect(stage(before, 'qualify')).toMatchObject({ entered: 2 });
      expect(stage(before, 'new')).toMatchObject({ breached: 1 });
      // D was created on 10-14, 57 days before: its deadline fires, then it moves on
      await w.fireDeadline(w.ids.D ?? '', '2026-12-10T12:30');
      await w.act(w.ids.D ?? '', '2026-12-10T13:00', 'SUBMIT');
      const after = await bothPaths(await w.ctx('admin', at('2026-12-10T14:00')), later);
      expect(stage(after, 'qualify')).toMatchObject({ entered: 3 });
      expect(stage(after, 'new')).toMatchObject({ breached: 2 });
      expectSameCounts(after);
    });

    it('rollup: more to recompute than a report may do inline is left to a background refresh', async () => {
      const c = await w.ctx('admin', at('2026-12-10T16:00'));
      const sop = await loadSopContext(c, doc.id);
      expect((await refreshRollup(c, sop)).deferred).toBeUndefined();
      // a write to D (created 10-14) after the watermark: one day holding one record to redo
      await w.db.query(
        `update records set version = version + 1, updated_at = $2::timestamptz where id = $1`,
        [w.ids.D, '2026-12-10T16:30:00+08:00'],
      );
      const later = await w.ctx('admin', at('2026-12-10T17:00'));
      const over = await refreshRollup(later, sop, { budget: 0 });
      expect(over).toMatchObject({ deferred: 'budget', days: 0 });
      // nothing was written: the full refresh still finds the day to redo
      await refreshInBackground(later, sop);
      const [state] = await w.db.query(
        'select watermark from report_rollup_state where workspace_id = $1 and sop_id = $2',
        [later.user.workspaceId, doc.id],
      );
      expect(new Date(String(state?.watermark)).getTime()).toBe(later.now);
      const again = await refreshRollup(later, sop, { budget: 0 });
      expect(again.deferred).toBeUndefined();
    });

    it('rollup: the dashboard asks for its panels at once, and each reads the rollup', async () => {
      const c = await w.ctx('admin', at('2026-12-10T18:00'));
      const panels = await Promise.all(
        Array.from({ length: 6 }, () => getStageTimes({ ctx: c, input: LONG })),
      );
      expect(panels.map((x) => x.approximate)).toEqual(Array(6).fill(true));
    });
  });
}
