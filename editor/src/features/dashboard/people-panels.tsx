import { Empty, Table, Tabs, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { loc } from '../../shared/loc.ts';
import {
  csvUrl,
  type Filters,
  type Outcomes,
  type Trends,
  useBreaches,
  useFunnel,
  useOutcomes,
  useStageTimes,
  useTrends,
  useWorkload,
  type Workload,
} from './api.ts';
import { EChart } from './echart.tsx';
import { downloadCsv, duration, hours, pct, stageLabel } from './format.ts';
import { axisLabel, COLORS, Panel } from './panel-frame.tsx';

type RepRow = Workload['reps'][number];
type TeamRow = Workload['teams'][number];

export function WorkloadPanel({ filters }: { filters: Filters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = useWorkload(filters);
  const reps = q.data?.reps ?? [];
  const top = reps.slice(0, 12);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 10, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: {
        type: 'category',
        inverse: true,
        data: top.map((r) => r.name || t('dashboard.workload.unassigned')),
        axisLabel,
      },
      series: [
        {
          type: 'bar',
          stack: 'w',
          name: t('dashboard.workload.overdue'),
          data: top.map((r) => r.overdue),
          itemStyle: { color: COLORS.lost },
        },
        {
          type: 'bar',
          stack: 'w',
          name: t('dashboard.workload.open'),
          data: top.map((r) => r.open - r.overdue),
          itemStyle: { color: COLORS.primary },
        },
      ],
    }),
    [top, t],
  );
  const repColumns: ColumnsType<RepRow> = [
    {
      title: t('dashboard.workload.rep'),
      key: 'rep',
      render: (_, r) => r.name || t('dashboard.workload.unassigned'),
    },
    { title: t('dashboard.workload.team'), dataIndex: 'teamName', responsive: ['md'] },
    { title: t('dashboard.workload.open'), dataIndex: 'open', align: 'right' },
    {
      title: t('dashboard.workload.overdue'),
      key: 'overdue',
      align: 'right',
      render: (_, r) => (r.overdue > 0 ? <Tag color="red">{r.overdue}</Tag> : 0),
    },
    {
      title: t('dashboard.workload.overdueRate'),
      key: 'rate',
      align: 'right',
      render: (_, r) => pct(r.overdueRate),
    },
    {
      title: t('dashboard.workload.oldestDue'),
      key: 'oldest',
      responsive: ['lg'],
      render: (_, r) => (r.oldestDueAt ? new Date(r.oldestDueAt).toLocaleString(lang) : '–'),
    },
  ];
  const teamColumns: ColumnsType<TeamRow> = [
    {
      title: t('dashboard.workload.team'),
      key: 'team',
      render: (_, r) => r.name || t('dashboard.workload.unassigned'),
    },
    { title: t('dashboard.workload.open'), dataIndex: 'open', align: 'right' },
    { title: t('dashboard.workload.overdue'), dataIndex: 'overdue', align: 'right' },
    {
      title: t('dashboard.workload.overdueRate'),
      key: 'rate',
      align: 'right',
      render: (_, r) => pct(r.overdueRate),
    },
  ];
  return (
    <Panel
      title={t('dashboard.workload.title')}
      csv={csvUrl('workload', filters, lang)}
      testId="panel-workload"
    >
      <EChart
        option={option}
        height={Math.max(160, 30 * top.length + 50)}
        testId="chart-workload"
      />
      <Tabs
        size="small"
        items={[
          {
            key: 'reps',
            label: t('dashboard.workload.byRep'),
            children: (
              <Table
                size="small"
                rowKey={(r) => `${r.userId}/${r.teamId}`}
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                loading={q.isFetching}
                dataSource={reps}
                columns={repColumns}
                scroll={{ x: true }}
                data-testid="table-workload"
              />
            ),
          },
          {
            key: 'teams',
            label: t('dashboard.workload.byTeam'),
            children: (
              <Table
                size="small"
                rowKey={(r) => r.teamId ?? ''}
                pagination={false}
                dataSource={q.data?.teams ?? []}
                columns={teamColumns}
                scroll={{ x: true }}
              />
            ),
          },
        ]}
      />
    </Panel>
  );
}

type ReasonRow = Outcomes['reasons'][number];

