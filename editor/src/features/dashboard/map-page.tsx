/**
 * /dashboard/map: the SOP diagram, read-only, coloured by where records get stuck. Each stage
 * shows records now, median time in it, breach rate and drop-off; each edge how many of the
 * period's records took it. Clicking a stage lists its open records.
 *
 * The graph comes from the one Graph ↔ SOP conversion (sop-graph.ts) and the editor's elk
 * auto-layout when the document has none; figures reach the nodes through context.
 */
import { parseSop, type SopDocument } from '@closeloop/engine';
import {
  Background,
  Controls,
  type Edge,
  MarkerType,
  ReactFlow,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Drawer, Empty, Grid, List, Segmented, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { autoLayout } from '../../shared/graph/layout.ts';
import { type StageNode, sopToGraph } from '../../shared/graph/sop-graph.ts';
import { loc } from '../../shared/loc.ts';
import {
  type BottleneckMap,
  csvUrl,
  type Filters,
  type MapStage,
  useBottleneckMap,
  useSopVersionDoc,
  useStageRecords,
} from './api.ts';
import { DashboardLayout } from './dashboard-layout.tsx';
import { duration, pct, stageLabel } from './format.ts';
import {
  AllStats,
  type Figures,
  FiguresContext,
  heat,
  type Metric,
  metricValue,
  nodeTypes,
} from './map-nodes.tsx';
import { Panel } from './panel-frame.tsx';

type Laid = {
  nodes: StageNode[];
  edges: Array<{ id: string; source: string; target: string; key: string; label: string }>;
};

async function layoutOf(doc: SopDocument, lang: string): Promise<Laid> {
  const { graph, needsLayout } = sopToGraph(doc);
  const nodes = needsLayout ? await autoLayout(graph.nodes, graph.edges) : graph.nodes;
  const edges = graph.edges
    .filter((e) => !e.data?.targetless && e.source !== e.target)
    .map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      // the engine's transition key: source#EVENT#index
      key: `${e.source}#${e.data?.event ?? ''}#${e.data?.order ?? 0}`,
      label: loc(e.data?.meta?.label, e.data?.event ?? '', lang),
    }));
  return {
    nodes: nodes.map((n) => ({ ...n, draggable: false, connectable: false, selectable: false })),
    edges,
  };
}

/**
 * Fits the diagram when that keeps it readable; otherwise shows it at a readable zoom from
 * its left edge (where records start), vertically centred, and the user pans (or switches
 * to the list view, which holds every figure at full size; a phone opens on it).
 */
function readableViewport(
  rf: ReactFlowInstance<StageNode, Edge>,
  nodes: StageNode[],
  phone: boolean,
) {
  const top = nodes.filter((n) => !n.parentId);
  if (!top.length) return;
  const bounds = rf.getNodesBounds(top);
  const el = document.querySelector('.map-canvas');
  const w = el?.clientWidth ?? 800;
  const h = el?.clientHeight ?? 500;
  const fit = Math.min(w / (bounds.width + 40), h / (bounds.height + 40));
  const readable = phone ? 0.55 : 0.7;
  const zoom = Math.min(1, Math.max(fit, readable));
  const x =
    fit >= readable ? (w - bounds.width * zoom) / 2 - bounds.x * zoom : 16 - bounds.x * zoom;
  const y = (h - bounds.height * zoom) / 2 - bounds.y * zoom;
  void rf.setViewport({ x, y, zoom });
}

