// Positions for documents written by hand or by the CLI (no positions): columns by
// longest path from the sources, rows in document order within a column.
import type { EditorDocument, XY } from './types.ts';

export const LAYOUT_COLUMN_PX = 280;
export const LAYOUT_ROW_PX = 150;

/** The layer of each node: 0 for sources, else 1 + the deepest upstream layer. */
export function layerOf(doc: EditorDocument): Map<string, number> {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const incoming = new Map<string, string[]>();
  for (const e of doc.edges) {
    if (!ids.has(e.from[0]) || !ids.has(e.to[0])) continue;
    const list = incoming.get(e.to[0]) ?? [];
    list.push(e.from[0]);
    incoming.set(e.to[0], list);
  }
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    // A cycle (invalid, but it can be on screen while being edited) is cut here.
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let depth = 0;
    for (const up of incoming.get(id) ?? []) depth = Math.max(depth, visit(up) + 1);
    visiting.delete(id);
    layer.set(id, depth);
    return depth;
  };
  for (const n of doc.nodes) visit(n.id);
  return layer;
}

/** Vertical room a node takes, in px (the editor passes one from the node's ports). */
export type NodeHeightPx = (node: EditorDocument['nodes'][number]) => number;
const fixedRow: NodeHeightPx = () => LAYOUT_ROW_PX;

/** Layered positions for every node; rows stack by each node's height. */
export function layeredPositions(doc: EditorDocument, heightPx: NodeHeightPx = fixedRow): Record<string, XY> {
  const layer = layerOf(doc);
  const nextY = new Map<number, number>();
  const positions: Record<string, XY> = {};
  for (const n of doc.nodes) {
    const col = layer.get(n.id) ?? 0;
    const y = nextY.get(col) ?? 0;
    nextY.set(col, y + heightPx(n));
    positions[n.id] = { x: col * LAYOUT_COLUMN_PX, y };
  }
  return positions;
}

/**
 * Gives positions to the nodes that have none and leaves the others where they are.
 * When no node has a position, the whole graph is laid out; otherwise the missing
 * ones are laid out below everything already placed.
 */
export function autoLayout<D extends EditorDocument>(doc: D, heightPx: NodeHeightPx = fixedRow): D {
  const missing = doc.nodes.filter((n) => !n.position);
  if (missing.length === 0) return doc;
  const layered = layeredPositions(doc, heightPx);
  const placed = doc.nodes.filter((n) => n.position);
  const yOffset = placed.length === 0 ? 0 : Math.max(...placed.map((n) => n.position!.y + heightPx(n)));
  return { ...doc, nodes: doc.nodes.map((n) => (n.position ? n : { ...n, position: { x: layered[n.id].x, y: layered[n.id].y + yOffset } })) };
}
