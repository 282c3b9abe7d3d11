/**
 * /dashboard: with no SOP chosen, the overview across SOPs (KPIs, each SOP's figures, the
 * worst bottlenecks, workload, won/lost, trends, sources); with one, its drill-down (funnel,
 * time in stage, breaches, A/B and the rest).
 */
import { useMemo } from 'react';
import { useSopOptions } from './api.ts';
import { DashboardLayout } from './dashboard-layout.tsx';
import { OverviewKpis, SopOverview } from './overview-panel.tsx';
import { Kpis } from './panel-frame.tsx';
import { BreachesPanel, FunnelPanel, TimesPanel } from './panels.tsx';
import { ComparePanel, OutcomesPanel, TrendsPanel, WorkloadPanel } from './people-panels.tsx';
import { SourcesPanel } from './sources-panel.tsx';

export function DashboardPage() {
  const sops = useSopOptions();
  const published = useMemo(
    () =>
      (sops.data?.items ?? [])
        .filter((s) => s.publishedVersion !== null && s.publishedVersion !== undefined)
        .map((s) => ({ sopId: s.sopId, name: s.name })),
    [sops.data],
  );
  return (
    <DashboardLayout view="overview">
      {(filters, openSop) =>
        !filters.sopId ? (
          <>
            <OverviewKpis filters={filters} sops={published} />
            <SopOverview filters={filters} sops={published} onOpen={openSop} />
            <div className="dash-grid">
              <WorkloadPanel filters={filters} />
              <OutcomesPanel filters={filters} />
              <TrendsPanel filters={filters} />
              <SourcesPanel filters={filters} />
            </div>
          </>
        ) : (
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
              <SourcesPanel filters={filters} />
            </div>
          </>
        )
      }
    </DashboardLayout>
  );
}