export function OutcomesPanel({ filters }: { filters: Filters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = useOutcomes(filters);
  const o = q.data;
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '68%'],
          center: ['50%', '45%'],
          label: { formatter: '{b}\n{c}' },
          data: o
            ? [
                {
                  name: t('dashboard.outcomes.won'),
                  value: o.won,
                  itemStyle: { color: COLORS.won },
                },
                {
                  name: t('dashboard.outcomes.lost'),
                  value: o.lost,
                  itemStyle: { color: COLORS.lost },
                },
                {
                  name: t('dashboard.outcomes.done'),
                  value: o.done,
                  itemStyle: { color: COLORS.done },
                },
                {
                  name: t('dashboard.outcomes.open'),
                  value: o.open,
                  itemStyle: { color: COLORS.open },
                },
              ].filter((x) => x.value > 0)
            : [],
        },
      ],
    }),
    [o, t],
  );
  const columns: ColumnsType<ReasonRow> = [
    {
      title: t('dashboard.outcomes.reason'),
      key: 'reason',
      render: (_, r) => loc(r.label, r.value, lang),
    },
    {
      title: t('dashboard.outcomes.kind'),
      key: 'kind',
      responsive: ['md'],
      render: (_, r) => t(`dashboard.outcomes.kinds.${r.kind}`),
    },
    { title: t('dashboard.outcomes.count'), dataIndex: 'count', align: 'right' },
    {
      title: t('dashboard.outcomes.share'),
      key: 'share',
      align: 'right',
      render: (_, r) => pct(r.share),
    },
  ];
  return (
    <Panel
      title={t('dashboard.outcomes.title')}
      csv={csvUrl('outcomes', filters, lang)}
      testId="panel-outcomes"
    >
      <EChart option={option} height={240} testId="chart-outcomes" />
      <div className="dash-subtitle">{t('dashboard.outcomes.reasons')}</div>
      <Table
        size="small"
        rowKey={(r) => `${r.kind}/${r.value}`}
        pagination={{ pageSize: 8, hideOnSinglePage: true }}
        loading={q.isFetching}
        dataSource={o?.reasons ?? []}
        columns={columns}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={t('dashboard.outcomes.noLosses')}
            />
          ),
        }}
        data-testid="table-reasons"
      />
    </Panel>
  );
}

type WeekRow = Trends['weeks'][number];

export function TrendsPanel({ filters }: { filters: Filters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const q = useTrends(filters);
  const weeks = q.data?.weeks ?? [];
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 10, containLabel: true },
      xAxis: { type: 'category', data: weeks.map((w) => w.week.slice(5)) },
      yAxis: { type: 'value' },
      series: [
        {
          type: 'line',
          name: t('dashboard.trends.created'),
          data: weeks.map((w) => w.created),
          itemStyle: { color: COLORS.primary },
          smooth: true,
        },
        {
          type: 'line',
          name: t('dashboard.trends.won'),
          data: weeks.map((w) => w.won),
          itemStyle: { color: COLORS.won },
          smooth: true,
        },
        {
          type: 'line',
          name: t('dashboard.trends.lost'),
          data: weeks.map((w) => w.lost),
          itemStyle: { color: COLORS.lost },
          smooth: true,
        },
        {
          type: 'bar',
          name: t('dashboard.trends.breaches'),
          data: weeks.map((w) => w.breaches),
          itemStyle: { color: COLORS.open },
          barMaxWidth: 16,
        },
      ],
    }),
    [weeks, t],
  );
  const columns: ColumnsType<WeekRow> = [
    { title: t('dashboard.trends.week'), dataIndex: 'week' },
    { title: t('dashboard.trends.created'), dataIndex: 'created', align: 'right' },
    { title: t('dashboard.trends.won'), dataIndex: 'won', align: 'right' },
    { title: t('dashboard.trends.lost'), dataIndex: 'lost', align: 'right' },
    { title: t('dashboard.trends.breaches'), dataIndex: 'breaches', align: 'right' },
    {
      title: t('dashboard.kpi.winRate'),
      key: 'wr',
      align: 'right',
      render: (_, w) => pct(w.winRate),
      responsive: ['md'],
    },
  ];
  return (
    <Panel
      title={t('dashboard.trends.title')}
      csv={csvUrl('trends', filters, lang)}
      testId="panel-trends"
    >
      <EChart option={option} height={260} testId="chart-trends" />
      <Table
        size="small"
        rowKey="week"
        pagination={{ pageSize: 6, hideOnSinglePage: true }}
        loading={q.isFetching}
        dataSource={[...weeks].reverse()}
        columns={columns}
        scroll={{ x: true }}
        data-testid="table-trends"
      />
    </Panel>
  );
}

type CompareRow = {
  id: string;
  label: string;
  enteredA: number;
  enteredB: number;
  convA: number | null;
  convB: number | null;
  timeA: number | null;
  timeB: number | null;
  breachA: number | null;
  breachB: number | null;
};

