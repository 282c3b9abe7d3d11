/** /dashboard: KPIs, funnel, time in stage, breaches, workload, won/lost, trends, A/B. */
import { DashboardLayout } from './dashboard-layout.tsx';
import {
  BreachesPanel,
  ComparePanel,
  FunnelPanel,
  Kpis,
  OutcomesPanel,
  TimesPanel,
  TrendsPanel,
  WorkloadPanel,
} from './panels.tsx';

export function DashboardPage() {
  return (
    <DashboardLayout view="overview">
      {(filters) => (
        <>
          <Kpis filters={filters} />
          <ComparePanel filters={filters} />
          <div className="dash-grid">
            <FunnelPanel filters={filters} />
            <TimesPanel filters={filters} />
            <BreachesPanel filters={filters} />
            <OutcomesPanel filters={filters} />
            <WorkloadPanel filters={filters} />
            <TrendsPanel filters={filters} />
          </div>
        </>
      )}
    </DashboardLayout>
  );
}
