// What new items are placed around: the boxes already on the canvas as React Flow measured
// them (groups left out: a node may go inside a group), and a size for a node not yet drawn.
import type { Node } from '@xyflow/react';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import type { Rect } from '../../shared/editor/placement.ts';
import type { Size } from '../../shared/editor/types.ts';
import { GROUP_NODE_TYPE } from './flowTypes.ts';

/** Nodes are 220 px wide (canvas.css .wh-node). */
export const NODE_WIDTH_PX = 220;

/** A node's size before it is drawn: header, one 22 px row per port, status line. */
export function estimatedNodeSize(spec: NodeKindSpec | undefined): Size {
  const rows = spec ? Math.max(spec.inputs.length, spec.outputs.length, 1) : 1;
  return { width: NODE_WIDTH_PX, height: 48 + rows * 22 + 40 };
}

/** Boxes of the nodes and notes on the canvas, measured where React Flow has measured them. */
export function obstaclesOf(nodes: Node[]): Rect[] {
  return nodes
    .filter((n) => n.type !== GROUP_NODE_TYPE)
    .map((n) => ({ x: n.position.x, y: n.position.y, width: n.measured?.width ?? n.width ?? NODE_WIDTH_PX, height: n.measured?.height ?? n.height ?? 150 }));
}
