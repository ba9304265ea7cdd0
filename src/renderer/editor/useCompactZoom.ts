// Below COMPACT_ZOOM a node's 11-13 px text would render under ~10 px on screen, so the
// canvas switches nodes to their compact face (big title and headline, no port labels;
// canvas.css). A boolean selector: the canvas re-renders only when the threshold is crossed.
import { useStore, type ReactFlowState } from '@xyflow/react';

export const COMPACT_ZOOM = 0.8;
/** Fit-to-view never zooms out further: compact text (22-24 px) stays >= 11 px on screen. */
export const FIT_MIN_ZOOM = 0.5;

const selectCompact = (s: ReactFlowState) => s.transform[2] < COMPACT_ZOOM;

export function useCompactZoom(): boolean {
  return useStore(selectCompact);
}