/** Two versions of one SOP side by side: funnel, working time and breaches per stage. */
export function ComparePanel({ filters }: { filters: Filters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const a = filters.version;
  const b = filters.compare;
  const enabled = a !== undefined && b !== undefined;
  const fa = useFunnel(filters, { version: a });
  const fb = useFunnel(filters, { version: b });
  const ta = useStageTimes(filters, { version: a });
  const tb = useStageTimes(filters, { version: b });
  const ba = useBreaches(filters, { version: a });
  const bb = useBreaches(filters, { version: b });
  const rows = useMemo<CompareRow[]>(() => {
    if (!enabled) return [];
    const ids: string[] = [];
    const label = new Map<string, string>();
    for (const s of [...(fa.data?.stages ?? []), ...(fb.data?.stages ?? [])]) {
      if (s.final || label.has(s.id)) continue;
      ids.push(s.id);
      label.set(s.id, stageLabel(s, lang));
    }
    const find = <T extends { id: string }>(list: T[] | undefined, id: string) =>
      list?.find((x) => x.id === id);
    return ids.map((id) => ({
      id,
      label: label.get(id) ?? id,
      enteredA: find(fa.data?.stages, id)?.entered ?? 0,
      enteredB: find(fb.data?.stages, id)?.entered ?? 0,
      convA: find(fa.data?.stages, id)?.conversion ?? null,
      convB: find(fb.data?.stages, id)?.conversion ?? null,
      timeA: find(ta.data?.stages, id)?.workP50 ?? null,
      timeB: find(tb.data?.stages, id)?.workP50 ?? null,
      breachA: find(ba.data?.stages, id)?.rate ?? null,
      breachB: find(bb.data?.stages, id)?.rate ?? null,
    }));
  }, [enabled, fa.data, fb.data, ta.data, tb.data, ba.data, bb.data, lang]);
  const sideA = t('dashboard.compare.side', { v: a });
  const sideB = t('dashboard.compare.side', { v: b });
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 10, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label), axisLabel },
      series: [
        {
          type: 'bar',
          name: `${sideA} ${t('dashboard.compare.conversion')}`,
          data: rows.map((r) => (r.convA === null ? null : Math.round(r.convA * 1000) / 10)),
          itemStyle: { color: COLORS.primary },
        },
        {
          type: 'bar',
          name: `${sideB} ${t('dashboard.compare.conversion')}`,
          data: rows.map((r) => (r.convB === null ? null : Math.round(r.convB * 1000) / 10)),
          itemStyle: { color: '#13c2c2' },
        },
      ],
    }),
    [rows, sideA, sideB, t],
  );
  if (!enabled) return null;
  const cmp = (x: string, y: string) => (
    <span className="dash-ab">
      <span>{x}</span>
      <span className="dash-ab-sep">→</span>
      <strong>{y}</strong>
    </span>
  );
  const columns: ColumnsType<CompareRow> = [
    {
      title: t('dashboard.stage'),
      key: 'stage',
      render: (_, r) => <span className="dash-stage">{r.label}</span>,
    },
    {
      title: t('dashboard.compare.entered'),
      key: 'e',
      render: (_, r) => cmp(String(r.enteredA), String(r.enteredB)),
    },
    {
      title: t('dashboard.compare.conversion'),
      key: 'c',
      render: (_, r) => cmp(pct(r.convA), pct(r.convB)),
    },
    {
      title: t('dashboard.compare.median'),
      key: 't',
      render: (_, r) => cmp(duration(r.timeA, t), duration(r.timeB, t)),
    },
    {
      title: t('dashboard.compare.breach'),
      key: 'b',
      render: (_, r) => cmp(pct(r.breachA), pct(r.breachB)),
    },
  ];
  return (
    <Panel
      title={`${t('dashboard.compare.title')} · ${sideA} / ${sideB}`}
      csv={() =>
        downloadCsv(
          `ab-${filters.sopId}-v${a}-v${b}.csv`,
          [
            t('dashboard.stage'),
            ...['entered', 'conversion', 'median', 'breach'].flatMap((k) => [
              `${t(`dashboard.compare.${k}`)} A`,
              `${t(`dashboard.compare.${k}`)} B`,
            ]),
          ],
          rows.map((r) => [
            r.label.trim(),
            r.enteredA,
            r.enteredB,
            pct(r.convA, 1),
            pct(r.convB, 1),
            hours(r.timeA),
            hours(r.timeB),
            pct(r.breachA, 1),
            pct(r.breachB, 1),
          ]),
        )
      }
      testId="panel-compare"
    >
      <div className="dash-ab-head">
        <Tag color="blue">A · {sideA}</Tag>
        <Tag color="cyan">B · {sideB}</Tag>
        <span>
          {t('dashboard.kpi.started')}: {fa.data?.started ?? '–'} / {fb.data?.started ?? '–'}
        </span>
      </div>
      <EChart
        option={option}
        height={Math.max(180, 40 * rows.length + 40)}
        testId="chart-compare"
      />
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={rows}
        columns={columns}
        scroll={{ x: true }}
        data-testid="table-compare"
      />
    </Panel>
  );
}
