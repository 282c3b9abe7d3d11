/**
 * exportReport: any dashboard table as CSV — UTF-8 with a byte-order mark so Excel (which
 * otherwise guesses GBK on Chinese Windows) opens Chinese text correctly; CRLF line ends;
 * fields quoted when needed; formula-looking cells prefixed so a spreadsheet does not run
 * them (CSV injection).
 */
import { auditBy, writeAudit } from '../core/audit.ts';
import type { Ctx, Verb } from '../core/context.ts';
import { Invalid } from '../core/errors.ts';
import { durationText } from '../training/quiz.ts';
import { bottleneckMapFor } from './get-bottleneck-map.ts';
import { breachesFor } from './get-breaches.ts';
import { funnelFor } from './get-funnel.ts';
import { outcomesFor } from './get-outcomes.ts';
import { stageTimesFor } from './get-stage-times.ts';
import { trendsFor } from './get-trends.ts';
import { getWorkload } from './get-workload.ts';
import { assertCanReport, loadSopContext, type ReportFilters } from './scope.ts';

export const REPORTS = [
  'funnel',
  'stage-times',
  'breaches',
  'workload',
  'outcomes',
  'trends',
  'bottleneck-map',
] as const;
export type ReportName = (typeof REPORTS)[number];
export type Lang = 'zh-CN' | 'en';

type Cell = string | number | null;

const BOM = '\uFEFF';

