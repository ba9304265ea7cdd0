// Auto-layout of the pipeline through ELK's layered algorithm (elkjs): layers left to
// right, crossings minimised, edges attached at the ports they use. A group is laid out
// as a compound node around its members, so groups stay around their nodes (notes inside
// a group included). A note outside every group that sits beside a node or group (within
// NOTE_ANCHOR_PX) annotates it and moves with it; notes far from everything stay where they
// are. No React here: the caller hands in the ELK instance (a worker in
// the app, the bundled build in tests) and the measured sizes.
import type { ELK, ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api';
import type { PipelineChange } from './changes.ts';
import { centreInside, type Rect } from './placement.ts';
import type { EditorDocument, Size, XY } from './types.ts';

export interface LayoutGeometry {
  /** Measured (or estimated) size of a node or note. */
  sizeOf(id: string): Size;
  /** Input and output port names of a node, top to bottom as drawn. */
  portsOf(nodeId: string): { inputs: string[]; outputs: string[] };
}

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '70',
  'elk.spacing.nodeNode': '40',
  'elk.spacing.edgeNode': '20',
  // Document order breaks ties, so laying out twice gives the same picture.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
};
/** Room inside a group for its title bar. */
const GROUP_PADDING = '[top=48,left=24,bottom=24,right=24]';

function portId(nodeId: string, side: 'in' | 'out', port: string): string {
  return `${nodeId}::${side}::${port}`;
}

/** Ports in ELK's clockwise order (east top to bottom, then west bottom to top), fixed. */
function elkNodeFor(id: string, geometry: LayoutGeometry, isNode: boolean): ElkNode {
  const { width, height } = geometry.sizeOf(id);
  if (!isNode) return { id, width, height };
  const { inputs, outputs } = geometry.portsOf(id);
  const ports: ElkPort[] = [
    ...outputs.map((p, i) => ({ id: portId(id, 'out', p), width: 1, height: 1, layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(i) } })),
    ...inputs.map((p, i) => ({ id: portId(id, 'in', p), width: 1, height: 1, layoutOptions: { 'elk.port.side': 'WEST', 'elk.port.index': String(outputs.length + inputs.length - 1 - i) } })),
  ];
  return { id, width, height, ports, layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' } };
}

/** Each node or note goes into the smallest group that holds its centre, if any. */
function groupOfEach(doc: EditorDocument, geometry: LayoutGeometry): Map<string, string> {
  const groups = [...(doc.groups ?? [])].sort((a, b) => a.size.width * a.size.height - b.size.width * b.size.height);
  const owner = new Map<string, string>();
  const items = [...doc.nodes.map((n) => ({ id: n.id, position: n.position })), ...(doc.notes ?? [])];
  for (const item of items) {
    if (!item.position) continue;
    const rect: Rect = { ...item.position, ...geometry.sizeOf(item.id) };
    const g = groups.find((gr) => centreInside(rect, { ...gr.position, ...gr.size }));
    if (g) owner.set(item.id, g.id);
  }
  return owner;
}

/** Edge-to-edge distance (px) under which a free note belongs to the node or group beside it. */
export const NOTE_ANCHOR_PX = 60;

function gapPx(a: Rect, b: Rect): number {
  const dx = Math.max(0, a.x - (b.x + b.width), b.x - (a.x + a.width));
  const dy = Math.max(0, a.y - (b.y + b.height), b.y - (a.y + a.height));
  return Math.hypot(dx, dy);
}

/** For each note outside every group, the nearest node or group within NOTE_ANCHOR_PX of it. */
function noteAnchors(doc: EditorDocument, geometry: LayoutGeometry, owner: Map<string, string>): Map<string, string> {
  const targets: (Rect & { id: string })[] = [
    ...doc.nodes.flatMap((n) => (n.position ? [{ id: n.id, ...n.position, ...geometry.sizeOf(n.id) }] : [])),
    ...(doc.groups ?? []).map((g) => ({ id: g.id, ...g.position, ...g.size })),
  ];
  const anchors = new Map<string, string>();
  for (const note of doc.notes ?? []) {
    if (owner.has(note.id)) continue;
    const box = { ...note.position, ...note.size };
    let best: { id: string; gap: number } | null = null;
    for (const t of targets) {
      const gap = gapPx(box, t);
      if (gap <= NOTE_ANCHOR_PX && (!best || gap < best.gap)) best = { id: t.id, gap };
    }
    if (best) anchors.set(note.id, best.id);
  }
  return anchors;
}

