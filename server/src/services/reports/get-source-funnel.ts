/**
 * getSourceFunnel: the records created in the period, by the channel and source they came
 * in through — leads, customers created vs attached, reached a stage after the first, won.
 *
 * A lead's source is its intake row (import, form, push, intake API: `intake_leads`); a
 * record without one was typed in (`manual`) or posted by a token (`api`), as its
 * customer's history says. Whether the record made its customer or joined one is the
 * customer history's `customer.created` / `record.attached` entry naming the record.
 */
import type { Verb } from '../core/context.ts';
import {
  assertCanReport,
  num,
  type Period,
  type ReportFilters,
  ratio,
  reportQuery,
  scopeOf,
} from './scope.ts';

export type SourceRow = {
  /** manual, api, import, form or push. */
  channel: string;
  /** The source named at entry (the form's or import's source, the platform); '' when none. */
  source: string;
  leads: number;
  customersCreated: number;
  customersAttached: number;
  /** Records that entered a stage after the one they started in. */
  reachedNext: number;
  won: number;
  lost: number;
  reachRate: number | null;
  winRate: number | null;
};

export type SourceFunnel = {
  sopId: string | null;
  period: Period;
  leads: number;
  sources: SourceRow[];
};

/**
 * @example
 * const f = await getSourceFunnel({ ctx, input: { from: '2026-03-01', to: '2026-03-31' } });
 * f.sources[0] // { channel: 'form', source: '官网表单', leads: 12, customersCreated: 9, … }
 */
export const getSourceFunnel: Verb<ReportFilters, SourceFunnel> = async ({ ctx, input }) => {
  assertCanReport(ctx, input);
  // the source filter names an intake source here, not the SOP's source field
  const { source, ...filters } = input;
  const s = scopeOf(ctx, filters, null);
  const only = s.params.p(source ?? null);
  const from = s.params.ts(s.period.fromMs);
  const to = s.params.ts(s.period.toMs);
  const rows = await reportQuery(
    ctx.db,
    `with cohort as (
        select r.id, r.status, r.customer_id
          from records r
         where ${s.recordWhere.join(' and ')}
           and r.created_at >= ${from} and r.created_at < ${to}),
      tagged as (
        select c.id, c.status,
               coalesce(l.channel, ce.channel, 'manual') as channel,
               coalesce(l.source, '') as source,
               ce.type as customer_event,
               exists (select 1 from stage_visits v
                        where v.workspace_id = ${s.ws} and v.record_id = c.id and v.entry > 1) as moved
          from cohort c
          left join intake_leads l on l.workspace_id = ${s.ws} and l.record_id = c.id
          left join lateral (
            select e.type, e.detail ->> 'channel' as channel
              from customer_events e
             where e.workspace_id = ${s.ws} and e.customer_id = c.customer_id
               and e.type in ('customer.created', 'record.attached')
               and e.detail ->> 'recordId' = c.id
             limit 1) ce on true)
     select channel, source, count(*)::int as leads,
            count(*) filter (where customer_event = 'customer.created')::int as created,
            count(*) filter (where customer_event = 'record.attached')::int as attached,
            count(*) filter (where moved)::int as moved,
            count(*) filter (where status = 'won')::int as won,
            count(*) filter (where status = 'lost')::int as lost
       from tagged where (${only}::text is null or source = ${only}::text)
      group by channel, source
      order by leads desc, channel, source`,
    s.params.values,
  );
  const sources = rows.map((r) => {
    const leads = num(r.leads);
    const won = num(r.won);
    const lost = num(r.lost);
    return {
      channel: String(r.channel),
      source: String(r.source ?? ''),
      leads,
      customersCreated: num(r.created),
      customersAttached: num(r.attached),
      reachedNext: num(r.moved),
      won,
      lost,
      reachRate: ratio(num(r.moved), leads),
      winRate: ratio(won, won + lost),
    };
  });
  return {
    sopId: input.sopId ?? null,
    period: s.period,
    leads: sources.reduce((a, x) => a + x.leads, 0),
    sources,
  };
};
