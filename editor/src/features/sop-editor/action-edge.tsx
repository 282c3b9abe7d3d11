/**
 * The action edge: a labelled transition with markers for its gate, roles and problems. Its
 * label is drawn once it has been near the screen (in-view.ts) and not zoomed far out.
 */
import { ExclamationCircleFilled, LockOutlined, UserOutlined } from '@ant-design/icons';
import {
  BaseEdge,
  EdgeLabelRenderer,
  type EdgeProps,
  type EdgeTypes,
  getSmoothStepPath,
  useStore,
} from '@xyflow/react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { fitRoute, roundedPath, routeMiddle } from '../../shared/graph/edge-route.ts';
import type { EdgeRoute } from '../../shared/graph/layout.ts';
import type { ActionEdge } from '../../shared/graph/sop-graph.ts';
import { HandoffBadge } from './handoff-badge.tsx';
import { useSeen } from './in-view.ts';
import { useEditor, useEditorActions } from './store.ts';
import { isFar } from './zoom.ts';

function selfLoopPath(sx: number, sy: number, tx: number, ty: number): [string, number, number] {
  const lift = 70;
  const path = `M ${sx} ${sy} C ${sx + 70} ${sy - lift - 30}, ${tx - 70} ${ty - lift - 30}, ${tx} ${ty}`;
  return [path, (sx + tx) / 2, Math.min(sy, ty) - lift];
}

export const ActionEdgeView = memo(function ActionEdgeView(props: EdgeProps<ActionEdge>) {
  const { id, source, target, data, selected, markerEnd } = props;
  const { i18n, t } = useTranslation();
  const actions = useEditorActions();
  const problems = useEditor((s) => s.problemIndex.edges[id] ?? 0);
  // zoomed far out the label is unreadable: skip it (a selected edge keeps its label)
  const far = useStore(isFar);
  const selfLoop = source === target;
  // after auto-layout: ELK's route around the stages, while both ends are still in place
  const routed = selfLoop
    ? null
    : fitRoute(
        data?.route as EdgeRoute | undefined,
        { x: props.sourceX, y: props.sourceY },
        { x: props.targetX, y: props.targetY },
      );
  const routeLabel = (data?.route as EdgeRoute | undefined)?.label;
  const [path, labelX, labelY] = routed
    ? [
        roundedPath(routed),
        (routeLabel ?? routeMiddle(routed)).x,
        (routeLabel ?? routeMiddle(routed)).y,
      ]
    : selfLoop
      ? selfLoopPath(props.sourceX, props.sourceY, props.targetX, props.targetY)
      : getSmoothStepPath({
          sourceX: props.sourceX,
          sourceY: props.sourceY,
          targetX: props.targetX,
          targetY: props.targetY,
          sourcePosition: props.sourcePosition,
          targetPosition: props.targetPosition,
          borderRadius: 12,
        });
  // a label off the screen waits until it is first near it (in-view.ts)
  const seen = useSeen(labelX, labelY);
  const label = data?.meta?.label;
  const text = (label && (i18n.language === 'en' ? label.en : label['zh-CN'])) || data?.event || '';
  const broken = data?.unresolvedTarget !== undefined;
  const cls = [
    'action-edge',
    selected && 'selected',
    broken && 'broken',
    data?.targetless && 'targetless',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={cls} interactionWidth={16} />
      {((!far && seen) || selected) && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className={`edge-label nodrag nopan${selected ? ' selected' : ''}${problems ? ' has-problem' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            onClick={() => actions.select({ edges: [id] })}
            data-testid={`edge-${source}-${data?.event ?? ''}`}
            title={
              broken
                ? t('editor.broken', { target: data?.unresolvedTarget })
                : data?.targetless
                  ? t('editor.targetless')
                  : text
            }
          >
            {data?.meta?.gate && <LockOutlined className="edge-icon gate" />}
            {data?.meta?.roles?.length ? <UserOutlined className="edge-icon" /> : null}
            <span>{text}</span>
            {data?.meta?.handoff && <HandoffBadge sopId={data.meta.handoff.sopId} />}
            {problems > 0 && <ExclamationCircleFilled className="edge-icon problem" />}
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

export const edgeTypes = { action: ActionEdgeView } satisfies EdgeTypes;
