// Every edit of a pipeline document as plain data, and the one pure reducer that applies
// a batch of them. Undo/redo, autosave and the dirty flag all build on this.
import type { ParamValue } from '../catalog/types.ts';
import { applySweepChange, type SweepChange } from './sweeps.ts';
import { WhittleError } from '../errors.ts';
import type { EditorDocument, EditorEdge, EditorGroup, EditorNode, EditorNote, XY } from './types.ts';

export type PipelineChange =
  | { type: 'addNode'; node: EditorNode }
  /** Removes nodes (and their edges), groups and notes by id. */
  | { type: 'removeNodes'; ids: string[] }
  /** Moves nodes, groups and notes by id. */
  | { type: 'moveNodes'; positions: Record<string, XY> }
  | { type: 'addGroup'; group: EditorGroup }
  | { type: 'addNote'; note: EditorNote }
  | { type: 'updateGroup'; id: string; patch: Partial<Omit<EditorGroup, 'id'>> }
  | { type: 'updateNote'; id: string; patch: Partial<Omit<EditorNote, 'id'>> }
  /** `value: undefined` removes the param so the kind's default applies. */
  | { type: 'setParam'; id: string; param: string; value: ParamValue | undefined }
  | { type: 'addEdge'; edge: EditorEdge }
  | { type: 'removeEdges'; keys: string[] }
  /** An empty label removes it, so the kind's title shows again. */
  | { type: 'setLabel'; id: string; label: string }
  | { type: 'rename'; name: string }
  | SweepChange;

/** A stable id for an edge: `from.port->to.port`. */
export function edgeKey(edge: EditorEdge): string {
  return `${edge.from[0]}.${edge.from[1]}->${edge.to[0]}.${edge.to[1]}`;
}

function requireNode<D extends EditorDocument>(doc: D, id: string): EditorNode {
  const node = doc.nodes.find((n) => n.id === id);
  if (!node) throw new WhittleError('editor.unknown-node', `The pipeline has no node "${id}".`, 'The node may have been deleted; undo to bring it back.', id);
  return node;
}

/** Ids of nodes, groups and notes share one namespace (they are all items on the canvas). */
function requireNewId(doc: EditorDocument, id: string): void {
  const taken = doc.nodes.some((n) => n.id === id) || (doc.groups ?? []).some((g) => g.id === id) || (doc.notes ?? []).some((n) => n.id === id);
  if (taken) throw new WhittleError('editor.duplicate-node', `A node with id "${id}" already exists.`, 'Give the new node another id.', id);
}

function requireItem(doc: EditorDocument, id: string): void {
  if ((doc.groups ?? []).some((g) => g.id === id) || (doc.notes ?? []).some((n) => n.id === id)) return;
  requireNode(doc, id);
}

/** `items` with each listed id moved; untouched items keep their identity. */
function moved<T extends { id: string; position?: XY }>(items: T[], positions: Record<string, XY>): T[] {
  return items.map((item) => {
    const p = positions[item.id];
    return p ? { ...item, position: { x: p.x, y: p.y } } : item;
  });
}

function patched<T extends { id: string }>(items: T[] | undefined, id: string, patch: Partial<Omit<NoInfer<T>, 'id'>>, what: string): T[] {
  const list = items ?? [];
  if (!list.some((i) => i.id === id)) throw new WhittleError('editor.unknown-node', `The pipeline has no ${what} "${id}".`, 'It may have been deleted; undo to bring it back.', id);
  return list.map((i) => (i.id === id ? { ...i, ...patch } : i));
}

type DecorChange = Extract<PipelineChange, { type: 'addGroup' | 'addNote' | 'updateGroup' | 'updateNote' }>;

function applyDecor<D extends EditorDocument>(doc: D, change: DecorChange): D {
  switch (change.type) {
    case 'addGroup':
      requireNewId(doc, change.group.id);
      return { ...doc, groups: [...(doc.groups ?? []), change.group] };
    case 'addNote':
      requireNewId(doc, change.note.id);
      return { ...doc, notes: [...(doc.notes ?? []), change.note] };
    case 'updateGroup':
      return { ...doc, groups: patched(doc.groups, change.id, change.patch, 'group') };
    case 'updateNote':
      return { ...doc, notes: patched(doc.notes, change.id, change.patch, 'note') };
  }
}

function applyOne<D extends EditorDocument>(doc: D, change: PipelineChange): D {
  switch (change.type) {
    case 'addGroup':
    case 'addNote':
    case 'updateGroup':
    case 'updateNote':
      return applyDecor(doc, change);
    case 'addNode': {
      requireNewId(doc, change.node.id);
      return { ...doc, nodes: [...doc.nodes, change.node] };
    }
    case 'removeNodes': {
      const gone = new Set(change.ids);
      const next = {
        ...doc,
        nodes: doc.nodes.filter((n) => !gone.has(n.id)),
        edges: doc.edges.filter((e) => !gone.has(e.from[0]) && !gone.has(e.to[0])),
      };
      if (doc.groups) next.groups = doc.groups.filter((g) => !gone.has(g.id));
      if (doc.notes) next.notes = doc.notes.filter((n) => !gone.has(n.id));
      return next;
    }
    case 'moveNodes': {
      for (const id of Object.keys(change.positions)) requireItem(doc, id);
      const next = { ...doc, nodes: moved(doc.nodes, change.positions) };
      if (doc.groups) next.groups = moved(doc.groups, change.positions);
      if (doc.notes) next.notes = moved(doc.notes, change.positions);
      return next;
    }
    case 'setSweep':
    case 'setSweepSettings':
      return applySweepChange(doc, change);
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
