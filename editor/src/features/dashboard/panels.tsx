import { Segmented, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loc } from '../../shared/loc.ts';
import {
  type Breaches,
  csvUrl,
  type Filters,
  type Funnel,
  type StageTimes,
  useBreaches,
  useFunnel,
  useStageTimes,
} from './api.ts';
import { EChart } from './echart.tsx';
import { duration, pct, slaWords, stageLabel } from './format.ts';
import { axisLabel, COLORS, Panel } from './panel-frame.tsx';

type FunnelRow = Funnel['stages'][number];

export function FunnelPanel({ filters }: { filters: Filters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = useFunnel(filters);
  const rows = useMemo(
    () => (q.data?.stages ?? []).filter((s) => !s.final || s.entered > 0),
    [q.data],
  );
  const option = useMemo(() => {
    const main = rows.filter((s) => s.depth === 1);
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: {
        type: 'category',
        inverse: true,
        data: main.map((s) => loc(s.title, '', lang)),
        axisLabel,
      },
      series: [
        {
          type: 'bar',
          name: t('dashboard.funnel.entered'),
          data: main.map((s) => ({
            value: s.entered,
            itemStyle: {
              color:
                s.outcome === 'won'
                  ? COLORS.won
                  : s.outcome === 'lost'
                    ? COLORS.lost
                    : COLORS.primary,
            },
          })),
          label: { show: true, position: 'right' },
        },
      ],
    };
  }, [rows, lang, t]);
  const columns: ColumnsType<FunnelRow> = [
    {
      title: t('dashboard.stage'),
      key: 'stage',
      render: (_, s) => <span className="dash-stage">{stageLabel(s, lang)}</span>,
    },
    { title: t('dashboard.funnel.entered'), dataIndex: 'entered', align: 'right' },
    {
      title: t('dashboard.funnel.converted'),
      dataIndex: 'converted',
      align: 'right',
      responsive: ['md'],
    },
    {
      title: t('dashboard.funnel.conversion'),
      key: 'conv',
      align: 'right',
      render: (_, s) => pct(s.conversion),
    },
    {
      title: t('dashboard.funnel.reach'),
      key: 'reach',
      align: 'right',
      render: (_, s) => pct(s.reach),
    },
  ];
  return (
    <Panel
      title={t('dashboard.funnel.title')}
      help={t('dashboard.funnel.help')}
      csv={csvUrl('funnel', filters, lang)}
      testId="panel-funnel"
    >
      <EChart
        option={option}
        height={Math.max(180, 32 * rows.filter((s) => s.depth === 1).length + 30)}
        testId="chart-funnel"
      />
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        loading={q.isFetching}
        dataSource={rows}
        columns={columns}
        scroll={{ x: true }}
        data-testid="table-funnel"
      />
    </Panel>
  );
}

type TimeRow = StageTimes['stages'][number];