export function elkGraphOf(doc: EditorDocument, geometry: LayoutGeometry): ElkNode {
  const owner = groupOfEach(doc, geometry);
  const ids = new Set(doc.nodes.map((n) => n.id));
  const groupChildren = new Map<string, ElkNode[]>((doc.groups ?? []).map((g) => [g.id, []]));
  const root: ElkNode[] = [];
  const place = (id: string, isNode: boolean) => {
    const g = owner.get(id);
    (g ? groupChildren.get(g)! : root).push(elkNodeFor(id, geometry, isNode));
  };
  for (const n of doc.nodes) place(n.id, true);
  for (const note of doc.notes ?? []) if (owner.has(note.id)) place(note.id, false);
  for (const g of doc.groups ?? []) {
    const children = groupChildren.get(g.id)!;
    // An empty group keeps its size (ELK would shrink it to its padding).
    if (children.length === 0) root.push({ id: g.id, ...g.size });
    else root.push({ id: g.id, children, layoutOptions: { 'elk.padding': GROUP_PADDING } });
  }
  const edges: ElkExtendedEdge[] = doc.edges
    .filter((e) => ids.has(e.from[0]) && ids.has(e.to[0]))
    .map((e, i) => ({ id: `e${i}`, sources: [portId(e.from[0], 'out', e.from[1])], targets: [portId(e.to[0], 'in', e.to[1])] }));
  return { id: 'root', layoutOptions: ROOT_OPTIONS, children: root, edges };
}

/** Absolute positions of every laid-out item, and the sizes ELK gave the groups. */
function flatten(laid: ElkNode, groupIds: Set<string>): { positions: Record<string, XY>; sizes: Record<string, Size> } {
  const positions: Record<string, XY> = {};
  const sizes: Record<string, Size> = {};
  const walk = (node: ElkNode, origin: XY) => {
    for (const c of node.children ?? []) {
      const at = { x: origin.x + (c.x ?? 0), y: origin.y + (c.y ?? 0) };
      positions[c.id] = at;
      if (groupIds.has(c.id)) sizes[c.id] = { width: c.width ?? 0, height: c.height ?? 0 };
      walk(c, at);
    }
  };
  walk(laid, { x: 0, y: 0 });
  return { positions, sizes };
}

/** Top-left corner of the items that have a position. */
function topLeft(points: XY[]): XY {
  return points.length === 0 ? { x: 0, y: 0 } : { x: Math.min(...points.map((p) => p.x)), y: Math.min(...points.map((p) => p.y)) };
}

/**
 * The changes that lay the document out (one commit makes it one undo step). The result
 * keeps the graph's top-left corner where it was, so the view does not jump away.
 */
export async function layoutChanges(elk: Pick<ELK, 'layout'>, doc: EditorDocument, geometry: LayoutGeometry): Promise<PipelineChange[]> {
  if (doc.nodes.length === 0) return [];
  const groupIds = new Set((doc.groups ?? []).map((g) => g.id));
  const laid = await elk.layout(elkGraphOf(doc, geometry));
  const { positions, sizes } = flatten(laid, groupIds);
  const before = topLeft([
    ...doc.nodes.flatMap((n) => (n.position ? [n.position] : [])),
    ...(doc.groups ?? []).map((g) => g.position),
  ]);
  const after = topLeft(Object.values(positions));
  const shift = { x: before.x - after.x, y: before.y - after.y };
  const moved: Record<string, XY> = {};
  for (const [id, p] of Object.entries(positions)) moved[id] = { x: Math.round(p.x + shift.x), y: Math.round(p.y + shift.y) };
  // A note beside a node or group keeps its place relative to it.
  const startOf = new Map<string, XY>([...doc.nodes.flatMap((n) => (n.position ? [[n.id, n.position] as const] : [])), ...(doc.groups ?? []).map((g) => [g.id, g.position] as const)]);
  for (const [noteId, anchor] of noteAnchors(doc, geometry, groupOfEach(doc, geometry))) {
    const note = doc.notes!.find((n) => n.id === noteId)!;
    const from = startOf.get(anchor)!;
    const to = moved[anchor];
    if (to) moved[noteId] = { x: note.position.x + to.x - from.x, y: note.position.y + to.y - from.y };
  }
  const resized: PipelineChange[] = Object.entries(sizes)
    .map(([id, size]) => ({ type: 'updateGroup' as const, id, patch: { size: { width: Math.round(size.width), height: Math.round(size.height) } } }));
  return [{ type: 'moveNodes', positions: moved }, ...resized];
}
