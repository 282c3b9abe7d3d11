/**
 * Reports for the manager dashboard and the bottleneck map: thin transports over the
 * report verbs. Managers see their teams' records, admins the workspace; others get 403.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ctxOf, errorResponses, ok } from '../http/context.ts';
import { localeOf } from '../http/problem.ts';
import { Day, LocalizedText } from '../http/schemas.ts';
import { defined, verbRoutes } from '../http/verb-route.ts';
import type { Ctx } from '../services/core/context.ts';
import {
  exportReport,
  getBottleneckMap,
  getBreaches,
  getFunnel,
  getOutcomes,
  getStageTimes,
  getTrends,
  getWorkload,
  REPORTS,
  type ReportFilters,
} from '../services/reports/index.ts';
import type { Router } from './router.ts';

const tags = ['reports'];
const verbRoute = verbRoutes(tags);

const filterShape = {
  sopId: z.string().min(1).max(100).optional(),
  version: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
  teamId: z.string().min(1).max(64).optional(),
  ownerId: z.string().min(1).max(200).optional(),
  from: Day.optional().openapi({
    description: 'First day of the period (local); default 29 days before `to`',
  }),
  to: Day.optional().openapi({
    description: 'Last day of the period, inclusive (local); default today',
  }),
  source: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "Value of the SOP's lead-source field" }),
};
const Filters = z.object(filterShape);
const SopFilters = z.object({ ...filterShape, sopId: z.string().min(1).max(100) });

const Period = z.object({ from: z.string(), to: z.string(), fromMs: z.number(), toMs: z.number() });
const StageBase = {
  id: z.string(),
  parentId: z.string().nullable(),
  depth: z.number(),
  type: z.string(),
  final: z.boolean(),
  outcome: z.enum(['won', 'lost', 'done']).nullable(),
  title: LocalizedText,
  sla: z.string().nullable(),
  order: z.number(),
};
const Rate = z.number().nullable();
const Ms = z.number().nullable().openapi({ description: 'milliseconds' });

const Funnel = z
  .object({
    sopId: z.string(),
    version: z.number().nullable(),
    period: Period,
    started: z.number(),
    outcomes: z.object({ open: z.number(), won: z.number(), lost: z.number(), done: z.number() }),
    stages: z.array(
      z.object({
        ...StageBase,
        entered: z.number(),
        converted: z.number(),
        conversion: Rate,
        reach: Rate,
      }),
    ),
  })
  .openapi('Funnel');

const StageTimes = z
  .object({
    sopId: z.string(),
    version: z.number().nullable(),
    period: Period,
    stages: z.array(
      z.object({
        ...StageBase,
        visits: z.number(),
        open: z.number(),
        wallP50: Ms,
        wallP90: Ms,
        workP50: Ms,
        workP90: Ms,
      }),
    ),
    /** Percentiles estimated from duration histograms (periods over 31 days). */
    approximate: z.boolean(),
  })
  .openapi('StageTimes');

const Breaches = z
  .object({
    sopId: z.string(),
    version: z.number().nullable(),
    period: Period,
    visits: z.number(),
    breached: z.number(),
    rate: Rate,
    stages: z.array(
      z.object({ ...StageBase, visits: z.number(), breached: z.number(), rate: Rate }),
    ),
  })
  .openapi('Breaches');

const Workload = z
  .object({
    now: z.number(),
    open: z.number(),
    overdue: z.number(),
    reps: z.array(
      z.object({
        userId: z.string().nullable(),
        name: z.string(),
        teamId: z.string().nullable(),
        teamName: z.string(),
        open: z.number(),
        overdue: z.number(),
        overdueRate: Rate,
        oldestDueAt: z.number().nullable(),
      }),
    ),
    teams: z.array(
      z.object({
        teamId: z.string().nullable(),
        name: z.string(),
        open: z.number(),
        overdue: z.number(),
        overdueRate: Rate,
      }),
    ),
  })
  .openapi('Workload');

const Outcomes = z
  .object({
    sopId: z.string().nullable(),
    version: z.number().nullable(),
    period: Period,
    started: z.number(),
    open: z.number(),
    won: z.number(),
    lost: z.number(),
    done: z.number(),
    winRate: Rate,
    reasons: z.array(
      z.object({
        kind: z.enum(['closed', 'field', 'stage']),
        value: z.string(),
        label: LocalizedText,
        count: z.number(),
        share: Rate,
      }),
    ),
  })
  .openapi('Outcomes');

const Trends = z
  .object({
    sopId: z.string().nullable(),
    version: z.number().nullable(),
    period: Period,
    weeks: z.array(
      z.object({
        week: z.string(),
        created: z.number(),
        won: z.number(),
        lost: z.number(),
        breaches: z.number(),
        winRate: Rate,
      }),
    ),
  })
  .openapi('Trends');

const BottleneckMap = z
  .object({
    sopId: z.string(),
    version: z.number(),
    period: Period,
    stages: z.array(
      z.object({
        ...StageBase,
        now: z.number(),
        overdueNow: z.number(),
        entered: z.number(),
        wallP50: Ms,
        workP50: Ms,
        breachRate: Rate,
        dropped: z.number(),
        dropOff: Rate,
      }),
    ),
    edges: z.array(
      z.object({
        key: z.string(),
        source: z.string(),
        targets: z.array(z.string()),
        action: z.string(),
        label: LocalizedText.nullable(),
        records: z.number(),
        taken: z.number(),
      }),
    ),
    /** Medians estimated from duration histograms (periods over 31 days). */
    approximate: z.boolean(),
  })
  .openapi('BottleneckMap');

