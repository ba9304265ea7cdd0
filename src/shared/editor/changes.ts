// Every edit of a pipeline document as plain data, and the one pure reducer that applies
// a batch of them. Undo/redo, autosave and the dirty flag all build on this.
import type { ParamValue } from '../catalog/types.ts';
import { WhittleError } from '../errors.ts';
import type { EditorDocument, EditorEdge, EditorNode, XY } from './types.ts';

export type PipelineChange =
  | { type: 'addNode'; node: EditorNode }
  | { type: 'removeNodes'; ids: string[] }
  | { type: 'moveNodes'; positions: Record<string, XY> }
  /** `value: undefined` removes the param so the kind's default applies. */
  | { type: 'setParam'; id: string; param: string; value: ParamValue | undefined }
  | { type: 'addEdge'; edge: EditorEdge }
  | { type: 'removeEdges'; keys: string[] }
  /** An empty label removes it, so the kind's title shows again. */
  | { type: 'setLabel'; id: string; label: string }
  | { type: 'rename'; name: string };

/** A stable id for an edge: `from.port->to.port`. */
export function edgeKey(edge: EditorEdge): string {
  return `${edge.from[0]}.${edge.from[1]}->${edge.to[0]}.${edge.to[1]}`;
}

function requireNode<D extends EditorDocument>(doc: D, id: string): EditorNode {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) throw new WhittleError('editor.unknown-node', `The pipeline has no node "${id}".`, 'The node may have been deleted; undo to bring it back.', id);
  return node;
}

function applyOne<D extends EditorDocument>(doc: D, change: PipelineChange): D {
  switch (change.type) {
    case 'addNode': {
      if (doc.nodes.some((n) => n.id === change.node.id)) {
        throw new WhittleError('editor.duplicate-node', `A node with id "${change.node.id}" already exists.`, 'Give the new node another id.', change.node.id);
      }
      return { ...doc, nodes: [...doc.nodes, change.node] };
    }
    case 'removeNodes': {
      const gone = new Set(change.ids);
      return {
        ...doc,
        nodes: doc.nodes.filter((n) => !gone.has(n.id)),
        edges: doc.edges.filter((e) => !gone.has(e.from[0]) && !gone.has(e.to[0])),
      };
    }
    case 'moveNodes': {
      for (const id of Object.keys(change.positions)) requireNode(doc, id);
      return {
        ...doc,
        nodes: doc.nodes.map((n) => {
          const p = change.positions[n.id];
          return p ? { ...n, position: { x: p.x, y: p.y } } : n;
        }),
      };
    }
    case 'setParam': {
      requireNode(doc, change.id);
      return {
        ...doc,
        nodes: doc.nodes.map((n) => {
          if (n.id !== change.id) return n;
          const params = { ...n.params };
          if (change.value === undefined) delete params[change.param];
          else params[change.param] = change.value;
          return { ...n, params };
        }),
      };
    }
    case 'addEdge': {
      requireNode(doc, change.edge.from[0]);
      requireNode(doc, change.edge.to[0]);
      const key = edgeKey(change.edge);
      if (doc.edges.some((e) => edgeKey(e) === key)) return doc;
      return { ...doc, edges: [...doc.edges, { from: [...change.edge.from], to: [...change.edge.to] }] };
    }
    case 'removeEdges': {
      const gone = new Set(change.keys);
      return { ...doc, edges: doc.edges.filter((e) => !gone.has(edgeKey(e))) };
    }
    case 'setLabel': {
      requireNode(doc, change.id);
      return {
        ...doc,
        nodes: doc.nodes.map((n) => {
          if (n.id !== change.id) return n;
          const next = { ...n };
          if (change.label) next.label = change.label;
          else delete next.label;
          return next;
        }),
      };
    }
    case 'rename':
      return { ...doc, name: change.name };
  }
}

/**
 * Applies changes in order and returns a new document; the input is never mutated and
 * untouched nodes keep their identity (so React can skip them). Throws a WhittleError
 * naming the node when a change refers to a node that does not exist.
 */
export function applyPipelineChanges<D extends EditorDocument>(doc: D, changes: readonly PipelineChange[]): D {
  let next = doc;
  for (const change of changes) next = applyOne(next, change);
  return next;
}
