/** The frame every dashboard panel shares (title, help, CSV export), its colours, and the KPI row. */
import { DownloadOutlined, InfoCircleOutlined } from '@ant-design/icons';
import { Button, Card, Statistic, Tooltip } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { type Filters, useBreaches, useOutcomes, useWorkload } from './api.ts';
import { count, pct } from './format.ts';

export const COLORS = {
  primary: '#1668dc',
  won: '#52c41a',
  lost: '#ff4d4f',
  done: '#8c8c8c',
  open: '#faad14',
  p90: '#91caff',
};

export function Panel({
  title,
  help,
  csv,
  testId,
  extra,
  children,
}: {
  title: string;
  help?: string;
  /** A download URL, or a function that builds the file in the browser. */
  csv?: string | (() => void);
  testId: string;
  extra?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Card
      className="dash-panel"
      size="small"
      data-testid={testId}
      title={
        <span>
          {title}
          {help && (
            <Tooltip title={help}>
              <InfoCircleOutlined className="dash-help" />
            </Tooltip>
          )}
        </span>
      }
      extra={
        <span className="dash-panel-extra">
          {extra}
          {csv && (
            <Button
              size="small"
              icon={<DownloadOutlined />}
              {...(typeof csv === 'string' ? { href: csv, download: true } : { onClick: csv })}
              data-testid={`${testId}-csv`}
            >
              <span className="dash-csv-label">{t('dashboard.csv')}</span>
            </Button>
          )}
        </span>
      }
    >
      {children}
    </Card>
  );
}

export const axisLabel = { interval: 0, width: 110, overflow: 'truncate' as const };

export function Kpis({
  filters,
  breachRate,
}: {
  filters: Filters;
  /** Across SOPs (no SOP chosen) the caller sums each SOP's breaches. */
  breachRate?: number | null;
}) {
  const { t, i18n } = useTranslation();
  const o = useOutcomes(filters).data;
  const b = useBreaches(filters).data;
  const w = useWorkload(filters).data;
  const items: Array<[string, string, string]> = [
    ['started', t('dashboard.kpi.started'), o ? count(o.started, i18n.language) : '–'],
    ['won', t('dashboard.kpi.won'), o ? count(o.won, i18n.language) : '–'],
    ['lost', t('dashboard.kpi.lost'), o ? count(o.lost, i18n.language) : '–'],
    ['win-rate', t('dashboard.kpi.winRate'), pct(o?.winRate, 1)],
    ['breach-rate', t('dashboard.kpi.breachRate'), pct(breachRate ?? b?.rate, 1)],
    ['open-now', t('dashboard.kpi.openNow'), w ? count(w.open, i18n.language) : '–'],
    ['overdue-now', t('dashboard.kpi.overdueNow'), w ? count(w.overdue, i18n.language) : '–'],
  ];
  return (
    <div className="dash-kpis" data-testid="dashboard-kpis">
      {items.map(([k, label, value]) => (
        <Card key={k} size="small" className="dash-kpi" data-testid={`kpi-${k}`}>
          <Statistic title={label} value={value} />
        </Card>
      ))}
    </div>
  );
}
