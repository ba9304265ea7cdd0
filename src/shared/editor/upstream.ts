// "Run to here": the part of a pipeline one node needs, that node and everything upstream
// of it, as a document of its own. Runs take a whole document, so running this one runs
// the subgraph; the cache serves the upstream nodes that already ran.
import { WhittleError } from '../errors.ts';
import { downstreamOf } from '../graph/order.ts';
import type { EditorDocument } from './types.ts';

/** The ids of `nodeId` and of every node it depends on, through any chain of edges. */
export function upstreamIds(doc: EditorDocument, nodeId: string): Set<string> {
  if (!doc.nodes.some((n) => n.id === nodeId)) {
    throw new WhittleError('editor.unknown-node', `The pipeline has no node "${nodeId}".`, 'The node may have been deleted; pick one on the canvas.', nodeId);
  }
  // Upstream is downstream along the reversed edges.
  const reversed = doc.edges.map((e) => ({ from: e.to[0], to: e.from[0] }));
  return new Set([nodeId, ...downstreamOf([nodeId], reversed)]);
}

/** `doc` cut down to `nodeId` and its upstream: the nodes and the edges among them (groups and notes kept; runs ignore them). */
export function upstreamDocument<D extends EditorDocument>(doc: D, nodeId: string): D {
  const keep = upstreamIds(doc, nodeId);
  return { ...doc, nodes: doc.nodes.filter((n) => keep.has(n.id)), edges: doc.edges.filter((e) => keep.has(e.from[0]) && keep.has(e.to[0])) };
}
