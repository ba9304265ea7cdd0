// The editing commands behind the shortcuts, the Edit buttons and the context menus:
// delete, duplicate, copy, paste, select all, disconnect, add a node, a note or a group.
// Each is one undo step. New items go to the free spot nearest where they were asked for
// (`obstacles`: the boxes already on the canvas, canvasPlacement.ts).
import { edgeKey, type PipelineChange } from '../../shared/editor/changes.ts';
import { copySelection, planDuplicate, planPaste, type PastePlan, type PipelineClipboard } from '../../shared/editor/clipboard.ts';
import { freshNodeId } from '../../shared/editor/ids.ts';
import { freeOffset, freePosition, type Rect } from '../../shared/editor/placement.ts';
import type { Size, XY } from '../../shared/editor/types.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';
import { estimatedNodeSize } from './canvasPlacement.ts';

/** The last copied selection; pasting repeatedly cascades it down and to the right. */
let clipboard: PipelineClipboard | null = null;
let pasteCount = 0;

export const NOTE_SIZE: Size = { width: 240, height: 140 };
export const GROUP_SIZE: Size = { width: 420, height: 280 };
/** Room around the nodes a new group wraps; the top leaves space for its title. */
const GROUP_MARGIN = { side: 24, top: 48 };

export function hasClipboard(): boolean {
  return clipboard !== null;
}

/** Every id on the canvas: nodes, groups and notes share one namespace. */
function takenIds(store: PipelineStore): Set<string> {
  const doc = store.getState().history.present;
  return new Set([...doc.nodes, ...(doc.groups ?? []), ...(doc.notes ?? [])].map((i) => i.id));
}

/** Shifts the nodes a plan adds, as one block, off the boxes already on the canvas. */
function placePlan(store: PipelineStore, plan: PastePlan, obstacles: Rect[]): PipelineChange[] {
  const kinds = store.getState().kinds;
  const block = plan.changes.flatMap((c) => (c.type === 'addNode' && c.node.position ? [{ ...c.node.position, ...estimatedNodeSize(kinds.get(c.node.kind)) }] : []));
  const off = freeOffset(block, obstacles);
  return plan.changes.map((c) => (c.type === 'addNode' && c.node.position
    ? { ...c, node: { ...c.node, position: { x: c.node.position.x + off.x, y: c.node.position.y + off.y } } }
    : c));
}

export function deleteSelection(store: PipelineStore): void {
  const s = store.getState();
  const nodes = s.selectedNodes;
  const edges = s.selectedEdges;
  if (nodes.length === 0 && edges.length === 0) return;
  s.commit([
    ...(edges.length ? [{ type: 'removeEdges' as const, keys: edges }] : []),
    ...(nodes.length ? [{ type: 'removeNodes' as const, ids: nodes }] : []),
  ], []);
}

export function duplicateSelection(store: PipelineStore, obstacles: Rect[] = []): void {
  const s = store.getState();
  if (s.selectedNodes.length === 0) return;
  const plan = planDuplicate(s.history.present, s.selectedNodes);
  if (plan.newIds.length === 0) return;
  s.commit(placePlan(store, plan, obstacles), plan.newIds);
}

export function copySelectionToClipboard(store: PipelineStore): boolean {
  const s = store.getState();
  if (s.selectedNodes.length === 0) return false;
  clipboard = copySelection(s.history.present, s.selectedNodes);
  pasteCount = 0;
  // The system clipboard is a convenience (pasting the JSON elsewhere); it may be refused.
  navigator.clipboard?.writeText(JSON.stringify(clipboard, null, 2)).catch(() => undefined);
  return true;
}

export function cutSelection(store: PipelineStore): void {
  if (copySelectionToClipboard(store)) deleteSelection(store);
}

/** Pastes the clipboard: its top-left corner at `at` when given, else cascaded from the copy. */
export function pasteClipboard(store: PipelineStore, obstacles: Rect[] = [], at?: XY): void {
  if (!clipboard || clipboard.nodes.length === 0) return;
  pasteCount++;
  const s = store.getState();
  const corner = {
    x: Math.min(...clipboard.nodes.map((n) => n.position?.x ?? 0)),
    y: Math.min(...clipboard.nodes.map((n) => n.position?.y ?? 0)),
  };
  const offset = at ? { x: Math.round(at.x - corner.x), y: Math.round(at.y - corner.y) } : { x: 40 * pasteCount, y: 40 * pasteCount };
  const plan = planPaste(s.history.present, clipboard, offset);
  s.commit(placePlan(store, plan, obstacles), plan.newIds);
}

export function selectAll(store: PipelineStore): void {
  const doc = store.getState().history.present;
  store.getState().select(doc.nodes.map((n) => n.id), doc.edges.map(edgeKey));
}

/** Adds a node of `kind` with its title bar under `at` (flow coordinates), or the nearest free spot. */
export function addNodeAt(store: PipelineStore, kind: string, at: XY, obstacles: Rect[]): string {
  const s = store.getState();
  const size = estimatedNodeSize(s.kinds.get(kind));
  // Held as a dragged palette entry is: by the middle of its title bar.
  const position = freePosition({ x: Math.round(at.x - size.width / 2), y: Math.round(at.y - 19) }, size, obstacles);
  const id = freshNodeId(kind, takenIds(store));
  s.commit([{ type: 'addNode', node: { id, kind, params: {}, position } }], [id]);
  return id;
}

/** Removes every edge into and out of a node. */
export function disconnectNode(store: PipelineStore, nodeId: string): void {
  const s = store.getState();
  const keys = s.history.present.edges.filter((e) => e.from[0] === nodeId || e.to[0] === nodeId).map(edgeKey);
  if (keys.length === 0) {
    s.toast('info', 'This node has no connections to remove.');
    return;
  }
  s.commit([{ type: 'removeEdges', keys }]);
}

export function deleteEdge(store: PipelineStore, key: string): void {
  store.getState().commit([{ type: 'removeEdges', keys: [key] }], []);
}

export function addNoteAt(store: PipelineStore, at: XY, obstacles: Rect[]): string {
  const id = freshNodeId('note', takenIds(store));
  const position = freePosition({ x: Math.round(at.x), y: Math.round(at.y) }, NOTE_SIZE, obstacles);
  store.getState().commit([{ type: 'addNote', note: { id, text: '', position, size: NOTE_SIZE } }], [id]);
  return id;
}

/**
 * Adds a group: around the selected nodes when there are some (`selected`: their boxes),
 * else an empty one at `at`.
 */
export function addGroupAt(store: PipelineStore, at: XY, selected: Rect[]): string {
  const id = freshNodeId('group', takenIds(store));
  let position = { x: Math.round(at.x), y: Math.round(at.y) };
  let size = GROUP_SIZE;
  if (selected.length > 0) {
    const left = Math.min(...selected.map((r) => r.x));
    const top = Math.min(...selected.map((r) => r.y));
    const right = Math.max(...selected.map((r) => r.x + r.width));
    const bottom = Math.max(...selected.map((r) => r.y + r.height));
    position = { x: Math.round(left - GROUP_MARGIN.side), y: Math.round(top - GROUP_MARGIN.top) };
    size = { width: Math.round(right - left + 2 * GROUP_MARGIN.side), height: Math.round(bottom - top + GROUP_MARGIN.top + GROUP_MARGIN.side) };
  }
  store.getState().commit([{ type: 'addGroup', group: { id, title: 'Group', position, size } }], [id]);
  return id;
}