export function TimesPanel({ filters }: { filters: Filters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [clock, setClock] = useState<'work' | 'wall'>('work');
  const q = useStageTimes(filters);
  const approx = q.data?.approximate === true;
  const rows = useMemo(() => (q.data?.stages ?? []).filter((s) => !s.final), [q.data]);
  const option = useMemo(() => {
    const v50 = (s: TimeRow) => (clock === 'work' ? s.workP50 : s.wallP50);
    const v90 = (s: TimeRow) => (clock === 'work' ? s.workP90 : s.wallP90);
    // the unit follows the longest time shown: minutes, hours or days
    const most = Math.max(0, ...rows.map((s) => v90(s) ?? 0));
    const [unit, size] =
      most < 2 * 3_600_000
        ? (['min', 60_000] as const)
        : most < 72 * 3_600_000
          ? (['h', 3_600_000] as const)
          : (['d', 86_400_000] as const);
    const inUnit = (ms: number | null) => (ms === null ? null : Math.round((ms / size) * 10) / 10);
    const p50 = (s: TimeRow) => inUnit(v50(s));
    const p90 = (s: TimeRow) => inUnit(v90(s));
    const label = t(`dashboard.axis.${unit}`);
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v} ${label}` },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 10, containLabel: true },
      xAxis: { type: 'value', name: label },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((s) => stageLabel(s, lang)),
        axisLabel,
      },
      series: [
        {
          type: 'bar',
          name: t('dashboard.times.median'),
          data: rows.map(p50),
          itemStyle: { color: COLORS.primary },
        },
        {
          type: 'bar',
          name: t('dashboard.times.p90'),
          data: rows.map(p90),
          itemStyle: { color: COLORS.p90 },
        },
      ],
    };
  }, [rows, clock, lang, t]);
  const columns: ColumnsType<TimeRow> = [
    {
      title: t('dashboard.stage'),
      key: 'stage',
      render: (_, s) => <span className="dash-stage">{stageLabel(s, lang)}</span>,
    },
    {
      title: `${t('dashboard.times.working')} ${t('dashboard.times.median')}`,
      key: 'w50',
      align: 'right',
      render: (_, s) => duration(s.workP50, t, approx),
    },
    {
      title: `${t('dashboard.times.working')} ${t('dashboard.times.p90')}`,
      key: 'w90',
      align: 'right',
      render: (_, s) => duration(s.workP90, t, approx),
    },
    {
      title: `${t('dashboard.times.wall')} ${t('dashboard.times.median')}`,
      key: 'c50',
      align: 'right',
      render: (_, s) => duration(s.wallP50, t, approx),
    },
    {
      title: `${t('dashboard.times.wall')} ${t('dashboard.times.p90')}`,
      key: 'c90',
      align: 'right',
      render: (_, s) => duration(s.wallP90, t, approx),
      responsive: ['md'],
    },
    { title: t('dashboard.times.visits'), dataIndex: 'visits', align: 'right', responsive: ['md'] },
    { title: t('dashboard.times.open'), dataIndex: 'open', align: 'right', responsive: ['lg'] },
  ];
  return (
    <Panel
      title={t('dashboard.times.title')}
      help={t('dashboard.times.help')}
      csv={csvUrl('stage-times', filters, lang)}
      testId="panel-times"
      extra={
        <Segmented
          size="small"
          value={clock}
          onChange={(v) => setClock(v === 'wall' ? 'wall' : 'work')}
          options={[
            { value: 'work', label: t('dashboard.times.working') },
            { value: 'wall', label: t('dashboard.times.wall') },
          ]}
          data-testid="times-clock"
        />
      }
    >
      <EChart option={option} height={Math.max(200, 34 * rows.length + 50)} testId="chart-times" />
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        loading={q.isFetching}
        dataSource={rows}
        columns={columns}
        scroll={{ x: true }}
        data-testid="table-times"
      />
      {approx && (
        <Typography.Text type="secondary" className="dash-approx" data-testid="times-approx">
          {t('dashboard.approximate')}
        </Typography.Text>
      )}
    </Panel>
  );
}

type BreachRow = Breaches['stages'][number];

export function BreachesPanel({ filters }: { filters: Filters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = useBreaches(filters);
  const rows = useMemo(
    () => (q.data?.stages ?? []).filter((s) => !!s.sla || s.breached > 0),
    [q.data],
  );
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((s) => stageLabel(s, lang)),
        axisLabel,
      },
      series: [
        {
          type: 'bar',
          name: t('dashboard.breaches.rate'),
          data: rows.map((s) => ({
            value: s.rate === null ? 0 : Math.round(s.rate * 1000) / 10,
            itemStyle: {
              color:
                (s.rate ?? 0) > 0.3 ? COLORS.lost : (s.rate ?? 0) > 0.1 ? COLORS.open : COLORS.won,
            },
          })),
          label: { show: true, position: 'right', formatter: '{c}%' },
        },
      ],
    }),
    [rows, lang, t],
  );
  const columns: ColumnsType<BreachRow> = [
    {
      title: t('dashboard.stage'),
      key: 'stage',
      render: (_, s) => <span className="dash-stage">{stageLabel(s, lang)}</span>,
    },
    {
      title: t('dashboard.breaches.sla'),
      key: 'sla',
      responsive: ['md'],
      render: (_, s) => <span data-testid="breach-sla">{slaWords(s.sla, t)}</span>,
    },
    { title: t('dashboard.breaches.entries'), dataIndex: 'visits', align: 'right' },
    { title: t('dashboard.breaches.breached'), dataIndex: 'breached', align: 'right' },
    {
      title: t('dashboard.breaches.rate'),
      key: 'rate',
      align: 'right',
      render: (_, s) => pct(s.rate, 1),
    },
  ];
  return (
    <Panel
      title={t('dashboard.breaches.title')}
      csv={csvUrl('breaches', filters, lang)}
      testId="panel-breaches"
    >
      <EChart
        option={option}
        height={Math.max(160, 34 * rows.length + 30)}
        testId="chart-breaches"
      />
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        loading={q.isFetching}
        dataSource={rows}
        columns={columns}
        scroll={{ x: true }}
        data-testid="table-breaches"
      />
    </Panel>
  );
}
