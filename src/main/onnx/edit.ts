// Graph editing for passes: insert, remove and replace nodes in place on a Graph (passes
// call these on their own clone), keep the node list in topological order, drop dead code.
import { WhittleError } from '../../shared/errors.ts';
import type { Graph, Node } from './model.ts';
import { makeNode, renameUses, topologicalOrder, uniqueName } from './graph.ts';

function positionOf(graph: Graph, node: Node): number {
  const i = graph.node.indexOf(node);
  if (i < 0) throw new WhittleError('onnx.edit-missing-node', `Node '${node.name || node.output[0]}' (${node.opType}) is not in the graph.`);
  return i;
}

export function insertNodesBefore(graph: Graph, anchor: Node, nodes: Node[]): void {
  graph.node.splice(positionOf(graph, anchor), 0, ...nodes);
}

export function insertNodesAfter(graph: Graph, anchor: Node, nodes: Node[]): void {
  graph.node.splice(positionOf(graph, anchor) + 1, 0, ...nodes);
}

/** Put `nodes` where `old` was; `old`'s outputs must be produced by the new nodes or rewired by the caller. */
export function replaceNode(graph: Graph, old: Node, nodes: Node[]): void {
  graph.node.splice(positionOf(graph, old), 1, ...nodes);
}

/**
 * Remove a node. With `replacement`, every use of its first output reads `replacement`
 * instead; when that output is a graph output, an Identity keeps the output's name (a pass
 * must not change the model's interface).
 */
export function removeNode(graph: Graph, node: Node, replacement?: string): void {
  const i = positionOf(graph, node);
  graph.node.splice(i, 1);
  if (replacement === undefined) return;
  const out = node.output[0];
  const isGraphOutput = graph.output.some((o) => o.name === out);
  for (const n of graph.node) n.input = n.input.map((x) => (x === out ? replacement : x));
  if (isGraphOutput) {
    graph.node.splice(i, 0, makeNode('Identity', [replacement], [out], { name: uniqueName(graph, `${node.name || out}_identity`) }));
  }
}

/** Rename a value everywhere it is read, including graph outputs (changes the interface). */
export function renameValue(graph: Graph, from: string, to: string): void {
  renameUses(graph, from, to);
  for (const n of graph.node) n.output = n.output.map((o) => (o === from ? to : o));
}

/** Reorder the node list so producers precede consumers. */
export function sortTopologically(graph: Graph): void {
  graph.node = topologicalOrder(graph);
}

/** Drop nodes whose outputs nobody reads (repeatedly), then initializers nobody reads. */
export function removeDeadCode(graph: Graph): { nodes: number; initializers: number } {
  const outputs = new Set(graph.output.map((o) => o.name));
  let removedNodes = 0;
  for (;;) {
    const used = new Set<string>(outputs);
    for (const n of graph.node) for (const x of n.input) used.add(x);
    const keep = graph.node.filter((n) => n.output.some((o) => o && used.has(o)));
    if (keep.length === graph.node.length) break;
    removedNodes += graph.node.length - keep.length;
    graph.node = keep;
  }
  const used = new Set<string>(outputs);
  for (const n of graph.node) for (const x of n.input) used.add(x);
  const before = graph.initializer.length;
  const dropped = new Set(graph.initializer.filter((t) => !used.has(t.name)).map((t) => t.name));
  graph.initializer = graph.initializer.filter((t) => !dropped.has(t.name));
  // Older models list initializers among the graph inputs too; drop those entries with them.
  graph.input = graph.input.filter((v) => !dropped.has(v.name));
  return { nodes: removedNodes, initializers: before - graph.initializer.length };
}
