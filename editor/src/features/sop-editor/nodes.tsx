/**
 * Node components, one per stage kind, each memo'd; `nodeTypes` lives at module scope so
 * React Flow never sees a new object. Components read extra state (problems, records,
 * start markers, simulator highlight) from the store by id: node data holds no callbacks.
 *
 * Level of detail: zoomed out past FAR_ZOOM (zoom.ts) a stage is drawn as its box alone
 * (kind, selection, problem and simulator colours kept; the title as a tooltip). Its text,
 * icons and markers would be a pixel or two high there, and each of them is paint work for
 * every frame of a pan: on a 200-stage SOP they were over half of it.
 *
 * A stage's markers (SLA, checklist, records, problems) are drawn from the first time it comes
 * near the screen (in-view.ts): a large SOP opens on its beginning, and the markers of the
 * stages off the canvas were most of the cost of drawing it.
 */
import {
  CheckSquareOutlined,
  ClockCircleOutlined,
  ExclamationCircleFilled,
  PlayCircleFilled,
  TeamOutlined,
} from '@ant-design/icons';
import {
  Handle,
  type NodeProps,
  type NodeTypes,
  Position,
  useConnection,
  useStore,
} from '@xyflow/react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type AtomicStageNode,
  type CompoundStageNode,
  type FinalStageNode,
  type HistoryStageNode,
  type ParallelStageNode,
  parentPath,
  type StageData,
  stageTitle,
} from '../../shared/graph/sop-graph.ts';
import { formatDuration } from './duration.ts';
import { useSeen } from './in-view.ts';
import { initialIds, useEditor } from './store.ts';
import { isFar } from './zoom.ts';

function useNodeStatus(id: string) {
  const problems = useEditor((s) => s.problemIndex.nodes[id] ?? 0);
  const records = useEditor((s) => s.recordCounts[id] ?? 0);
  const initial = useEditor((s) => initialIds(s).has(id));
  const active = useEditor((s) => s.highlighted.includes(id));
  return { problems, records, initial, active };
}

function Markers({ id, data }: { id: string; data: StageData }) {
  const { t } = useTranslation();
  const { problems, records } = useNodeStatus(id);
  const sla = data.stage?.sla;
  const checklist = data.stage?.checklist?.length ?? 0;
  return (
    <div className="stage-markers">
      {sla && (
        <span className="stage-marker" title={t('stage.sla')}>
          <ClockCircleOutlined /> {formatDuration(sla.duration, t)}
          {sla.escalations.length > 0 && ` ·${sla.escalations.length}`}
        </span>
      )}
      {checklist > 0 && (
        <span className="stage-marker" title={t('stage.checklist')}>
          <CheckSquareOutlined /> {checklist}
        </span>
      )}
      {records > 0 && (
        <span className="stage-marker records" title={t('editor.recordsHere', { count: records })}>
          <TeamOutlined /> {records}
        </span>
      )}
      {problems > 0 && (
        <span className="stage-marker problem" data-testid={`node-problem-${id}`}>
          <ExclamationCircleFilled /> {problems}
        </span>
      )}
    </div>
  );
}

function StartMarker({ id }: { id: string }) {
  const { t } = useTranslation();
  const initial = useEditor((s) => initialIds(s).has(id));
  if (!initial) return null;
  return (
    <span
      className="start-marker"
      title={t('editor.isInitial')}
      role="img"
      aria-label={t('editor.isInitial')}
    >
      <PlayCircleFilled />
    </span>
  );
}

function classes(base: string, selected: boolean | undefined, active: boolean, problems: number) {
  return [base, selected && 'selected', active && 'active', problems > 0 && 'has-problem']
    .filter(Boolean)
    .join(' ');
}

/**
 * While an action is being drawn from another stage, the whole box of this one is a target:
 * dropping anywhere on the stage connects (React Flow's "easy connect" pattern). It exists
 * only during the drag, so clicks and drags on the stage itself stay what they are, and it
 * comes after the small handle so saved edges keep attaching to that one.
 */
function BodyTarget({ id }: { id: string }) {
  const { t } = useTranslation();
  const armed = useConnection((c) => c.inProgress && c.fromNode.id !== id);
  if (!armed) return null;
  return (
    <Handle
      type="target"
      id="body"
      position={Position.Left}
      className="stage-body-target"
      isConnectableStart={false}
      title={t('editor.dropToConnect')}
      data-testid={`node-drop-${id}`}
    />
  );
}

function Handles({ id }: { id: string }) {
  return (
    <>
      <Handle type="target" position={Position.Left} className="stage-handle" />
      <Handle type="source" position={Position.Right} className="stage-handle source" />
      <BodyTarget id={id} />
    </>
  );
}

