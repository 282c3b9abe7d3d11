import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { layoutGraph } from '../../shared/graph/layout.ts';
import type { ActionEdge, StageKind, StageNode } from '../../shared/graph/sop-graph.ts';
import { type EditorStore, useEditorActions } from './store.ts';
import { openingViewport, sameViewport } from './zoom.ts';

/** Fits the view, lays the chart out and adds stages at the centre of what the manager sees. */
export function useCanvasView(store: EditorStore) {
  const { i18n } = useTranslation();
  const actions = useEditorActions();
  const rf = useReactFlow<StageNode>();
  /** Fits the view once React Flow has the latest nodes (they arrive on the next render). */
  const fitToView = useCallback(
    (duration = 200) =>
      new Promise<void>((resolve) =>
        window.setTimeout(
          () => void rf.fitView({ padding: 0.15, maxZoom: 1, duration }).then(() => resolve()),
          60,
        ),
      ),
    [rf],
  );

  /** An action's label as the canvas shows it, so the layout leaves room for it. */
  const edgeText = useCallback(
    (e: ActionEdge) => {
      const l = e.data?.meta?.label;
      return (l && (i18n.language === 'en' ? l.en : l['zh-CN'])) || e.data?.event || '';
    },
    [i18n.language],
  );

  const [layingOut, setLayingOut] = useState(false);
  const layoutNow = useCallback(async () => {
    setLayingOut(true);
    try {
      const s = store.getState();
      const laid = await layoutGraph(s.nodes, s.edges, edgeText);
      actions.applyLayout(laid.nodes, laid.routes);
      await fitToView();
    } finally {
      setLayingOut(false);
    }
  }, [store, actions, fitToView, edgeText]);

  /**
   * The view an SOP opens at: whole when legible, else its beginning (zoom.ts). Staying put
   * when already there (the canvas opens at it) spares a redraw of every stage.
   */
  const openView = useCallback(
    () =>
      new Promise<void>((resolve) =>
        window.setTimeout(() => {
          const box = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
          const nodes = rf.getNodes();
          if (!box || nodes.length === 0) return resolve();
          const at = openingViewport(rf.getNodesBounds(nodes), box.width, box.height);
          if (sameViewport(at, rf.getViewport())) return resolve();
          void rf.setViewport(at).then(() => resolve());
        }, 60),
      ),
    [rf],
  );

  // a document without saved positions (an import, a library SOP) is laid out once, as a
  // view rather than an edit: opening it to look changes nothing
  const laidOut = useRef(false);
  useEffect(() => {
    if (laidOut.current || !store.needsLayout) return;
    laidOut.current = true;
    const s = store.getState();
    void layoutGraph(s.nodes, s.edges, edgeText).then((laid) => {
      store.actions.applyLayout(laid.nodes, laid.routes, { initial: true });
      void openView();
    });
  }, [store, openView, edgeText]);

  // the canvas gets its final width only once the side panel is laid out beside it: fit the
  // graph to that free area (not the whole window) while the manager has not moved it yet
  useEffect(() => {
    const el = document.querySelector('[data-testid="canvas"]');
    if (!el || store.needsLayout) return;
    const started = Date.now();
    let last = '';
    const ro = new ResizeObserver(([entry]) => {
      const box = entry?.contentRect;
      const size = box ? `${Math.round(box.width)}x${Math.round(box.height)}` : '';
      if (!size || size === last || Date.now() - started > 3000) return;
      last = size;
      void openView();
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [store, openView]);

  const addStage = useCallback(
    (kind: StageKind) => {
      const el = document.querySelector('[data-testid="canvas"]');
      const box = el?.getBoundingClientRect();
      const center = box
        ? rf.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 })
        : { x: 0, y: 0 };
      const at = { x: Math.round(center.x - 100), y: Math.round(center.y - 36) };
      const id = actions.addStage(kind, undefined, at);
      return id;
    },
    [actions, rf],
  );

  return { fitToView, layoutNow, layingOut, addStage };
}
