// Copy, paste and duplicate of a selection of nodes, groups and notes: pasted items get
// fresh ids, edges whose two ends are both inside the selection come along (re-pointed),
// edges leaving it do not. A copied group brings what lies inside it (membership is
// geometric, placement.ts), and the paste moves everything by one offset, so the pasted
// group holds the pasted copies, not the originals.
import type { PipelineChange } from './changes.ts';
import { freshNodeId } from './ids.ts';
import { membersOf, type Rect } from './placement.ts';
import type { EditorDocument, EditorEdge, EditorGroup, EditorNode, EditorNote, Size, XY } from './types.ts';

export interface PipelineClipboard {
  format: 'whittle.clipboard';
  nodes: EditorNode[];
  edges: EditorEdge[];
  /** Absent in clipboards written before groups and notes were copied. */
  groups?: EditorGroup[];
  notes?: EditorNote[];
}

/** A node's box for group membership; the renderer passes what it measured or estimates. */
export type NodeSizeOf = (node: EditorNode) => Size;

/** Nodes are 220 px wide; 120 px is a typical height before a node is drawn. */
const DEFAULT_NODE_SIZE: Size = { width: 220, height: 120 };

/** Items are plain JSON, so a JSON round trip is a full deep copy. */
function clone<T>(item: T): T {
  return JSON.parse(JSON.stringify(item)) as T;
}

/** Every box on the canvas with its id: nodes (sized by `sizeOf`), groups and notes. */
function boxesOf(doc: EditorDocument, sizeOf: NodeSizeOf): (Rect & { id: string })[] {
  return [
    ...doc.nodes.map((n) => ({ id: n.id, ...(n.position ?? { x: 0, y: 0 }), ...sizeOf(n) })),
    ...[...(doc.groups ?? []), ...(doc.notes ?? [])].map((i) => ({ id: i.id, ...i.position, ...i.size })),
  ];
}

/** The ids in `ids` plus everything inside each selected group (and inside groups found there). */
function withGroupMembers(doc: EditorDocument, ids: Set<string>, sizeOf: NodeSizeOf): Set<string> {
  const groups = doc.groups ?? [];
  if (!groups.some((g) => ids.has(g.id))) return ids;
  const boxes = boxesOf(doc, sizeOf);
  const out = new Set(ids);
  const pending = groups.filter((g) => ids.has(g.id));
  for (let group = pending.pop(); group; group = pending.pop()) {
    for (const member of membersOf({ id: group.id, ...group.position, ...group.size }, boxes)) {
      if (out.has(member)) continue;
      out.add(member);
      const inner = groups.find((g) => g.id === member);
      if (inner) pending.push(inner);
    }
  }
  return out;
}

