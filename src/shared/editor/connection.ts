// Whether an output port may feed an input port, and if not, a sentence saying why.
// The editor asks before adding an edge; a refused connection shows its reason.
import type { NodeKindSpec, PortSpec } from '../catalog/types.ts';
import { edgeKey } from './changes.ts';
import type { EditorDocument, EditorEdge } from './types.ts';

export type KindLookup = (kind: string) => NodeKindSpec | undefined;

export interface ConnectionRequest {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export type ConnectionVerdict =
  | { ok: true; edge: EditorEdge; /** The edge already feeding that input, which the new one replaces. */ replaces?: EditorEdge }
  | { ok: false; reason: string };

function title(doc: EditorDocument, id: string, lookup: KindLookup): string {
  const node = doc.nodes.find((n) => n.id === id);
  const spec = node ? lookup(node.kind) : undefined;
  return spec ? `${spec.title} (${id})` : `"${id}"`;
}

/** True when `to` can already reach `from` through the edges, so from->to closes a cycle. */
function reaches(doc: EditorDocument, start: string, goal: string): boolean {
  const out = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = out.get(e.from[0]) ?? [];
    list.push(e.to[0]);
    out.set(e.from[0], list);
  }
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop() as string;
    if (id === goal) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  return false;
}

function findPort(ports: PortSpec[], name: string): PortSpec | undefined {
  return ports.find((p) => p.name === name);
}

export function checkConnection(doc: EditorDocument, req: ConnectionRequest, lookup: KindLookup): ConnectionVerdict {
  if (req.source === req.target) return { ok: false, reason: 'A node cannot feed itself.' };
  const sourceNode = doc.nodes.find((n) => n.id === req.source);
  const targetNode = doc.nodes.find((n) => n.id === req.target);
  if (!sourceNode || !targetNode) return { ok: false, reason: 'One end of this connection is no longer in the pipeline.' };
  const sourceSpec = lookup(sourceNode.kind);
  const targetSpec = lookup(targetNode.kind);
  if (!sourceSpec) return { ok: false, reason: `Unknown node kind "${sourceNode.kind}" on ${req.source}.` };
  if (!targetSpec) return { ok: false, reason: `Unknown node kind "${targetNode.kind}" on ${req.target}.` };
  const out = findPort(sourceSpec.outputs, req.sourcePort);
  const input = findPort(targetSpec.inputs, req.targetPort);
  if (!out) return { ok: false, reason: `${title(doc, req.source, lookup)} has no output "${req.sourcePort}".` };
  if (!input) return { ok: false, reason: `${title(doc, req.target, lookup)} has no input "${req.targetPort}".` };
  if (out.type !== input.type) {
    return {
      ok: false,
      reason: `Type mismatch: the ${out.type} output "${out.label}" of ${title(doc, req.source, lookup)} cannot feed the ${input.type} input "${input.label}" of ${title(doc, req.target, lookup)}.`,
    };
  }
  const edge: EditorEdge = { from: [req.source, req.sourcePort], to: [req.target, req.targetPort] };
  if (doc.edges.some((e) => edgeKey(e) === edgeKey(edge))) return { ok: false, reason: 'These two ports are already connected.' };
  if (reaches(doc, req.target, req.source)) {
    return { ok: false, reason: `This connection would make a cycle: ${title(doc, req.target, lookup)} already feeds ${title(doc, req.source, lookup)}.` };
  }
  const replaces = doc.edges.find((e) => e.to[0] === req.target && e.to[1] === req.targetPort);
  return replaces ? { ok: true, edge, replaces } : { ok: true, edge };
}