function MapCanvas({
  doc,
  data,
  metric,
  selected,
  onSelect,
}: {
  doc: SopDocument;
  data: BottleneckMap;
  metric: Metric;
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const { i18n } = useTranslation();
  const phone = !Grid.useBreakpoint().md;
  const [laid, setLaid] = useState<Laid | null>(null);
  useEffect(() => {
    let live = true;
    setLaid(null);
    void layoutOf(doc, i18n.language).then((l) => {
      if (live) setLaid(l);
    });
    return () => {
      live = false;
    };
  }, [doc, i18n.language]);
  const figures = useMemo<Figures>(() => {
    const byStage = new Map(data.stages.map((s) => [s.id, s]));
    let max = 0;
    for (const s of data.stages) if (!s.final) max = Math.max(max, metricValue(s, metric) ?? 0);
    return { byStage, metric, max, selected, approximate: data.approximate === true };
  }, [data, metric, selected]);
  const edges = useMemo<Edge[]>(() => {
    if (!laid) return [];
    const byKey = new Map(data.edges.map((e) => [e.key, e]));
    const most = Math.max(1, ...data.edges.map((e) => e.records));
    return laid.edges.map((e) => {
      const n = byKey.get(e.key)?.records ?? 0;
      return {
        id: e.id,
        source: e.source,
        target: e.target,
        type: 'smoothstep',
        label: `${e.label} · ${n}`,
        labelStyle: { fontSize: 15, fontWeight: 600 },
        labelBgPadding: [4, 2] as [number, number],
        labelBgBorderRadius: 4,
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
        style: { strokeWidth: 1 + (5 * n) / most, stroke: n ? '#1668dc' : '#bfbfbf' },
        data: { records: n },
      };
    });
  }, [laid, data.edges]);
  if (!laid) {
    return (
      <div className="map-canvas" style={{ display: 'grid', placeItems: 'center' }}>
        <Spin />
      </div>
    );
  }
  return (
    <FiguresContext.Provider value={figures}>
      <div className="map-canvas" data-testid="bottleneck-map">
        <ReactFlow
          nodes={laid.nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          onNodeClick={(_e, node) => onSelect(node.id)}
          onInit={(rf) => readableViewport(rf, laid.nodes, phone)}
          minZoom={0.1}
          preventScrolling={false}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </FiguresContext.Provider>
  );
}

/**
 * The map as a list, in flow order: each stage a card coloured like its node, with every
 * figure at full size and the actions out of it with how many records took them. What a
 * phone shows first, where the diagram cannot be read whole.
 */
function MapList({
  data,
  metric,
  onSelect,
}: {
  data: BottleneckMap;
  metric: Metric;
  onSelect: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const stages = data.stages.filter((s) => !s.final);
  const title = new Map(data.stages.map((s) => [s.id, loc(s.title, s.id, lang)]));
  let max = 0;
  for (const s of stages) max = Math.max(max, metricValue(s, metric) ?? 0);
  const scale = metric === 'breach' || metric === 'dropOff' ? 0.5 : max;
  return (
    <div className="map-list" data-testid="map-list">
      {stages.map((s) => {
        const v = metricValue(s, metric);
        const out = data.edges.filter((e) => e.source === s.id);
        return (
          <button
            type="button"
            key={s.id}
            className="map-list-item"
            style={{ background: v === null || !scale ? '#fff' : heat(v / scale) }}
            onClick={() => onSelect(s.id)}
            data-testid={`map-list-${s.id}`}
          >
            <span className="map-list-title">{stageLabel(s, lang)}</span>
            <AllStats s={s} approximate={data.approximate === true} />
            {out.length > 0 && (
              <span className="map-list-edges">
                {out.map((e) => (
                  <span key={e.key}>
                    → {loc(e.label, e.action, lang)}（
                    {e.targets.map((x) => title.get(x) ?? x).join(' / ')}）·{' '}
                    {t('dashboard.mapView.edgeRecords', { n: e.records })}
                  </span>
                ))}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}

function StageRecords({
  filters,
  stage,
  title,
  onClose,
}: {
  filters: Filters;
  stage: string | null;
  title: string;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const q = useStageRecords(filters, stage);
  const name = (f: Record<string, unknown>, id: string) => {
    for (const k of ['company', 'contactName', 'name', 'title']) {
      const v = f[k];
      if (typeof v === 'string' && v) return v;
    }
    return id.slice(0, 8);
  };
  return (
    <Drawer
      open={!!stage}
      onClose={onClose}
      title={t('dashboard.mapView.stageRecords', { stage: title })}
      size={420}
      data-testid="stage-records"
    >
      {q.isPending ? (
        <Spin />
      ) : (
        <List
          className="map-record-list"
          dataSource={q.data?.items ?? []}
          locale={{ emptyText: <Empty description={t('dashboard.mapView.noRecords')} /> }}
          renderItem={(r) => (
            <List.Item
              actions={[
                <Link
                  key="open"
                  to={`/records/${encodeURIComponent(r.id)}`}
                  data-testid="stage-record-link"
                >
                  {t('dashboard.mapView.open')}
                </Link>,
              ]}
            >
              <List.Item.Meta
                title={
                  <Link to={`/records/${encodeURIComponent(r.id)}`}>
                    {name(r.fields, r.id)}{' '}
                    {r.overdue && <Tag color="red">{t('dashboard.mapView.overdue')}</Tag>}
                  </Link>
                }
                description={
                  <span>
                    {t('dashboard.mapView.created')}{' '}
                    {new Date(r.createdAt).toLocaleDateString(i18n.language)}
                    {r.dueAt
                      ? ` · ${t('dashboard.mapView.due')} ${new Date(r.dueAt).toLocaleString(i18n.language)}`
                      : ''}
                  </span>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Drawer>
  );
}

function BottleneckView({ filters }: { filters: Filters }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [metric, setMetric] = useState<Metric>('now');
  const phone = !Grid.useBreakpoint().md;
  // a phone opens on the list (a diagram fitted to 390 px cannot be read); a laptop on the map
  const [shape, setShape] = useState<'diagram' | 'list' | null>(null);
  const view = shape ?? (phone ? 'list' : 'diagram');
  const [selected, setSelected] = useState<string | null>(null);
  const q = useBottleneckMap(filters);
  const versionDoc = useSopVersionDoc(filters.sopId, q.data?.version);
  const doc = useMemo(() => {
    const raw = versionDoc.data?.doc;
    if (!raw) return null;
    const r = parseSop(raw);
    return r.ok ? r.doc : null;
  }, [versionDoc.data]);
  const stageRows = useMemo(() => (q.data?.stages ?? []).filter((s) => !s.final), [q.data]);
  const selectedStage = q.data?.stages.find((s) => s.id === selected);
  if (!filters.sopId) return <Empty description={t('dashboard.pickSop')} />;
  const columns: ColumnsType<MapStage> = [
    {
      title: t('dashboard.stage'),
      key: 'stage',
      render: (_, s) => (
        <Typography.Link className="dash-stage" onClick={() => setSelected(s.id)}>
          {stageLabel(s, lang)}
        </Typography.Link>
      ),
    },
    { title: t('dashboard.mapView.metrics.now'), dataIndex: 'now', align: 'right' },
    {
      title: t('dashboard.mapView.metrics.time'),
      key: 'time',
      align: 'right',
      render: (_, s) => duration(s.workP50, t, q.data?.approximate === true),
    },
    {
      title: t('dashboard.mapView.metrics.breach'),
      key: 'breach',
      align: 'right',
      render: (_, s) => pct(s.breachRate),
    },
    {
      title: t('dashboard.mapView.metrics.dropOff'),
      key: 'drop',
      align: 'right',
      render: (_, s) => pct(s.dropOff),
    },
  ];
  return (
    <div className="map-wrap">
      <Panel
        title={t('dashboard.mapView.title')}
        help={t('dashboard.mapView.hint')}
        csv={csvUrl('bottleneck-map', filters, lang)}
        testId="panel-map"
      >
        <div className="map-toolbar">
          <span>{t('dashboard.mapView.colourBy')}</span>
          <Segmented
            size="small"
            value={metric}
            onChange={(v) =>
              setMetric(v === 'time' || v === 'breach' || v === 'dropOff' ? v : 'now')
            }
            options={(['now', 'time', 'breach', 'dropOff'] as const).map((m) => ({
              value: m,
              label: t(`dashboard.mapView.metrics.${m}`),
            }))}
            data-testid="map-metric"
          />
          <Segmented
            size="small"
            value={view}
            onChange={(v) => setShape(v === 'list' ? 'list' : 'diagram')}
            options={[
              {
                value: 'diagram',
                label: <span data-testid="map-show-diagram">{t('dashboard.mapView.diagram')}</span>,
              },
              {
                value: 'list',
                label: <span data-testid="map-show-list">{t('dashboard.mapView.list')}</span>,
              },
            ]}
          />
          <span className="map-legend">
            {t('dashboard.mapView.low')}
            <span className="map-legend-bar" />
            {t('dashboard.mapView.high')}
          </span>
        </div>
        {q.data && view === 'list' ? (
          <MapList data={q.data} metric={metric} onSelect={setSelected} />
        ) : q.data && doc ? (
          <MapCanvas
            doc={doc}
            data={q.data}
            metric={metric}
            selected={selected}
            onSelect={setSelected}
          />
        ) : (
          <div className="map-canvas" style={{ display: 'grid', placeItems: 'center' }}>
            <Spin />
          </div>
        )}
        {q.data?.approximate && (
          <Typography.Text type="secondary" className="dash-approx" data-testid="map-approx">
            {t('dashboard.approximate')}
          </Typography.Text>
        )}
      </Panel>
      <Panel
        title={t('dashboard.mapView.table')}
        csv={csvUrl('bottleneck-map', filters, lang)}
        testId="panel-map-table"
      >
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          loading={q.isFetching}
          dataSource={stageRows}
          columns={columns}
          scroll={{ x: true }}
          data-testid="table-map"
        />
      </Panel>
      <StageRecords
        filters={filters}
        stage={selected}
        title={selectedStage ? loc(selectedStage.title, '', lang) : (selected ?? '')}
        onClose={() => setSelected(null)}
      />
    </div>
  );
}

export function MapPage() {
  return (
    <DashboardLayout view="map">
      {(filters) => <BottleneckView filters={filters} />}
    </DashboardLayout>
  );
}
