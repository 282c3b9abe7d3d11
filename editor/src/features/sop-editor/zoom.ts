/**
 * Level of detail: below FAR_ZOOM the canvas drops detail nobody can read (edge labels, the
 * dot grid, whose dots would be a fraction of a pixel). A 200-stage SOP fitted to a laptop
 * screen sits at ~0.16; small SOPs fit at 0.5–1 and keep everything.
 */
import type { ReactFlowState } from '@xyflow/react';

export const FAR_ZOOM = 0.35;

/** React Flow store selector: true while zoomed out past FAR_ZOOM (changes only at the threshold). */
export const isFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;
