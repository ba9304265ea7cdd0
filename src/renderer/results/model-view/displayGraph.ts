// What the model view draws, derived from the model's graph without React: optionally each
// int8 group (DequantizeLinear inputs -> op -> QuantizeLinear) folded into one node, as
// Netron users read a QDQ model, and the search over node names and op types.
import type { GraphEdge, GraphNode, ModelGraph } from '../../../shared/api/models.ts';

export interface DisplayNode extends GraphNode {
  /** The graph's nodes this one stands for (itself, or a fused group's members in order). */
  members: GraphNode[];
  /** True for a DQ -> op -> Q group drawn as one node. */
  fused: boolean;
}

export interface DisplayGraph {
  nodes: DisplayNode[];
  edges: GraphEdge[];
  /** Number of fused groups (0 when fusing is off or the model has no QDQ pairs). */
  fusedGroups: number;
}

const QDQ = new Set(['QuantizeLinear', 'DequantizeLinear']);

/** True when the graph has QuantizeLinear / DequantizeLinear nodes worth folding. */
export function hasQdq(graph: ModelGraph): boolean {
  return graph.nodes.some((n) => QDQ.has(n.opType));
}

function single(node: GraphNode): DisplayNode {
  return { ...node, members: [node], fused: false };
}

/**
 * Fold every operator with the DequantizeLinear nodes that feed only it and the one
 * QuantizeLinear that alone consumes its output. Edges between folded members vanish;
 * edges into or out of a group attach to the group. Values keep their names and shapes.
 */
export function fuseQdqGroups(graph: ModelGraph): DisplayGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const preds = new Map<string, GraphEdge[]>();
  const succs = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    (preds.get(e.to) ?? preds.set(e.to, []).get(e.to)!).push(e);
    (succs.get(e.from) ?? succs.set(e.from, []).get(e.from)!).push(e);
  }
  const groupOf = new Map<string, string>();
  const groups = new Map<string, GraphNode[]>();
  for (const op of graph.nodes) {
    if (QDQ.has(op.opType) || op.opType === 'Input' || op.opType === 'Output') continue;
    const dqs = (preds.get(op.id) ?? []).map((e) => byId.get(e.from)!)
      .filter((p) => p.opType === 'DequantizeLinear' && !groupOf.has(p.id) && (succs.get(p.id) ?? []).every((e) => e.to === op.id));
    const outs = succs.get(op.id) ?? [];
    const q = outs.length === 1 ? byId.get(outs[0].to) : undefined;
    const quantizer = q?.opType === 'QuantizeLinear' && !groupOf.has(q.id) ? q : undefined;
    if (dqs.length === 0 && !quantizer) continue;
    const members = [...dqs, op, ...(quantizer ? [quantizer] : [])];
    for (const m of members) groupOf.set(m.id, op.id);
    groups.set(op.id, members);
  }
  const nodes: DisplayNode[] = [];
  for (const n of graph.nodes) {
    const leader = groupOf.get(n.id);
    if (leader === undefined) nodes.push(single(n));
    else if (leader === n.id) nodes.push({ ...n, id: `fused:${n.id}`, members: groups.get(n.id)!, fused: true });
  }
  const displayId = (id: string) => (groupOf.has(id) ? `fused:${groupOf.get(id)}` : id);
  const edges = graph.edges
    .map((e) => ({ ...e, from: displayId(e.from), to: displayId(e.to) }))
    .filter((e) => e.from !== e.to);
  return { nodes, edges, fusedGroups: groups.size };
}

/** The graph as drawn: one display node per graph node, or with int8 groups folded. */
export function displayGraph(graph: ModelGraph, fuse: boolean): DisplayGraph {
  if (fuse) return fuseQdqGroups(graph);
  return { nodes: graph.nodes.map(single), edges: graph.edges, fusedGroups: 0 };
}

/** Display nodes whose name, op type or a member's name contains the query (case-insensitive), in graph order. */
export function searchNodes(display: DisplayGraph, query: string): DisplayNode[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  return display.nodes.filter((n) => n.members.some((m) => m.name.toLowerCase().includes(q) || m.opType.toLowerCase().includes(q)));
}
