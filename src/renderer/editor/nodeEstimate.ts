// A pipeline node's size and handle places before it has ever been on screen. React Flow
// mounts every node it has no size for just to measure it (300 nodes mounted, then most
// culled again); with an estimate, the canvas mounts only the nodes in view, fits the view at
// once, and draws an edge to a node off screen. A node is measured the first time it shows.
import { Position, type NodeHandle } from '@xyflow/react';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';

/** `.wh-node { width: 220px }` (canvas.css; box-sizing is border-box). */
export const NODE_WIDTH_PX = 220;
const HEADER_PX = 44;
const PORT_ROW_PX = 22;
/** Key params, headline figures and the status line under the ports. */
const FACE_PX = 80;
/** Train/Distill nodes show their loss/accuracy curve. */
const CURVE_PX = 70;
/**
 * Half a pixel keeps the estimate from ever equalling a measured size (whole pixels): React
 * Flow re-reads a node's handles only when its size changes, so the estimated handles below
 * are always replaced by measured ones on first mount.
 */
const NEVER_MEASURED_PX = 0.5;

export interface NodeEstimate {
  measured: { width: number; height: number };
  handles: NodeHandle[];
}

/** Room for a node: title, port rows, face and status (also auto-layout's spacing). */
export function estimatedNodeHeightPx(spec: NodeKindSpec | undefined): number {
  const rows = spec ? Math.max(spec.inputs.length, spec.outputs.length, 1) : 1;
  return HEADER_PX + rows * PORT_ROW_PX + FACE_PX + (spec?.category === 'Train' ? CURVE_PX : 0);
}

const cache = new WeakMap<NodeKindSpec, NodeEstimate>();
const UNKNOWN: NodeEstimate = { measured: { width: NODE_WIDTH_PX, height: estimatedNodeHeightPx(undefined) + NEVER_MEASURED_PX }, handles: [] };

/** One estimate per kind (the same object for every node of the kind). */
export function nodeEstimate(spec: NodeKindSpec | undefined): NodeEstimate {
  if (!spec) return UNKNOWN;
  let estimate = cache.get(spec);
  if (!estimate) {
    const rowCentre = (i: number) => HEADER_PX + i * PORT_ROW_PX + PORT_ROW_PX / 2;
    const handles: NodeHandle[] = [
      ...spec.inputs.map((p, i): NodeHandle => ({ id: p.name, type: 'target', position: Position.Left, x: 0, y: rowCentre(i), width: 1, height: 1 })),
      ...spec.outputs.map((p, i): NodeHandle => ({ id: p.name, type: 'source', position: Position.Right, x: NODE_WIDTH_PX - 1, y: rowCentre(i), width: 1, height: 1 })),
    ];
    estimate = { measured: { width: NODE_WIDTH_PX, height: estimatedNodeHeightPx(spec) + NEVER_MEASURED_PX }, handles };
    cache.set(spec, estimate);
  }
  return estimate;
}
