/**
 * Detail that waits until it is first near the screen. A large SOP opens at a legible zoom on
 * its beginning (zoom.ts), so most of its actions lie off the canvas: their labels (a button,
 * icons, text, each placed on its own) are drawn when a pan or zoom first brings them near,
 * and then stay, so panning back and forth mounts nothing twice.
 */
import { type ReactFlowState, useStore } from '@xyflow/react';
import { useCallback, useRef } from 'react';

/** Screen pixels beyond the canvas's edges within which detail is drawn ahead of a pan. */
export const AHEAD_PX = 400;

type View = Pick<ReactFlowState, 'transform' | 'width' | 'height'>;

/** Whether the flow point (x, y) is on the canvas, or within AHEAD_PX of it, at this viewport. */
export function nearScreen(s: View, x: number, y: number): boolean {
  const [tx, ty, zoom] = s.transform;
  const sx = x * zoom + tx;
  const sy = y * zoom + ty;
  return (
    sx >= -AHEAD_PX && sy >= -AHEAD_PX && sx <= s.width + AHEAD_PX && sy <= s.height + AHEAD_PX
  );
}

/** True from the first time the flow point (x, y) comes near the screen. */
export function useSeen(x: number, y: number): boolean {
  const seen = useRef(false);
  const selector = useCallback((s: ReactFlowState) => seen.current || nearScreen(s, x, y), [x, y]);
  if (useStore(selector)) seen.current = true;
  return seen.current;
}
