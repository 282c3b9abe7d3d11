/** The dashboard's frame: title, the Overview / Bottleneck map switch, and the filters bar. */
import { Alert, Segmented, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { type Filters, useFilters, useSopOptions } from './api.ts';
import { FiltersBar } from './filters-bar.tsx';
import './dashboard.css';

export function DashboardLayout({
  view,
  children,
}: {
  view: 'overview' | 'map';
  /** The view, given the filters and a way to open one SOP's drill-down. */
  children: (filters: Filters, openSop: (sopId: string) => void) => ReactNode;
}) {
  const { t } = useTranslation();
  const [filters, setFilters] = useFilters();
  const navigate = useNavigate();
  const location = useLocation();
  const sops = useSopOptions();
  const none =
    sops.isSuccess &&
    !sops.data.items.some((s) => s.publishedVersion !== null && s.publishedVersion !== undefined);
  return (
    <div className="dash" data-testid={view === 'map' ? 'bottleneck-map-page' : 'dashboard-page'}>
      <div className="dash-head">
        <div>
          <Typography.Title level={3} className="dash-title">
            {t('dashboard.title')}
          </Typography.Title>
          <Typography.Text type="secondary" className="dash-sub">
            {t('dashboard.subtitle')}
          </Typography.Text>
        </div>
        <Segmented
          value={view}
          onChange={(v) =>
            navigate({
              pathname: v === 'map' ? '/dashboard/map' : '/dashboard',
              search: location.search,
            })
          }
          options={[
            {
              value: 'overview',
              label: <span data-testid="tab-overview">{t('dashboard.overview')}</span>,
            },
            { value: 'map', label: <span data-testid="tab-map">{t('dashboard.map')}</span> },
          ]}
        />
      </div>
      <FiltersBar
        filters={filters}
        onChange={setFilters}
        showCompare={view === 'overview' && !!filters.sopId}
        requireSop={view === 'map'}
      />
      <Typography.Paragraph type="secondary" className="dash-note">
        {t('dashboard.cohortNote')}
      </Typography.Paragraph>
      {none ? (
        <Alert type="info" showIcon title={t('dashboard.noSops')} />
      ) : (
        children(filters, (sopId) => setFilters({ ...filters, sopId }))
      )}
    </div>
  );
}
