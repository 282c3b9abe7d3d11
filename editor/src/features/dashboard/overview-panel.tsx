/**
 * The dashboard's first view, across every published SOP: per SOP the records started, won,
 * open and overdue now, and the breach rate; then the worst bottlenecks of all SOPs (the
 * stages holding the most overdue records, then the highest breach rates). A row opens that
 * SOP's drill-down; a bottleneck opens its map.
 */
import { Button, List, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { loc } from '../../shared/loc.ts';
import { type Filters, reportQuery, type SopFigures, useSopFigures } from './api.ts';
import { count, duration, pct } from './format.ts';
import { Kpis, Panel } from './panel-frame.tsx';

export type SopOption = { sopId: string; name: { 'zh-CN': string; en: string } };

type Row = SopFigures & { name: string; overdue: number };

export type Bottleneck = {
  sopId: string;
  sopName: string;
  stageId: string;
  stage: string;
  overdueNow: number;
  now: number;
  breachRate: number | null;
  workP50: number | null;
};

/**
 * The worst stages across SOPs: most overdue now first, then the highest breach rate, then
 * the most records waiting. Final stages and stages with nothing wrong are left out.
 */
export function worstBottlenecks(rows: Row[], lang: string, limit = 5): Bottleneck[] {
  const all: Bottleneck[] = [];
  for (const r of rows) {
    for (const s of innermost(r.map?.stages ?? [])) {
      if (s.final || (s.overdueNow === 0 && !s.breachRate)) continue;
      all.push({
        sopId: r.sopId,
        sopName: r.name,
        stageId: s.id,
        stage: loc(s.title, s.id, lang),
        overdueNow: s.overdueNow,
        now: s.now,
        breachRate: s.breachRate,
        workP50: s.workP50,
      });
    }
  }
  return all
    .sort(
      (a, b) =>
        b.overdueNow - a.overdueNow || (b.breachRate ?? 0) - (a.breachRate ?? 0) || b.now - a.now,
    )
    .slice(0, limit);
}

/** The stages no other stage is nested in (a record in a child stage is in its parent too). */
function innermost<S extends { id: string; parentId: string | null }>(stages: S[]): S[] {
  const parents = new Set(stages.map((s) => s.parentId));
  return stages.filter((s) => !parents.has(s.id));
}

export function SopOverview({
  filters,
  sops,
  onOpen,
}: {
  filters: Filters;
  sops: SopOption[];
  onOpen: (sopId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const figures = useSopFigures(
    filters,
    sops.map((s) => s.sopId),
  );
  const rows: Row[] = useMemo(
    () =>
      figures.map((f) => ({
        ...f,
        name: loc(sops.find((s) => s.sopId === f.sopId)?.name, f.sopId, lang),
        // a record in a nested stage is counted by its parent too: count the innermost ones
        overdue: innermost(f.map?.stages ?? []).reduce((n, s) => n + s.overdueNow, 0),
      })),
    [figures, sops, lang],
  );
  const worst = useMemo(() => worstBottlenecks(rows, lang), [rows, lang]);
  const pending = figures.some((f) => f.pending);
  const num = (v: number | undefined) => (v === undefined ? '–' : count(v, lang));
  const columns: ColumnsType<Row> = [
    {
      title: t('dashboard.sops.sop'),
      key: 'sop',
      render: (_, r) => (
        <Typography.Link onClick={() => onOpen(r.sopId)} data-testid={`overview-open-${r.sopId}`}>
          {r.name}
        </Typography.Link>
      ),
    },
    {
      title: t('dashboard.sops.started'),
      key: 'started',
      align: 'right',
      render: (_, r) => <span data-testid="overview-started">{num(r.outcomes?.started)}</span>,
    },
    {
      title: t('dashboard.sops.won'),
      key: 'won',
      align: 'right',
      render: (_, r) => num(r.outcomes?.won),
    },
    {
      title: t('dashboard.sops.open'),
      key: 'open',
      align: 'right',
      responsive: ['md'],
      render: (_, r) => <span data-testid="overview-open">{num(r.outcomes?.open)}</span>,
    },
    {
      title: t('dashboard.sops.overdue'),
      key: 'overdue',
      align: 'right',
      render: (_, r) =>
        r.map ? (
          <span className={r.overdue > 0 ? 'dash-bad' : undefined}>{count(r.overdue, lang)}</span>
        ) : (
          '–'
        ),
    },
    {
      title: t('dashboard.sops.breachRate'),
      key: 'breach',
      align: 'right',
      render: (_, r) => pct(r.breaches?.rate, 1),
    },
  ];
  return (
    <div className="dash-grid">
      <Panel title={t('dashboard.sops.title')} help={t('dashboard.sops.help')} testId="panel-sops">
        <Table
          size="small"
          rowKey="sopId"
          pagination={false}
          loading={pending}
          dataSource={rows}
          columns={columns}
          data-testid="table-sops"
        />
      </Panel>
      <Panel
        title={t('dashboard.sops.worst')}
        help={t('dashboard.sops.worstHelp')}
        testId="panel-worst"
      >
        <List
          size="small"
          loading={pending}
          dataSource={worst}
          locale={{ emptyText: t('dashboard.sops.noneStuck') }}
          data-testid="worst-list"
          renderItem={(b, i) => (
            <List.Item
              data-testid={`worst-${i}`}
              data-sop={b.sopId}
              data-stage={b.stageId}
              actions={[
                <Link
                  key="map"
                  to={`/dashboard/map?${reportQuery(filters, { sopId: b.sopId })}`}
                  data-testid={`worst-map-${i}`}
                >
                  <Button size="small">{t('dashboard.sops.openMap')}</Button>
                </Link>,
              ]}
            >
              <List.Item.Meta
                title={
                  <span>
                    <Typography.Text strong>{b.stage}</Typography.Text>{' '}
                    <Typography.Text type="secondary">· {b.sopName}</Typography.Text>
                  </span>
                }
                description={
                  <span className="dash-worst-figures">
                    {b.overdueNow > 0 && (
                      <Tag color="red">{t('dashboard.sops.overdueN', { n: b.overdueNow })}</Tag>
                    )}
                    <Tag>{t('dashboard.sops.waitingN', { n: b.now })}</Tag>
                    {!!b.breachRate && (
                      <Tag color={b.breachRate > 0.3 ? 'red' : 'orange'}>
                        {t('dashboard.sops.breachN', { rate: pct(b.breachRate, 0) })}
                      </Tag>
                    )}
                    {!!b.workP50 && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('dashboard.sops.median', { d: duration(b.workP50, t) })}
                      </Typography.Text>
                    )}
                  </span>
                }
              />
            </List.Item>
          )}
        />
      </Panel>
    </div>
  );
}

/** The KPIs across SOPs, the breach rate over every SOP's stages with a deadline. */
export function OverviewKpis({ filters, sops }: { filters: Filters; sops: SopOption[] }) {
  const figures = useSopFigures(
    filters,
    sops.map((s) => s.sopId),
  );
  let visits = 0;
  let breached = 0;
  for (const f of figures) {
    visits += f.breaches?.visits ?? 0;
    breached += f.breaches?.breached ?? 0;
  }
  const ready = figures.length > 0 && figures.every((f) => f.breaches);
  return <Kpis filters={filters} breachRate={ready && visits > 0 ? breached / visits : null} />;
}