export function copySelection(doc: EditorDocument, itemIds: Iterable<string>, sizeOf: NodeSizeOf = () => DEFAULT_NODE_SIZE): PipelineClipboard {
  const ids = withGroupMembers(doc, new Set(itemIds), sizeOf);
  const groups = (doc.groups ?? []).filter((g) => ids.has(g.id)).map(clone);
  const notes = (doc.notes ?? []).filter((n) => ids.has(n.id)).map(clone);
  return {
    format: 'whittle.clipboard',
    nodes: doc.nodes.filter((n) => ids.has(n.id)).map(clone),
    edges: doc.edges.filter((e) => ids.has(e.from[0]) && ids.has(e.to[0])).map((e) => ({ from: [...e.from], to: [...e.to] })),
    ...(groups.length ? { groups } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

/** True when the clipboard holds nothing to paste. */
export function clipboardIsEmpty(clip: PipelineClipboard): boolean {
  return clip.nodes.length + (clip.groups?.length ?? 0) + (clip.notes?.length ?? 0) === 0;
}

/** The top-left corner of everything in the clipboard. */
export function clipboardCorner(clip: PipelineClipboard): XY {
  const corners = [...clip.nodes.map((n) => n.position ?? { x: 0, y: 0 }), ...(clip.groups ?? []).map((g) => g.position), ...(clip.notes ?? []).map((n) => n.position)];
  return { x: Math.min(...corners.map((c) => c.x)), y: Math.min(...corners.map((c) => c.y)) };
}

export interface PastePlan {
  changes: PipelineChange[];
  /** Ids of the pasted items (groups, nodes, then notes), to select them afterwards. */
  newIds: string[];
}

const shifted = (p: XY | undefined, offset: XY): XY => ({ x: (p?.x ?? 0) + offset.x, y: (p?.y ?? 0) + offset.y });

/** Plans the changes that paste `clip` into `doc`, shifted by `offset`: one batch, so one undo step. */
export function planPaste(doc: EditorDocument, clip: PipelineClipboard, offset: XY = { x: 40, y: 40 }): PastePlan {
  // Nodes, groups and notes share one id namespace.
  const taken = new Set([...doc.nodes, ...(doc.groups ?? []), ...(doc.notes ?? [])].map((i) => i.id));
  const fresh = (base: string) => {
    const id = freshNodeId(base, taken);
    taken.add(id);
    return id;
  };
  const rename = new Map<string, string>();
  const changes: PipelineChange[] = [];
  const newIds: string[] = [];
  // Groups first, so they sit under the nodes pasted into them.
  for (const group of clip.groups ?? []) {
    const id = fresh('group');
    newIds.push(id);
    changes.push({ type: 'addGroup', group: { ...clone(group), id, position: shifted(group.position, offset) } });
  }
  for (const node of clip.nodes) {
    const id = fresh(node.kind);
    rename.set(node.id, id);
    newIds.push(id);
    changes.push({ type: 'addNode', node: { ...clone(node), id, position: shifted(node.position, offset) } });
  }
  for (const note of clip.notes ?? []) {
    const id = fresh('note');
    newIds.push(id);
    changes.push({ type: 'addNote', note: { ...clone(note), id, position: shifted(note.position, offset) } });
  }
  for (const edge of clip.edges) {
    const from = rename.get(edge.from[0]);
    const to = rename.get(edge.to[0]);
    if (from && to) changes.push({ type: 'addEdge', edge: { from: [from, edge.from[1]], to: [to, edge.to[1]] } });
  }
  return { changes, newIds };
}

export function planDuplicate(doc: EditorDocument, itemIds: Iterable<string>, offset: XY = { x: 40, y: 40 }, sizeOf?: NodeSizeOf): PastePlan {
  return planPaste(doc, copySelection(doc, itemIds, sizeOf), offset);
}

const isXY = (p: unknown) => typeof (p as XY | undefined)?.x === 'number' && typeof (p as XY | undefined)?.y === 'number';
const isSize = (s: unknown) => typeof (s as Size | undefined)?.width === 'number' && typeof (s as Size | undefined)?.height === 'number';

/** A group or note read back from text: an id, a position and a size, and its text field a string. */
function isDecor(item: unknown, textKey: 'title' | 'text'): boolean {
  const i = item as Record<string, unknown> | null;
  return typeof i?.id === 'string' && typeof i[textKey] === 'string' && isXY(i.position) && isSize(i.size);
}

/** Reads clipboard text back; anything that is not a Whittle clipboard gives null. */
export function parseClipboard(text: string): PipelineClipboard | null {
  try {
    const value = JSON.parse(text) as Partial<PipelineClipboard>;
    if (value?.format !== 'whittle.clipboard' || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) return null;
    const nodesOk = value.nodes.every((n) => typeof n?.id === 'string' && typeof n?.kind === 'string' && typeof n?.params === 'object' && n.params !== null);
    const edgesOk = value.edges.every((e) => Array.isArray(e?.from) && Array.isArray(e?.to) && e.from.length === 2 && e.to.length === 2);
    const groupsOk = value.groups === undefined || (Array.isArray(value.groups) && value.groups.every((g) => isDecor(g, 'title')));
    const notesOk = value.notes === undefined || (Array.isArray(value.notes) && value.notes.every((n) => isDecor(n, 'text')));
    return nodesOk && edgesOk && groupsOk && notesOk ? (value as PipelineClipboard) : null;
  } catch {
    return null;
  }
}