/** A report's filters from its query, absent ones left out. */
function filtersOf(q: z.infer<typeof Filters>): ReportFilters {
  return defined(q);
}

/** The filters of a report on one SOP, which names it. */
function sopFiltersOf(q: z.infer<typeof SopFilters>): ReportFilters & { sopId: string } {
  return { ...filtersOf(q), sopId: q.sopId };
}

const period =
  'The period selects the records created in it (a cohort); figures describe what happened to them up to now.';

/** A report route: GET, answered by one report verb. */
type ReportSpec<T extends z.ZodType, I> = {
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  schema: T;
  verb: (args: { ctx: Ctx; input: I }) => Promise<z.output<T>>;
};

/** A report over the workspace's records, narrowed by the filters. */
function report<T extends z.ZodType>(
  r: Router,
  { schema, verb, ...doc }: ReportSpec<T, ReportFilters>,
) {
  verbRoute(r, {
    method: 'get',
    ...doc,
    request: { query: Filters },
    responses: { 200: ok(schema) },
    // ReportSpec ties the verb's answer to `schema`; verbRoute's own check cannot see
    // through a generic schema, so it is told here
    verb: verb as never,
    input: (c) => filtersOf(c.req.valid('query')),
  });
}

/** A report over one SOP's records (`sopId`), narrowed by the filters. */
function sopReport<T extends z.ZodType>(
  r: Router,
  { schema, verb, ...doc }: ReportSpec<T, ReportFilters & { sopId: string }>,
) {
  verbRoute(r, {
    method: 'get',
    ...doc,
    request: { query: SopFilters },
    responses: { 200: ok(schema) },
    // ReportSpec ties the verb's answer to `schema`; verbRoute's own check cannot see
    // through a generic schema, so it is told here
    verb: verb as never,
    input: (c) => sopFiltersOf(c.req.valid('query')),
  });
}

export function reportRoutes() {
  const r = createRouter();
  registerFlowReports(r);
  registerTeamReports(r);
  registerMapAndExport(r);
  return r;
}

/** Where records go and how long they take: funnel, stage times, breaches. */
function registerFlowReports(r: Router) {
  sopReport(r, {
    path: '/reports/funnel',
    operationId: 'getFunnel',
    summary: 'Records entering each stage and conversion to the next, per SOP version',
    description: period,
    schema: Funnel,
    verb: getFunnel,
  });

  sopReport(r, {
    path: '/reports/stage-times',
    operationId: 'getStageTimes',
    summary: 'Median and p90 time in each stage, wall-clock and working time (ms)',
    description: period,
    schema: StageTimes,
    verb: getStageTimes,
  });

  sopReport(r, {
    path: '/reports/breaches',
    operationId: 'getBreaches',
    summary: 'SLA breach rate per stage',
    description: period,
    schema: Breaches,
    verb: getBreaches,
  });
}

/** What the teams carry and achieve: workload, outcomes, trends. */
function registerTeamReports(r: Router) {
  report(r, {
    path: '/reports/workload',
    operationId: 'getWorkload',
    summary: 'Open and overdue records now, per rep and per team (the period does not apply)',
    schema: Workload,
    verb: getWorkload,
  });

  report(r, {
    path: '/reports/outcomes',
    operationId: 'getOutcomes',
    summary: 'Won, lost (with the lost reasons), done and open',
    description: period,
    schema: Outcomes,
    verb: getOutcomes,
  });

  report(r, {
    path: '/reports/trends',
    operationId: 'getTrends',
    summary: 'Weekly created, won, lost and SLA breaches, each in the week it happened',
    schema: Trends,
    verb: getTrends,
  });
}

/** The bottleneck map and the CSV export of any report. */
function registerMapAndExport(r: Router) {
  sopReport(r, {
    path: '/reports/bottleneck-map',
    operationId: 'getBottleneckMap',
    summary:
      'Per stage: records now, median time, breach rate, drop-off; per edge: records that took it',
    description: `${period} "Records now" is the open queue and ignores the period.`,
    schema: BottleneckMap,
    verb: getBottleneckMap,
  });

  r.openapi(
    createRoute({
      method: 'get',
      path: '/reports/{report}/export',
      operationId: 'exportReport',
      tags,
      summary:
        'A report table as CSV (UTF-8 with BOM, for Excel); headers in the caller’s language',
      request: {
        params: z.object({ report: z.enum(REPORTS) }),
        query: z.object({ ...filterShape, lang: z.enum(['zh-CN', 'en']).optional() }),
      },
      responses: {
        200: {
          description: 'CSV file',
          content: { 'text/csv': { schema: z.string() } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { report } = c.req.valid('param');
      const { lang, ...q } = c.req.valid('query');
      const file = await exportReport({
        ctx: ctxOf(c),
        input: { report, lang: lang ?? localeOf(c), filters: filtersOf(q) },
      });
      return c.body(file.body, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${file.filename}"`,
        'cache-control': 'no-store',
      });
    },
  );
}
