/**
 * getOutcomes: won and lost among the records created in the period, and why they were lost.
 *
 * A loss has a reason from one of two places: a record closed by hand carries the reason
 * typed at closing (`record.closed {reason}`); a record that reached a lost final stage
 * carries the SOP's reason field (lostReason, disqualifyReason…), shown with its option
 * label, else the final stage's title.
 */
import type { LocalizedText } from '@closeloop/engine';
import type { Ctx } from '../core/context.ts';
import { lostReasonsSql } from './figures.ts';
import { anySopReport } from './report-verb.ts';
import { rollupFor } from './rollup.ts';
import {
  cohortCte,
  num,
  type Period,
  type ReportFilters,
  ratio,
  reportQuery,
  type SopContext,
  scopeOf,
} from './scope.ts';

export type LostReason = {
  /** closed: typed at closing; field: the SOP's reason field; stage: the lost final stage. */
  kind: 'closed' | 'field' | 'stage';
  /** The raw value (reason text, option value or stage id). */
  value: string;
  label: LocalizedText;
  count: number;
  share: number | null;
};

export type Outcomes = {
  sopId: string | null;
  version: number | null;
  period: Period;
  started: number;
  open: number;
  won: number;
  lost: number;
  done: number;
  /** won / (won + lost). */
  winRate: number | null;
  reasons: LostReason[];
};

export async function outcomesFor(
  ctx: Ctx,
  input: ReportFilters,
  sop: SopContext | null,
  opts: { live?: boolean } = {},
): Promise<Outcomes> {
  const rolled = sop ? await rollupFor(ctx, input, sop, opts) : null;
  if (rolled && sop) {
    const rows: Array<{ kind: string; value: string | null; n: number }> = [];
    for (const [key, v] of await rolled.stages(false)) {
      const m = /^#(open|won|lost|done|closed|field|stage)(:.*)?$/s.exec(key);
      if (!m?.[1]) continue;
      const status = !m[2] && ['open', 'won', 'lost', 'done'].includes(m[1]);
      rows.push({
        kind: status ? 'status' : m[1],
        value: status ? m[1] : m[2] === undefined ? null : m[2].slice(1),
        n: v.entered,
      });
    }
    return outcomesOf(input, sop, rolled.period, rows);
  }
  const s = scopeOf(ctx, input, sop);
  const cohort = cohortCte(s);
  const from = s.params.ts(s.period.fromMs);
  const reasonKey = s.params.p(sop?.reasonField ?? null);
  const lostFinals = s.params.p(
    (sop?.stages ?? []).filter((x) => x.final && x.outcome === 'lost').map((x) => x.id),
  );
  // a lost record was either closed by hand (it stays in a working stage) or moved into a
  // lost final stage; closings are few, so they are range-scanned by (type, at)
  const reasonsSql = lostReasonsSql({
    cohort: 'cohort',
    keys: [],
    ws: s.ws,
    from,
    reasonKey,
    lostFinals: `${lostFinals}::text[]`,
  });
  const rows = await reportQuery(
    ctx.db,
    `with ${cohort}, ${reasonsSql.ctes}
     select 'status' as kind, c.status as value, count(*)::int as n from cohort c group by c.status
     union all
     ${reasonsSql.select}`,
    s.params.values,
  );
  return outcomesOf(input, sop, s.period, rows);
}

/** Outcomes from rows (kind: status | closed | field | stage, value, n). */
function outcomesOf(
  input: ReportFilters,
  sop: SopContext | null,
  period: Period,
  rows: Array<Record<string, unknown>>,
): Outcomes {
  const counts = { open: 0, won: 0, lost: 0, done: 0 };
  const reasons: LostReason[] = [];
  const field = sop?.reasonField
    ? sop.doc.fields.find((f) => f.key === sop.reasonField)
    : undefined;
  for (const r of rows) {
    const value = String(r.value ?? '');
    if (r.kind === 'status') {
      if (value === 'open' || value === 'won' || value === 'lost' || value === 'done') {
        counts[value] = num(r.n);
      }
      continue;
    }
    const kind = r.kind === 'closed' ? 'closed' : r.kind === 'field' ? 'field' : 'stage';
    let label: LocalizedText = { 'zh-CN': value, en: value };
    if (kind === 'field') {
      const opt = field?.options?.find((o) => o.value === value);
      if (opt) label = opt.label;
    } else if (kind === 'stage') {
      const st = sop?.stages.find((x) => x.id === value);
      if (st) label = st.title;
    }
    reasons.push({ kind, value, label, count: num(r.n), share: null });
  }
  const lostTotal = counts.lost;
  for (const r of reasons) r.share = ratio(r.count, lostTotal);
  reasons.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  return {
    sopId: input.sopId ?? null,
    version: input.version ?? null,
    period,
    started: counts.open + counts.won + counts.lost + counts.done,
    ...counts,
    winRate: ratio(counts.won, counts.won + counts.lost),
    reasons,
  };
}

/**
 * Won, lost (with reasons), done and still open among the records created in the period.
 *
 * @example
 * const o = await getOutcomes({ ctx, input: { sopId: 'closed-loop' } });
 * o.reasons[0] // { kind: 'field', value: 'price', label: { 'zh-CN': '价格', … }, count: 4 }
 */
export const getOutcomes = anySopReport(outcomesFor);
