/**
 * A read-only diagram of an SOP (React Flow), for the library preview and the practice page.
 * The graph comes from the one Graph ↔ SOP conversion (sop-graph.ts) and, when the document
 * has no layout (library templates), from the editor's elk auto-layout. Highlighted and
 * selected stages arrive through context, never through node data.
 */
import { ClockCircleOutlined, PlayCircleFilled } from '@ant-design/icons';
import type { SopDocument } from '@closeloop/engine';
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
  useReactFlow,
  useStore,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Spin } from 'antd';
import { createContext, memo, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { durationWords, loc } from '../format/words.ts';
import { autoLayout } from '../graph/layout.ts';
import {
  type AtomicStageNode,
  type CompoundStageNode,
  type FinalStageNode,
  type HistoryStageNode,
  type ParallelStageNode,
  type StageData,
  type StageNode,
  sizeOf,
  sopToGraph,
} from '../graph/sop-graph.ts';
import './library.css';

type Marks = {
  highlight: ReadonlySet<string>;
  selected: string | null;
  initial: ReadonlySet<string>;
};
const MarksContext = createContext<Marks>({
  highlight: new Set(),
  selected: null,
  initial: new Set(),
});

function useMarks(id: string) {
  const m = useContext(MarksContext);
  return {
    active: m.highlight.has(id),
    selected: m.selected === id,
    initial: m.initial.has(id),
  };
}

function cls(base: string, marks: ReturnType<typeof useMarks>) {
  return [base, marks.active && 'is-active', marks.selected && 'is-selected']
    .filter(Boolean)
    .join(' ');
}

function Title({ data }: { data: StageData }) {
  return <div className="lib-node-title">{loc(data.stage?.title, data.key)}</div>;
}

function Sla({ data }: { data: StageData }) {
  const { t } = useTranslation();
  const sla = data.stage?.sla;
  if (!sla) return null;
  return (
    <div className="lib-node-sla">
      <ClockCircleOutlined /> {durationWords(sla.duration, sla.clock, t)}
      {sla.escalations.length > 0 && ` · ${t('library.rungs', { count: sla.escalations.length })}`}
    </div>
  );
}

function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} className="lib-handle" isConnectable={false} />
      <Handle
        type="source"
        position={Position.Right}
        className="lib-handle"
        isConnectable={false}
      />
    </>
  );
}

const StageView = memo(function StageView({ id, data }: NodeProps<AtomicStageNode>) {
  const marks = useMarks(id);
  return (
    <div className={cls('lib-node', marks)} data-testid={`diagram-node-${id}`}>
      <Handles />
      {marks.initial && <PlayCircleFilled className="lib-start" />}
      <Title data={data} />
      <Sla data={data} />
    </div>
  );
});

const FinalView = memo(function FinalView({ id, data }: NodeProps<FinalStageNode>) {
  const marks = useMarks(id);
  const outcome = data.stage?.outcome ?? 'done';
  return (
    <div
      className={cls(`lib-node lib-final outcome-${outcome}`, marks)}
      data-testid={`diagram-node-${id}`}
    >
      <Handles />
      <Title data={data} />
    </div>
  );
});

const GroupView = memo(function GroupView({
  id,
  data,
}: NodeProps<CompoundStageNode | ParallelStageNode>) {
  const { t } = useTranslation();
  const marks = useMarks(id);
  return (
    <div className={cls(`lib-group ${data.kind}`, marks)} data-testid={`diagram-node-${id}`}>
      <Handles />
      <div className="lib-group-head">
        {marks.initial && <PlayCircleFilled className="lib-start-inline" />}
        <span className="lib-group-badge">{t(`library.kinds.${data.kind}`)}</span>
        <Title data={data} />
        <Sla data={data} />
      </div>
    </div>
  );
});

const HistoryView = memo(function HistoryView({ id }: NodeProps<HistoryStageNode>) {
  const marks = useMarks(id);
  return (
    <div className={cls('lib-history', marks)}>
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

type Laid = { nodes: StageNode[]; edges: Edge[]; initial: Set<string> };

async function layoutOf(doc: SopDocument): Promise<Laid> {
  const { graph, needsLayout } = sopToGraph(doc);
  const nodes = needsLayout ? await autoLayout(graph.nodes, graph.edges) : graph.nodes;
  const edges: Edge[] = graph.edges
    .filter((e) => !e.data?.targetless && e.source !== e.target)
    .map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      label: loc(e.data?.meta?.label, e.data?.event ?? ''),
      type: 'smoothstep',
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
      className: 'lib-edge',
      labelBgPadding: [4, 2] as [number, number],
      labelBgBorderRadius: 4,
    }));
  // the start stage of the machine and of every compound stage
  const initial = new Set<string>([doc.machine.initial]);
  for (const n of nodes) {
    if (n.type === 'compound' && n.data.initial) initial.add(`${n.id}.${n.data.initial}`);
  }
  return {
    nodes: nodes.map((n) => ({ ...n, draggable: false, connectable: false })),
    edges,
    initial,
  };
}

