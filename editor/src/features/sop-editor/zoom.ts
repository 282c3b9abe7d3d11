/**
 * Level of detail: below FAR_ZOOM the canvas drops detail nobody can read (edge labels, the
 * dot grid, whose dots would be a fraction of a pixel). A 200-stage SOP fitted to a laptop
 * screen sits at ~0.16; small SOPs fit at 0.5–1 and keep everything.
 */
import type { ReactFlowState } from '@xyflow/react';
import { type StageNode, sizeOf } from '../../shared/graph/sop-graph.ts';

export const FAR_ZOOM = 0.35;

/** React Flow store selector: true while zoomed out past FAR_ZOOM (changes only at the threshold). */
export const isFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;

/** Stage titles stay legible down to this zoom (13-px text drawn at ≥ 9 px). */
export const READABLE_ZOOM = 0.7;
const PAD = 24;

export type Box = { x: number; y: number; width: number; height: number };
export type Viewport = { x: number; y: number; zoom: number };

/**
 * Where an SOP opens: the whole graph when it fits at a legible zoom (never above 1);
 * otherwise its beginning at READABLE_ZOOM — the left edge, where the first stage is,
 * centred vertically (or from the top when taller than the canvas) — and the minimap shows
 * the rest. Fitting 40 stages into a laptop canvas draws them as unreadable specks.
 */
export function openingViewport(bounds: Box, width: number, height: number): Viewport {
  const free = { w: Math.max(1, width - 2 * PAD), h: Math.max(1, height - 2 * PAD) };
  const fit = Math.min(1, free.w / Math.max(1, bounds.width), free.h / Math.max(1, bounds.height));
  if (fit >= READABLE_ZOOM) {
    return {
      zoom: fit,
      x: width / 2 - (bounds.x + bounds.width / 2) * fit,
      y: height / 2 - (bounds.y + bounds.height / 2) * fit,
    };
  }
  const zoom = READABLE_ZOOM;
  const tall = bounds.height * zoom > free.h;
  return {
    zoom,
    x: PAD - bounds.x * zoom,
    y: tall ? PAD - bounds.y * zoom : height / 2 - (bounds.y + bounds.height / 2) * zoom,
  };
}

/**
 * The box around a graph from its saved positions, before React Flow has measured anything:
 * the top-level stages suffice, as groups are sized to hold their children. Lets the canvas
 * open straight at its opening view instead of drawing every stage at another zoom first.
 */
export function savedBounds(nodes: readonly StageNode[]): Box | null {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const n of nodes) {
    if (n.parentId) continue;
    const size = sizeOf(n);
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + size.width);
    y1 = Math.max(y1, n.position.y + size.height);
  }
  if (!Number.isFinite(x0)) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Whether two viewports differ by less than a pixel (and a hair of zoom): not worth moving to. */
export function sameViewport(a: Viewport, b: Viewport): boolean {
  return Math.abs(a.x - b.x) < 1 && Math.abs(a.y - b.y) < 1 && Math.abs(a.zoom - b.zoom) < 0.005;
}