function cell(v: Cell): string {
  if (v === null) return '';
  let s = typeof v === 'number' ? String(Math.round(v * 10_000) / 10_000) : v;
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text (with BOM) from a header row and rows. */
export function toCsv(header: string[], rows: Cell[][]): string {
  const lines = [header, ...rows].map((r) => r.map(cell).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

const hours = (ms: number | null) =>
  ms === null ? null : Math.round((ms / 3_600_000) * 100) / 100;
const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

/** "UTC+08:00": the workspace's offset, named in the header of a time column. */
function offsetName(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `UTC${sign}${hh}:${mm}`;
}

/** An instant on the workspace's clock, "2026-12-02 17:30", as spreadsheets read dates. */
function localTime(ms: number | null, offsetMinutes: number): string | null {
  if (ms === null) return null;
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A stage's SLA (`P1D working`) in words: "1 个工作日" / "1 working day". */
function slaWords(sla: string | null, lang: Lang): string | null {
  if (!sla) return null;
  const [iso = '', clock] = sla.split(' ');
  return durationText(iso, clock === 'working' ? 'working' : 'wall')[lang];
}

const H: Record<string, { 'zh-CN': string; en: string }> = {
  stage: { 'zh-CN': '阶段', en: 'Stage' },
  stageId: { 'zh-CN': '阶段ID', en: 'Stage id' },
  entered: { 'zh-CN': '进入记录数', en: 'Records entered' },
  converted: { 'zh-CN': '推进记录数', en: 'Records moved on' },
  conversion: { 'zh-CN': '转化率(%)', en: 'Conversion (%)' },
  reach: { 'zh-CN': '到达率(%)', en: 'Reach (%)' },
  visits: { 'zh-CN': '完成停留次数', en: 'Finished visits' },
  open: { 'zh-CN': '未离开', en: 'Still in stage' },
  wallP50: { 'zh-CN': '自然时间中位数(小时)', en: 'Median wall-clock (h)' },
  wallP90: { 'zh-CN': '自然时间P90(小时)', en: 'P90 wall-clock (h)' },
  workP50: { 'zh-CN': '工作时间中位数(小时)', en: 'Median working time (h)' },
  workP90: { 'zh-CN': '工作时间P90(小时)', en: 'P90 working time (h)' },
  entries: { 'zh-CN': '进入次数', en: 'Entries' },
  breached: { 'zh-CN': '超时次数', en: 'Breaches' },
  breachRate: { 'zh-CN': '超时率(%)', en: 'Breach rate (%)' },
  rep: { 'zh-CN': '负责人', en: 'Rep' },
  team: { 'zh-CN': '团队', en: 'Team' },
  openNow: { 'zh-CN': '进行中', en: 'Open' },
  overdue: { 'zh-CN': '已超时', en: 'Overdue' },
  overdueRate: { 'zh-CN': '超时占比(%)', en: 'Overdue (%)' },
  oldestDue: { 'zh-CN': '最早截止时间', en: 'Oldest deadline' },
  sla: { 'zh-CN': '时限', en: 'Deadline (SLA)' },
  kind: { 'zh-CN': '类别', en: 'Kind' },
  reason: { 'zh-CN': '原因', en: 'Reason' },
  count: { 'zh-CN': '数量', en: 'Count' },
  share: { 'zh-CN': '占比(%)', en: 'Share (%)' },
  week: { 'zh-CN': '周(周一)', en: 'Week (Monday)' },
  created: { 'zh-CN': '新建', en: 'Created' },
  won: { 'zh-CN': '赢单', en: 'Won' },
  lost: { 'zh-CN': '输单', en: 'Lost' },
  winRate: { 'zh-CN': '赢单率(%)', en: 'Win rate (%)' },
  now: { 'zh-CN': '当前记录数', en: 'Records now' },
  overdueNow: { 'zh-CN': '当前超时', en: 'Overdue now' },
  dropped: { 'zh-CN': '流失记录数', en: 'Dropped' },
  dropOff: { 'zh-CN': '流失率(%)', en: 'Drop-off (%)' },
  edge: { 'zh-CN': '操作', en: 'Action' },
  from: { 'zh-CN': '来源阶段', en: 'From' },
  to: { 'zh-CN': '目标阶段', en: 'To' },
  records: { 'zh-CN': '记录数', en: 'Records' },
  taken: { 'zh-CN': '次数', en: 'Times' },
};

const KIND: Record<string, { 'zh-CN': string; en: string }> = {
  won: { 'zh-CN': '赢单', en: 'Won' },
  lost: { 'zh-CN': '输单', en: 'Lost' },
  done: { 'zh-CN': '已完成', en: 'Done' },
  open: { 'zh-CN': '进行中', en: 'Open' },
  closed: { 'zh-CN': '手动关闭', en: 'Closed by hand' },
  field: { 'zh-CN': '输单原因字段', en: 'Reason field' },
  stage: { 'zh-CN': '结束阶段', en: 'Final stage' },
};

export type CsvFile = { filename: string; body: string };

/**
 * One report as CSV in the caller's language.
 *
 * @example
 * const { filename, body } = await exportReport({ ctx, input: { report: 'funnel', lang: 'zh-CN', filters: { sopId: 'closed-loop' } } });
 */
export const exportReport: Verb<
  { report: ReportName; lang: Lang; filters: ReportFilters },
  CsvFile
> = async ({ ctx, input }) => {
  const { report, lang, filters } = input;
  assertCanReport(ctx, filters);
  const h = (...keys: string[]) => keys.map((k) => H[k]?.[lang] ?? k);
  const csv = await buildCsv(ctx, report, lang, filters, h);
  const stamp = new Date(ctx.now + ctx.calendar.utcOffsetMinutes * 60_000)
    .toISOString()
    .slice(0, 10);
  const name = [report, filters.sopId, filters.version ? `v${filters.version}` : null, stamp]
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  await writeAudit(
    ctx.db,
    auditBy(ctx, 'report.exported', { type: 'report', id: report }, { filters, lang }),
  );
  return { filename: `${name}.csv`, body: csv };
};

async function buildCsv(
  ctx: Ctx,
  report: ReportName,
  lang: Lang,
  f: ReportFilters,
  h: (...keys: string[]) => string[],
): Promise<string> {
  const needSop = report !== 'workload' && report !== 'outcomes' && report !== 'trends';
  if (needSop && !f.sopId) {
    throw new Invalid('invalid-input', `the ${report} report needs sopId`, {
      errors: [{ path: 'sopId', message: 'required' }],
    });
  }
  const sop = f.sopId ? await loadSopContext(ctx, f.sopId, f.version) : null;
  switch (report) {
    case 'funnel': {
      if (!sop) break;
      const r = await funnelFor(ctx, f, sop);
      return toCsv(
        h('stageId', 'stage', 'entered', 'converted', 'conversion', 'reach'),
        r.stages.map((s) => [
          s.id,
          s.title[lang],
          s.entered,
          s.converted,
          pct(s.conversion),
          pct(s.reach),
        ]),
      );
    }
    case 'stage-times': {
      if (!sop) break;
      const r = await stageTimesFor(ctx, f, sop);
      return toCsv(
        h('stageId', 'stage', 'visits', 'open', 'wallP50', 'wallP90', 'workP50', 'workP90'),
        r.stages.map((s) => [
          s.id,
          s.title[lang],
          s.visits,
          s.open,
          hours(s.wallP50),
          hours(s.wallP90),
          hours(s.workP50),
          hours(s.workP90),
        ]),
      );
    }
    case 'breaches': {
      if (!sop) break;
      const r = await breachesFor(ctx, f, sop);
      return toCsv(
        h('stageId', 'stage', 'sla', 'entries', 'breached', 'breachRate'),
        r.stages.map((s) => [
          s.id,
          s.title[lang],
          slaWords(s.sla, lang),
          s.visits,
          s.breached,
          pct(s.rate),
        ]),
      );
    }
    case 'workload': {
      const r = await getWorkload({ ctx, input: f });
      const off = ctx.calendar.utcOffsetMinutes;
      // times on the workspace's clock, the offset named in the header
      const [oldest = ''] = h('oldestDue');
      return toCsv(
        [
          ...h('rep', 'team', 'openNow', 'overdue', 'overdueRate'),
          `${oldest} (${offsetName(off)})`,
        ],
        r.reps.map((x) => [
          x.name,
          x.teamName,
          x.open,
          x.overdue,
          pct(x.overdueRate),
          localTime(x.oldestDueAt, off),
        ]),
      );
    }
    case 'outcomes': {
      const r = await outcomesFor(ctx, f, sop);
      const rows: Cell[][] = [
        [KIND.won?.[lang] ?? 'won', '', r.won, null],
        [KIND.lost?.[lang] ?? 'lost', '', r.lost, null],
        [KIND.done?.[lang] ?? 'done', '', r.done, null],
        [KIND.open?.[lang] ?? 'open', '', r.open, null],
        ...r.reasons.map((x) => [
          KIND[x.kind]?.[lang] ?? x.kind,
          x.label[lang],
          x.count,
          pct(x.share),
        ]),
      ];
      return toCsv(h('kind', 'reason', 'count', 'share'), rows);
    }
    case 'trends': {
      const r = await trendsFor(ctx, f, sop);
      return toCsv(
        h('week', 'created', 'won', 'lost', 'breached', 'winRate'),
        r.weeks.map((w) => [w.week, w.created, w.won, w.lost, w.breaches, pct(w.winRate)]),
      );
    }
    case 'bottleneck-map': {
      if (!sop) break;
      const r = await bottleneckMapFor(ctx, f, sop);
      const title = new Map(r.stages.map((s) => [s.id, s.title[lang]]));
      const stageRows: Cell[][] = r.stages.map((s) => [
        s.id,
        s.title[lang],
        s.now,
        s.overdueNow,
        s.entered,
        hours(s.wallP50),
        hours(s.workP50),
        pct(s.breachRate),
        s.dropped,
        pct(s.dropOff),
      ]);
      const edgeRows: Cell[][] = r.edges.map((e) => [
        e.label?.[lang] ?? e.action,
        title.get(e.source) ?? e.source,
        e.targets.map((t) => title.get(t) ?? t).join(' / '),
        e.records,
        e.taken,
      ]);
      const a = toCsv(
        h(
          'stageId',
          'stage',
          'now',
          'overdueNow',
          'entered',
          'wallP50',
          'workP50',
          'breachRate',
          'dropped',
          'dropOff',
        ),
        stageRows,
      );
      const b = toCsv(h('edge', 'from', 'to', 'records', 'taken'), edgeRows).slice(BOM.length);
      return `${a}\r\n${b}`;
    }
  }
  return toCsv([], []);
}
