// Copy, paste and duplicate of a selection: pasted nodes get fresh ids, edges whose two
// ends are both inside the selection come along (re-pointed), edges leaving it do not.
import type { PipelineChange } from './changes.ts';
import { freshNodeId } from './ids.ts';
import type { EditorDocument, EditorEdge, EditorNode, XY } from './types.ts';

export interface PipelineClipboard {
  format: 'whittle.clipboard';
  nodes: EditorNode[];
  edges: EditorEdge[];
}

/** Nodes are plain JSON, so a JSON round trip is a full deep copy. */
function cloneNode(node: EditorNode): EditorNode {
  return JSON.parse(JSON.stringify(node)) as EditorNode;
}

export function copySelection(doc: EditorDocument, nodeIds: Iterable<string>): PipelineClipboard {
  const ids = new Set(nodeIds);
  return {
    format: 'whittle.clipboard',
    nodes: doc.nodes.filter((n) => ids.has(n.id)).map(cloneNode),
    edges: doc.edges.filter((e) => ids.has(e.from[0]) && ids.has(e.to[0])).map((e) => ({ from: [...e.from], to: [...e.to] })),
  };
}

export interface PastePlan {
  changes: PipelineChange[];
  /** Ids of the pasted nodes, in clipboard order (to select them afterwards). */
  newIds: string[];
}

/** Plans the changes that paste `clip` into `doc`, shifted by `offset`. */
export function planPaste(doc: EditorDocument, clip: PipelineClipboard, offset: XY = { x: 40, y: 40 }): PastePlan {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const rename = new Map<string, string>();
  const changes: PipelineChange[] = [];
  for (const node of clip.nodes) {
    const id = freshNodeId(node.kind, taken);
    taken.add(id);
    rename.set(node.id, id);
    const pos = node.position ?? { x: 0, y: 0 };
    changes.push({ type: 'addNode', node: { ...cloneNode(node), id, position: { x: pos.x + offset.x, y: pos.y + offset.y } } });
  }
  for (const edge of clip.edges) {
    const from = rename.get(edge.from[0]);
    const to = rename.get(edge.to[0]);
    if (from && to) changes.push({ type: 'addEdge', edge: { from: [from, edge.from[1]], to: [to, edge.to[1]] } });
  }
  return { changes, newIds: [...rename.values()] };
}

export function planDuplicate(doc: EditorDocument, nodeIds: Iterable<string>, offset: XY = { x: 40, y: 40 }): PastePlan {
  return planPaste(doc, copySelection(doc, nodeIds), offset);
}

/** Reads clipboard text back; anything that is not a Whittle clipboard gives null. */
export function parseClipboard(text: string): PipelineClipboard | null {
  try {
    const value = JSON.parse(text) as Partial<PipelineClipboard>;
    if (value?.format !== 'whittle.clipboard' || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) return null;
    const nodesOk = value.nodes.every((n) => typeof n?.id === 'string' && typeof n?.kind === 'string' && typeof n?.params === 'object' && n.params !== null);
    const edgesOk = value.edges.every((e) => Array.isArray(e?.from) && Array.isArray(e?.to) && e.from.length === 2 && e.to.length === 2);
    return nodesOk && edgesOk ? (value as PipelineClipboard) : null;
  } catch {
    return null;
  }
}
