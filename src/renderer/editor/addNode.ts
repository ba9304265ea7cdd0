// Adding one node to the document: a fresh id (nodes, groups and notes share one namespace)
// and a spot held by its title bar, as a dragged palette entry is. Used by the editing
// commands and by files dropped on the window.
import type { Params } from '../../shared/catalog/types.ts';
import { freshNodeId } from '../../shared/editor/ids.ts';
import { freePosition, type Rect } from '../../shared/editor/placement.ts';
import type { XY } from '../../shared/editor/types.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';
import { estimatedNodeSize } from './canvasPlacement.ts';

/** Every id on the canvas: nodes, groups and notes share one namespace. */
export function takenIds(store: PipelineStore): Set<string> {
  const doc = store.getState().history.present;
  return new Set([...doc.nodes, ...(doc.groups ?? []), ...(doc.notes ?? [])].map((i) => i.id));
}

/** Where a node of `kind` held by the middle of its title bar at `at` (flow coordinates) lands: there, or the nearest free spot. */
export function spotUnder(store: PipelineStore, kind: string, at: XY, obstacles: Rect[]): XY {
  const size = estimatedNodeSize(store.getState().kinds.get(kind));
  return freePosition({ x: Math.round(at.x - size.width / 2), y: Math.round(at.y - 19) }, size, obstacles);
}

/** Adds a node of `kind` at `position` as one undo step, selected; returns its id. */
export function addNode(store: PipelineStore, kind: string, position: XY, params: Params = {}): string {
  const id = freshNodeId(kind, takenIds(store));
  store.getState().commit([{ type: 'addNode', node: { id, kind, params, position } }], [id]);
  return id;
}
