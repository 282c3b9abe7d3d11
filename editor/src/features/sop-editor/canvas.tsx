/**
 * The React Flow canvas: controlled by the editor store.
 *
 * Every stage stays mounted (no `onlyRenderVisibleElements`): fitted to the screen a large SOP
 * shows all its stages anyway, and culling made each frame of a pan mount and unmount the
 * stages crossing the edge (React work, resize observers, garbage). Zoomed far out the stages
 * draw as plain boxes instead (nodes.tsx), which keeps a 200-stage pan cheap.
 *
 * React Flow mounts only once the canvas is measured, straight at the opening view worked out
 * from the saved positions (zoom.ts): fitting the whole chart first and then moving to the
 * opening view drew every stage three times over (full, far, full) on a large SOP.
 *
 * Icons on the canvas leave their stylesheet alone (IconProvider zeroRuntime): antd's
 * ConfigProvider registers the same icon styles once, and otherwise each of the hundreds of
 * icons on a large SOP's stages and actions searched the page's style elements as it mounted.
 */
import { IconProvider } from '@ant-design/icons';
import {
  Background,
  type Connection,
  Controls,
  MarkerType,
  MiniMap,
  type OnNodeDrag,
  ReactFlow,
  useReactFlow,
  useStore,
  type Viewport,
} from '@xyflow/react';
import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ActionEdge, type StageNode, sizeOf } from '../../shared/graph/sop-graph.ts';
import { edgeTypes } from './action-edge.tsx';
import { nodeTypes } from './nodes.tsx';
import { useEditor, useEditorActions, useEditorStore } from './store.ts';
import { isFar, openingViewport, savedBounds } from './zoom.ts';

const defaultEdgeOptions = {
  type: 'action',
  markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
} as const;

/** Icons inside the canvas rely on the icon styles antd's ConfigProvider registers. */
const canvasIcons = { zeroRuntime: true } as const;

const minimapColor = (n: StageNode) => {
  if (n.type === 'final') return n.data.stage?.outcome === 'lost' ? '#ff7875' : '#73d13d';
  if (n.type === 'compound' || n.type === 'parallel') return 'rgba(22,104,220,0.12)';
  return '#91caff';
};

/** How React Flow starts: at a given viewport, or fitted to the stages (no saved positions yet). */
type Opening = { viewport: Viewport } | { fit: true };

/**
 * The opening view, from the saved positions and the canvas's size, read before the first
 * paint; null until then. A document still to be laid out is fitted whole meanwhile
 * (canvas-view.ts moves to the opening view once its stages have places).
 */
function useOpening(ref: RefObject<HTMLElement | null>): Opening | null {
  const store = useEditorStore();
  const [opening, setOpening] = useState<Opening | null>(null);
  useLayoutEffect(() => {
    const box = ref.current?.getBoundingClientRect();
    const bounds = store.needsLayout ? null : savedBounds(store.getState().nodes);
    if (!box || !bounds) setOpening({ fit: true });
    else setOpening({ viewport: openingViewport(bounds, box.width, box.height) });
  }, [store, ref]);
  return opening;
}

export function Canvas() {
  const section = useRef<HTMLElement>(null);
  const opening = useOpening(section);
  const { t } = useTranslation();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const actions = useEditorActions();
  const rf = useReactFlow<StageNode, ActionEdge>();
  const far = useStore(isFar);

  const onConnect = useCallback((c: Connection) => actions.connect(c), [actions]);
  const onNodeDragStart = useCallback(() => actions.beginDrag(), [actions]);

  /** Dropping a stage into a group nests it there; dropping it outside moves it up. */
  const onNodeDragStop: OnNodeDrag<StageNode> = useCallback(
    (_e, node) => {
      const internal = rf.getInternalNode(node.id);
      if (!internal) return;
      const abs = internal.internals.positionAbsolute;
      const size = sizeOf(node);
      const cx = abs.x + size.width / 2;
      const cy = abs.y + size.height / 2;
      let best: { id: string; depth: number } | undefined;
      for (const g of rf.getNodes()) {
        if (g.type !== 'compound' && g.type !== 'parallel') continue;
        if (g.id === node.id || g.id.startsWith(`${node.id}.`)) continue;
        const gi = rf.getInternalNode(g.id);
        if (!gi) continue;
        const gp = gi.internals.positionAbsolute;
        const gs = sizeOf(g);
        const inside = cx >= gp.x && cx <= gp.x + gs.width && cy >= gp.y && cy <= gp.y + gs.height;
        const depth = g.id.split('.').length;
        if (inside && (!best || depth > best.depth)) best = { id: g.id, depth };
      }
      if (best?.id !== node.parentId) actions.reparent(node.id, best?.id, abs);
    },
    [rf, actions],
  );

  return (
    <section
      ref={section}
      className="canvas"
      data-testid="canvas"
      aria-label={t('editor.canvasLabel')}
    >
      {opening && (
        <IconProvider value={canvasIcons}>
          <ReactFlow<StageNode, ActionEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            defaultEdgeOptions={defaultEdgeOptions}
            onNodesChange={actions.onNodesChange}
            onEdgesChange={actions.onEdgesChange}
            onConnect={onConnect}
            onNodeDragStart={onNodeDragStart}
            onNodeDragStop={onNodeDragStop}
            deleteKeyCode={null}
            multiSelectionKeyCode="Shift"
            selectionKeyCode="Shift"
            minZoom={0.1}
            maxZoom={2}
            fitView={'fit' in opening}
            defaultViewport={'viewport' in opening ? opening.viewport : undefined}
            fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
            proOptions={{ hideAttribution: true }}
            elevateNodesOnSelect={false}
          >
            {!far && <Background gap={20} />}
            <MiniMap<StageNode>
              pannable
              zoomable
              nodeColor={minimapColor}
              className="canvas-minimap"
              ariaLabel={t('editor.canvasLabel')}
            />
            <Controls showInteractive={false} />
          </ReactFlow>
        </IconProvider>
      )}
    </section>
  );
}