/** A stage zoomed far out: its box and handles (edges attach to them), nothing inside. */
function FarBox({
  id,
  className,
  title,
  target = false,
}: {
  id: string;
  className: string;
  title: string;
  target?: boolean;
}) {
  return (
    <div className={className} data-testid={`node-${id}`} data-lod="far" title={title}>
      {target ? (
        <>
          <Handle type="target" position={Position.Left} className="stage-handle" />
          <BodyTarget id={id} />
        </>
      ) : (
        <Handles id={id} />
      )}
    </div>
  );
}

export const StageNodeView = memo(function StageNodeView({
  id,
  data,
  selected,
  positionAbsoluteX,
  positionAbsoluteY,
}: NodeProps<AtomicStageNode>) {
  const { i18n } = useTranslation();
  const { problems, active } = useNodeStatus(id);
  const far = useStore(isFar);
  const seen = useSeen(positionAbsoluteX, positionAbsoluteY);
  const className = classes('stage-node', selected, active, problems);
  if (far) return <FarBox id={id} className={className} title={stageTitle(data, i18n.language)} />;
  return (
    <div className={className} data-testid={`node-${id}`}>
      <Handles id={id} />
      <StartMarker id={id} />
      <div className="stage-title">{stageTitle(data, i18n.language)}</div>
      <div className="stage-key">{data.key}</div>
      {seen && <Markers id={id} data={data} />}
    </div>
  );
});

export const FinalNodeView = memo(function FinalNodeView({
  id,
  data,
  selected,
}: NodeProps<FinalStageNode>) {
  const { t, i18n } = useTranslation();
  const { problems, active } = useNodeStatus(id);
  const outcome = data.stage?.outcome ?? 'done';
  const far = useStore(isFar);
  const className = classes(`final-node outcome-${outcome}`, selected, active, problems);
  if (far)
    return <FarBox id={id} className={className} title={stageTitle(data, i18n.language)} target />;
  return (
    <div className={className} data-testid={`node-${id}`}>
      <Handle type="target" position={Position.Left} className="stage-handle" />
      <BodyTarget id={id} />
      <div className="stage-title">{stageTitle(data, i18n.language)}</div>
      <div className="stage-key">
        {t(`editor.outcome.${outcome}`)} · {t('editor.finalBadge')}
      </div>
      <Markers id={id} data={data} />
    </div>
  );
});

export const HistoryNodeView = memo(function HistoryNodeView({
  id,
  data,
  selected,
}: NodeProps<HistoryStageNode>) {
  const { t } = useTranslation();
  const { problems, active } = useNodeStatus(id);
  return (
    <div
      className={classes('history-node', selected, active, problems)}
      data-testid={`node-${id}`}
      title={t('editor.kinds.history')}
    >
      <Handles id={id} />
      {data.history === 'deep' ? 'H*' : 'H'}
    </div>
  );
});

function GroupNode({
  id,
  data,
  selected,
  kind,
}: {
  id: string;
  data: StageData;
  selected: boolean | undefined;
  kind: 'compound' | 'parallel';
}) {
  const { t, i18n } = useTranslation();
  const { problems, active } = useNodeStatus(id);
  const parent = parentPath(id);
  const isRegion = useEditor((s) =>
    parent ? s.nodes.some((n) => n.id === parent && n.type === 'parallel') : false,
  );
  const far = useStore(isFar);
  const className = classes(
    `group-node ${kind}${isRegion ? ' region' : ''}`,
    selected,
    active,
    problems,
  );
  if (far) return <FarBox id={id} className={className} title={stageTitle(data, i18n.language)} />;
  return (
    <div className={className} data-testid={`node-${id}`}>
      <Handles id={id} />
      <div className="group-head">
        <StartMarker id={id} />
        <span className="stage-title">{stageTitle(data, i18n.language)}</span>
        <span className="group-badge">
          {kind === 'parallel' ? t('editor.parallelBadge') : t('editor.compoundBadge')}
        </span>
        <Markers id={id} data={data} />
      </div>
    </div>
  );
}

export const CompoundNodeView = memo(function CompoundNodeView(p: NodeProps<CompoundStageNode>) {
  return <GroupNode id={p.id} data={p.data} selected={p.selected} kind="compound" />;
});

export const ParallelNodeView = memo(function ParallelNodeView(p: NodeProps<ParallelStageNode>) {
  return <GroupNode id={p.id} data={p.data} selected={p.selected} kind="parallel" />;
});

export const nodeTypes = {
  stage: StageNodeView,
  compound: CompoundNodeView,
  parallel: ParallelNodeView,
  final: FinalNodeView,
  history: HistoryNodeView,
} satisfies NodeTypes;
