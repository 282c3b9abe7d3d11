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
  Handle,
  MarkerType,
  type NodeProps,
  type NodeTypes,
  Position,
  ReactFlow,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Drawer, Empty, Grid, List, Segmented, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { TFunction } from 'i18next';
import { createContext, memo, useContext, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { autoLayout } from '../../shared/graph/layout.ts';
import {
  type AtomicStageNode,
  type CompoundStageNode,
  type FinalStageNode,
  type HistoryStageNode,
  type ParallelStageNode,
  type StageNode,
  sopToGraph,
} from '../../shared/graph/sop-graph.ts';
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
import { Panel } from './panels.tsx';

type Metric = 'now' | 'time' | 'breach' | 'dropOff';

type Figures = {
  byStage: ReadonlyMap<string, MapStage>;
  metric: Metric;
  max: number;
  selected: string | null;
  /** Medians estimated from histograms (periods over 31 days). */
  approximate: boolean;
};
const FiguresContext = createContext<Figures>({
  approximate: false,
  byStage: new Map(),
  metric: 'now',
  max: 0,
  selected: null,
});

function metricValue(s: MapStage | undefined, m: Metric): number | null {
  if (!s) return null;
  if (m === 'now') return s.now;
  if (m === 'time') return s.workP50;
  if (m === 'breach') return s.breachRate;
  return s.dropOff;
}

const STOPS: Array<[number, [number, number, number]]> = [
  [0, [246, 255, 237]],
  [0.35, [255, 241, 184]],
  [0.7, [255, 204, 199]],
  [1, [255, 120, 117]],
];

/** Green (little) through yellow to red (much). */
export function heat(x: number): string {
  const v = Math.min(1, Math.max(0, x));
  for (let i = 1; i < STOPS.length; i++) {
    const [b, cb] = STOPS[i] ?? [1, [0, 0, 0]];
    const [a, ca] = STOPS[i - 1] ?? [0, [0, 0, 0]];
    if (v <= b) {
      const f = (v - a) / (b - a || 1);
      const c = ca.map((ch, k) => Math.round(ch + ((cb[k] ?? ch) - ch) * f));
      return `rgb(${c.join(',')})`;
    }
  }
  return 'rgb(255,120,117)';
}

function useStageFigures(id: string) {
  const f = useContext(FiguresContext);
  const s = f.byStage.get(id);
  const v = metricValue(s, f.metric);
  // rates have an absolute scale (50% is already bad); counts and times are relative
  const scale = f.metric === 'breach' || f.metric === 'dropOff' ? 0.5 : f.max;
  const color = v === null || !scale ? '#fff' : heat(v / scale);
  return { s, color, selected: f.selected === id, approximate: f.approximate };
}

/** The colouring metric's figure, in words: "5 条", "2.9 小时", "25%". */
function metricText(s: MapStage, m: Metric, t: TFunction, approximate: boolean): string {
  if (m === 'now') return t('dashboard.mapView.edgeRecords', { n: s.now });
  if (m === 'time') return duration(s.workP50, t, approximate);
  if (m === 'breach') return pct(s.breachRate);
  return pct(s.dropOff);
}

function Stats({ s, approximate }: { s: MapStage | undefined; approximate: boolean }) {
  const { t } = useTranslation();
  const { metric } = useContext(FiguresContext);
  if (!s) return null;
  // zoomed out the node is small: the colouring metric is shown large, the overdue count
  // beside it; the other figures are in the list view and the table
  return (
    <div className="map-node-big" data-testid="map-node-metric" data-now={s.now}>
      <span className="map-node-figure">{metricText(s, metric, t, approximate)}</span>
      {s.overdueNow > 0 && (
        <span className="map-node-overdue">
          {t('dashboard.mapView.overdue')} {s.overdueNow}
        </span>
      )}
    </div>
  );
}

/** Every figure of a stage, for the list view. */
function AllStats({ s, approximate }: { s: MapStage; approximate: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="map-node-stats">
      <span>
        {t('dashboard.mapView.now')} <b>{s.now}</b>
        {s.overdueNow > 0 && (
          <span style={{ color: '#cf1322' }}>
            {' '}
            · {t('dashboard.mapView.overdue')} {s.overdueNow}
          </span>
        )}
      </span>
      <span>
        {t('dashboard.mapView.median')} <b>{duration(s.workP50, t, approximate)}</b>
      </span>
      <span>
        {t('dashboard.mapView.breach')} <b>{pct(s.breachRate)}</b>
      </span>
      <span>
        {t('dashboard.mapView.dropOff')} <b>{pct(s.dropOff)}</b>
      </span>
    </div>
  );
}

function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </>
  );
}

const StageView = memo(function StageView({ id, data }: NodeProps<AtomicStageNode>) {
  const { i18n } = useTranslation();
  const { s, color, selected, approximate } = useStageFigures(id);
  return (
    <div
      className={`map-node${selected ? ' is-selected' : ''}`}
      style={{ background: color }}
      data-testid={`map-node-${id}`}
    >
      <Handles />
      <div className="map-node-title">{loc(data.stage?.title, data.key, i18n.language)}</div>
      <Stats s={s} approximate={approximate} />
    </div>
  );
});

const FinalView = memo(function FinalView({ id, data }: NodeProps<FinalStageNode>) {
  const { i18n } = useTranslation();
  const { s, selected } = useStageFigures(id);
  const outcome = data.stage?.outcome ?? 'done';
  const bg = outcome === 'won' ? '#f6ffed' : outcome === 'lost' ? '#fff1f0' : '#fafafa';
  return (
    <div
      className={`map-node final${selected ? ' is-selected' : ''}`}
      style={{ background: bg }}
      data-testid={`map-node-${id}`}
    >
      <Handles />
      <div className="map-node-title">{loc(data.stage?.title, data.key, i18n.language)}</div>
      <div>{s?.entered ?? 0}</div>
    </div>
  );
});

const GroupView = memo(function GroupView({
  id,
  data,
}: NodeProps<CompoundStageNode | ParallelStageNode>) {
  const { i18n } = useTranslation();
  const { s, color, selected, approximate } = useStageFigures(id);
  return (
    <div
      className={`map-group${selected ? ' is-selected' : ''}`}
      style={{ borderColor: color === '#fff' ? undefined : color }}
      data-testid={`map-node-${id}`}
    >
      <Handles />
      <div className="map-group-head" style={{ background: color === '#fff' ? undefined : color }}>
        <div className="map-node-title">{loc(data.stage?.title, data.key, i18n.language)}</div>
        <Stats s={s} approximate={approximate} />
      </div>
    </div>
  );
});

const HistoryView = memo(function HistoryView(_: NodeProps<HistoryStageNode>) {
  return (
    <div className="map-node final">
      <Handles />H
    </div>
  );
});

const nodeTypes: NodeTypes = {
  stage: StageView,
  final: FinalView,
  compound: GroupView,
  parallel: GroupView,
  history: HistoryView,
};

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
