/** Report verbs for the manager dashboard and the bottleneck map. */

export { exportReport, REPORTS, type ReportName, toCsv } from './export-report.ts';
export { type BottleneckMap, getBottleneckMap } from './get-bottleneck-map.ts';
export { type Breaches, getBreaches } from './get-breaches.ts';
export { type Funnel, getFunnel } from './get-funnel.ts';
export { getOutcomes, type Outcomes } from './get-outcomes.ts';
export { getSourceFunnel, type SourceFunnel } from './get-source-funnel.ts';
export { getStageTimes, type StageTimes } from './get-stage-times.ts';
export { getTrends, type Trends } from './get-trends.ts';
export { getWorkload, type Workload } from './get-workload.ts';
export type { ReportFilters } from './scope.ts';
