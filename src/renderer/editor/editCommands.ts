// The editing commands behind the shortcuts, the Edit buttons and the context menus:
// delete, duplicate, copy, paste, select all, disconnect, add a node, a note or a group.
// Copy, cut, paste and duplicate carry nodes, groups (with what lies inside them) and notes.
// Each is one undo step. New items go to the free spot nearest where they were asked for
// (`obstacles`: the boxes already on the canvas, canvasPlacement.ts).
import { edgeKey, type PipelineChange } from '../../shared/editor/changes.ts';
import { clipboardCorner, clipboardIsEmpty, copySelection, planDuplicate, planPaste, type NodeSizeOf, type PastePlan, type PipelineClipboard } from '../../shared/editor/clipboard.ts';
import { freshNodeId } from '../../shared/editor/ids.ts';
import { freeOffset, freePosition, type Rect } from '../../shared/editor/placement.ts';
import type { Size, XY } from '../../shared/editor/types.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';
import { estimatedNodeSize } from './canvasPlacement.ts';
import { addNode, spotUnder, takenIds } from './addNode.ts';

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

/** Node boxes for group membership: estimated from the kind (the store holds no measured sizes). */
function nodeSizeOf(store: PipelineStore): NodeSizeOf {
  const kinds = store.getState().kinds;
  return (node) => estimatedNodeSize(kinds.get(node.kind));
}

/** The box of an item a plan adds (a pasted group included: it must not land over other nodes and take them in). */
function addedBox(store: PipelineStore, c: PipelineChange): Rect | null {
  if (c.type === 'addNode') return c.node.position ? { ...c.node.position, ...estimatedNodeSize(store.getState().kinds.get(c.node.kind)) } : null;
  if (c.type === 'addGroup') return { ...c.group.position, ...c.group.size };
  if (c.type === 'addNote') return { ...c.note.position, ...c.note.size };
  return null;
}

const plus = (p: XY, off: XY): XY => ({ x: p.x + off.x, y: p.y + off.y });

/** Shifts the items a plan adds, as one block, off the boxes already on the canvas. */
function placePlan(store: PipelineStore, plan: PastePlan, obstacles: Rect[]): PipelineChange[] {
  const block = plan.changes.flatMap((c) => addedBox(store, c) ?? []);
  // A pasted group also keeps clear of the groups there: over one, it would take in that group's nodes when dragged.
  const groups = plan.changes.some((c) => c.type === 'addGroup') ? (store.getState().history.present.groups ?? []).map((g) => ({ ...g.position, ...g.size })) : [];
  const off = freeOffset(block, [...obstacles, ...groups]);
  return plan.changes.map((c) => {
    if (c.type === 'addNode' && c.node.position) return { ...c, node: { ...c.node, position: plus(c.node.position, off) } };
    if (c.type === 'addGroup') return { ...c, group: { ...c.group, position: plus(c.group.position, off) } };
    if (c.type === 'addNote') return { ...c, note: { ...c.note, position: plus(c.note.position, off) } };
    return c;
  });
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
  const plan = planDuplicate(s.history.present, s.selectedNodes, { x: 40, y: 40 }, nodeSizeOf(store));
  if (plan.newIds.length === 0) return;
  s.commit(placePlan(store, plan, obstacles), plan.newIds);
}

export function copySelectionToClipboard(store: PipelineStore): boolean {
  const s = store.getState();
  if (s.selectedNodes.length === 0) return false;
  clipboard = copySelection(s.history.present, s.selectedNodes, nodeSizeOf(store));
  pasteCount = 0;
  // The system clipboard is a convenience (pasting the JSON elsewhere); it may be refused.
  navigator.clipboard?.writeText(JSON.stringify(clipboard, null, 2)).catch(() => undefined);
  return true;
}

/** Copies, then removes what was copied (a cut group takes what lies inside it along). */
export function cutSelection(store: PipelineStore): void {
  if (!copySelectionToClipboard(store) || !clipboard) return;
  const ids = [...clipboard.nodes, ...(clipboard.groups ?? []), ...(clipboard.notes ?? [])].map((i) => i.id);
  const edges = store.getState().selectedEdges;
  store.getState().commit([
    ...(edges.length ? [{ type: 'removeEdges' as const, keys: edges }] : []),
    { type: 'removeNodes', ids },
  ], []);
}

/** Pastes the clipboard: its top-left corner at `at` when given, else cascaded from the copy. */
export function pasteClipboard(store: PipelineStore, obstacles: Rect[] = [], at?: XY): void {
  if (!clipboard || clipboardIsEmpty(clipboard)) return;
  pasteCount++;
  const s = store.getState();
  const corner = clipboardCorner(clipboard);
  const offset = at ? { x: Math.round(at.x - corner.x), y: Math.round(at.y - corner.y) } : { x: 40 * pasteCount, y: 40 * pasteCount };
  const plan = planPaste(s.history.present, clipboard, offset);
  s.commit(placePlan(store, plan, obstacles), plan.newIds);
}

export function selectAll(store: PipelineStore): void {
  const doc = store.getState().history.present;
  const ids = [...doc.nodes, ...(doc.groups ?? []), ...(doc.notes ?? [])].map((i) => i.id);
  store.getState().select(ids, doc.edges.map(edgeKey));
}

/** Adds a node of `kind` with its title bar under `at` (flow coordinates), or the nearest free spot. */
export function addNodeAt(store: PipelineStore, kind: string, at: XY, obstacles: Rect[]): string {
  return addNode(store, kind, spotUnder(store, kind, at, obstacles));
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
