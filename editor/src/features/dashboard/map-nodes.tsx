import { Handle, type NodeProps, type NodeTypes, Position } from '@xyflow/react';
import type { TFunction } from 'i18next';
import { createContext, memo, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AtomicStageNode,
  CompoundStageNode,
  FinalStageNode,
  HistoryStageNode,
  ParallelStageNode,
} from '../../shared/graph/sop-graph.ts';
import { loc } from '../../shared/loc.ts';
import type { MapStage } from './api.ts';
import { duration, pct } from './format.ts';

export type Metric = 'now' | 'time' | 'breach' | 'dropOff';

export type Figures = {
  byStage: ReadonlyMap<string, MapStage>;
  metric: Metric;
  max: number;
  selected: string | null;
  /** Medians estimated from histograms (periods over 31 days). */
  approximate: boolean;
};
export const FiguresContext = createContext<Figures>({
  approximate: false,
  byStage: new Map(),
  metric: 'now',
  max: 0,
  selected: null,
});

export function metricValue(s: MapStage | undefined, m: Metric): number | null {
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
export function AllStats({ s, approximate }: { s: MapStage; approximate: boolean }) {
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

export const nodeTypes: NodeTypes = {
  stage: StageView,
  final: FinalView,
  compound: GroupView,
  parallel: GroupView,
  history: HistoryView,
};
