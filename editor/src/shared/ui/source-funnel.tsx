/**
 * The funnel by source as a table: per channel and source, leads, customers created vs
 * attached, moved past their first stage, won. Shown on the dashboard and on /intake.
 */
import { Empty, Grid, List, Progress, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SourceRow } from '../api/intake.ts';
import './source-funnel.css';

const PLATFORMS: Record<string, string> = {
  oceanengine: 'intake.sources.oceanengine',
  tencent: 'intake.sources.tencent',
};
const CHANNELS = ['manual', 'api', 'import', 'form', 'push'] as const;
const COLORS: Record<string, string> = {
  manual: 'default',
  api: 'purple',
  import: 'blue',
  form: 'green',
  push: 'orange',
};

function pct(v: number | null | undefined) {
  return v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`;
}

export function SourceFunnelTable({
  rows,
  loading,
  testId,
}: {
  rows: SourceRow[] | undefined;
  loading?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const channel = (c: string) =>
    (CHANNELS as readonly string[]).includes(c) ? t(`intake.sources.channel.${c}`) : c;
  const name = (r: SourceRow) =>
    r.source
      ? PLATFORMS[r.source]
        ? t(PLATFORMS[r.source] as string)
        : r.source
      : channel(r.channel);
  const max = Math.max(1, ...(rows ?? []).map((r) => r.leads));
  const columns: ColumnsType<SourceRow> = [
    {
      key: 'source',
      title: t('intake.sources.source'),
      render: (_, r) => (
        <span className="source-name" data-testid={`source-row-${r.channel}-${r.source}`}>
          <Tag color={COLORS[r.channel] ?? 'default'}>{channel(r.channel)}</Tag>
          {name(r)}
        </span>
      ),
    },
    {
      key: 'leads',
      title: t('intake.sources.leads'),
      align: 'right',
      render: (_, r) => (
        <span className="source-leads">
          <Progress percent={(r.leads / max) * 100} status="normal" showInfo={false} size="small" />
          <b data-testid="source-leads">{r.leads}</b>
        </span>
      ),
    },
    {
      key: 'customers',
      title: (
        <Tooltip title={t('intake.sources.customersHelp')}>{t('intake.sources.customers')}</Tooltip>
      ),
      align: 'right',
      render: (_, r) => (
        <span data-testid="source-customers">
          {t('intake.sources.createdAttached', {
            created: r.customersCreated,
            attached: r.customersAttached,
          })}
        </span>
      ),
    },
    {
      key: 'next',
      title: t('intake.sources.reachedNext'),
      align: 'right',
      render: (_, r) => `${r.reachedNext} · ${pct(r.reachRate)}`,
    },
    {
      key: 'won',
      title: t('intake.sources.won'),
      align: 'right',
      render: (_, r) => <span data-testid="source-won">{`${r.won} · ${pct(r.winRate)}`}</span>,
    },
  ];
  if (!screens.md) {
    // a phone: one line per source instead of a table wider than the screen
    return (
      <List
        size="small"
        loading={loading}
        dataSource={rows ?? []}
        data-testid={testId}
        locale={{ emptyText: <Empty description={t('intake.sources.empty')} /> }}
        renderItem={(r) => (
          <List.Item>
            <div className="source-card">
              {columns[0]?.render?.(null, r, 0) as ReactNode}
              <Typography.Text type="secondary" className="source-card-figures">
                {t('intake.sources.phoneLine', {
                  leads: r.leads,
                  created: r.customersCreated,
                  attached: r.customersAttached,
                  next: r.reachedNext,
                  won: r.won,
                  winRate: pct(r.winRate),
                })}
              </Typography.Text>
            </div>
          </List.Item>
        )}
      />
    );
  }
  return (
    <Table<SourceRow>
      size="small"
      rowKey={(r) => `${r.channel}:${r.source}`}
      columns={columns}
      dataSource={rows ?? []}
      loading={loading}
      pagination={false}
      scroll={{ x: 560 }}
      data-testid={testId}
      locale={{ emptyText: <Empty description={t('intake.sources.empty')} /> }}
    />
  );
}