/** Smallest zoom at which stage titles stay readable. */
const READABLE_ZOOM = 0.6;

/**
 * Fits the whole SOP when it is readable that way; a long SOP is shown from its start at a
 * readable zoom instead, to be panned.
 */
function frame(
  rf: ReactFlowInstance<StageNode, Edge>,
  nodes: readonly StageNode[],
  box: { width: number; height: number },
  initial: ReadonlySet<string>,
) {
  const top = nodes.filter((n) => !n.parentId);
  if (!top.length) return;
  const boxes = top.map((n) => ({ id: n.id, ...n.position, ...sizeOf(n) }));
  const minX = Math.min(...boxes.map((b) => b.x));
  const minY = Math.min(...boxes.map((b) => b.y));
  const width = Math.max(...boxes.map((b) => b.x + b.width)) - minX;
  const height = Math.max(...boxes.map((b) => b.y + b.height)) - minY;
  const pad = 24;
  const fit = Math.min((box.width - 2 * pad) / width, (box.height - 2 * pad) / height, 1);
  const zoom = Math.max(fit, READABLE_ZOOM);
  const start = boxes.find((b) => initial.has(b.id));
  const focusY = start ? start.y + start.height / 2 : minY + height / 2;
  // the whole width when it fits, else from the start; the whole height, else around the start
  const x =
    width * zoom <= box.width - 2 * pad
      ? (box.width - width * zoom) / 2 - minX * zoom
      : pad - minX * zoom;
  const y =
    height * zoom <= box.height - 2 * pad
      ? (box.height - height * zoom) / 2 - minY * zoom
      : box.height / 2 - focusY * zoom;
  void rf.setViewport({ x, y, zoom });
}

/** Frames the diagram once the pane has a size. */
function Framer({ nodes, initial }: { nodes: readonly StageNode[]; initial: ReadonlySet<string> }) {
  const rf = useReactFlow<StageNode, Edge>();
  const box = useStore((s) => ({ width: s.width, height: s.height }), shallowBox);
  const done = useRef(false);
  useEffect(() => {
    if (done.current || !box.width || !box.height) return;
    done.current = true;
    frame(rf, nodes, box, initial);
  }, [rf, nodes, box, initial]);
  return null;
}

const shallowBox = (a: { width: number; height: number }, b: { width: number; height: number }) =>
  a.width === b.width && a.height === b.height;

type Props = {
  doc: SopDocument;
  /** Stages to ring (the practice record's current stages). */
  highlight?: readonly string[];
  selected?: string | null;
  onSelect?: (stageId: string) => void;
  height?: number;
  testId?: string;
};

/** The SOP's diagram, read-only; clicking a stage reports it through `onSelect`. */
export function SopDiagram({
  doc,
  highlight,
  selected = null,
  onSelect,
  height = 420,
  testId,
}: Props) {
  const { t, i18n } = useTranslation();
  const [laid, setLaid] = useState<Laid | null>(null);
  // the labels follow the language, so the layout is redone when it changes
  // biome-ignore lint/correctness/useExhaustiveDependencies: i18n.language re-derives edge labels
  useEffect(() => {
    let live = true;
    setLaid(null);
    void layoutOf(doc).then((l) => {
      if (live) setLaid(l);
    });
    return () => {
      live = false;
    };
  }, [doc, i18n.language]);
  const marks = useMemo<Marks>(
    () => ({ highlight: new Set(highlight ?? []), selected, initial: laid?.initial ?? new Set() }),
    [highlight, selected, laid],
  );
  return (
    <div
      className="lib-diagram"
      style={{ height }}
      data-testid={testId ?? 'sop-diagram'}
      role="img"
      aria-label={t('library.diagram')}
    >
      {!laid ? (
        <div className="lib-diagram-loading">
          <Spin />
        </div>
      ) : (
        <MarksContext.Provider value={marks}>
          <ReactFlow
            nodes={laid.nodes}
            edges={laid.edges}
            nodeTypes={nodeTypes}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            onNodeClick={(_e, node) => onSelect?.(node.id)}
            minZoom={0.1}
            preventScrolling={false}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} size={1} />
            <Controls showInteractive={false} />
            <Framer nodes={laid.nodes} initial={laid.initial} />
          </ReactFlow>
        </MarksContext.Provider>
      )}
    </div>
  );
}
