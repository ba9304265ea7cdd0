// "Run to here": the part of a pipeline one node needs, that node and everything upstream
// of it, as a document of its own. Runs take a whole document, so running this one runs
// the subgraph; the cache serves the upstream nodes that already ran.
import { WhittleError } from '../errors.ts';
import type { EditorDocument } from './types.ts';

/** The ids of `nodeId` and of every node it depends on, through any chain of edges. */
export function upstreamIds(doc: EditorDocument, nodeId: string): Set<string> {
  if (!doc.nodes.some((n) => n.id === nodeId)) {
    throw new WhittleError('editor.unknown-node', `The pipeline has no node "${nodeId}".`, 'The node may have been deleted; pick one on the canvas.', nodeId);
  }
  const into = new Map<string, string[]>();
  for (const e of doc.edges) into.set(e.to[0], [...(into.get(e.to[0]) ?? []), e.from[0]]);
  const keep = new Set([nodeId]);
  const pending = [nodeId];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    for (const from of into.get(id) ?? []) {
      if (!keep.has(from)) {
        keep.add(from);
        pending.push(from);
      }
    }
  }
  return keep;
}

/** `doc` cut down to `nodeId` and its upstream: the nodes and the edges among them (groups and notes kept; runs ignore them). */
export function upstreamDocument<D extends EditorDocument>(doc: D, nodeId: string): D {
  const keep = upstreamIds(doc, nodeId);
  return { ...doc, nodes: doc.nodes.filter((n) => keep.has(n.id)), edges: doc.edges.filter((e) => keep.has(e.from[0]) && keep.has(e.to[0])) };
}
