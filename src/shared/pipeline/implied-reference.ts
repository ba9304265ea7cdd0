// The reference an Evaluate node compares with when none is wired: the last model of its
// chain before the first compressing step (prune, share, quantize, pack, distill, a
// sensitivity proposal) — "the unmodified model". A model that nothing compressed has none.
import type { NodeKindSpec } from '../catalog/types.ts';
import type { PipelineDocument } from './document.ts';

/** The input port an Evaluate node's implied reference arrives on (added by the planner). */
export const IMPLIED_REFERENCE_PORT = 'impliedReference';

const COMPRESSING_OUTSIDE_COMPRESS = new Set(['distill', 'sensitivity']);

export function compresses(spec: NodeKindSpec | undefined): boolean {
  return spec !== undefined && (spec.category === 'Compress' || COMPRESSING_OUTSIDE_COMPRESS.has(spec.kind));
}

/** The edge feeding a node's first wired model input (a distillation's teacher, a pass's model). */
export function modelSourceOf(doc: PipelineDocument, nodeId: string, spec: NodeKindSpec | undefined): [string, string] | undefined {
  for (const port of spec?.inputs.filter((p) => p.type === 'model') ?? []) {
    const edge = doc.edges.find((e) => e.to[0] === nodeId && e.to[1] === port.name);
    if (edge) return [edge.from[0], edge.from[1]];
  }
  return undefined;
}

/**
 * The [node, port] of the model `evaluateId`'s model input should be compared with, or
 * undefined when its Reference is wired, or the model went through no compressing step.
 */
export function impliedReference(doc: PipelineDocument, evaluateId: string, kinds: ReadonlyMap<string, NodeKindSpec>): [string, string] | undefined {
  if (doc.edges.some((e) => e.to[0] === evaluateId && e.to[1] === 'reference')) return undefined;
  const modelEdge = doc.edges.find((e) => e.to[0] === evaluateId && e.to[1] === 'model');
  if (!modelEdge) return undefined;
  const kindOf = (id: string) => kinds.get(doc.nodes.find((n) => n.id === id)?.kind ?? '');
  // Walk up from the evaluated model; remember the input of the highest compressing step.
  let current: [string, string] = [modelEdge.from[0], modelEdge.from[1]];
  let reference: [string, string] | undefined;
  for (let depth = 0; depth < doc.nodes.length; depth++) {
    const spec = kindOf(current[0]);
    const source = modelSourceOf(doc, current[0], spec);
    if (!source) break;
    if (compresses(spec)) reference = source;
    current = source;
  }
  return reference;
}

/** True when a compressing step lies on the model chain that ends at `nodeId` (itself included). */
export function chainCompressed(doc: PipelineDocument, nodeId: string, kinds: ReadonlyMap<string, NodeKindSpec>): boolean {
  let current: string | undefined = nodeId;
  for (let depth = 0; current !== undefined && depth <= doc.nodes.length; depth++) {
    const id: string = current;
    const spec = kinds.get(doc.nodes.find((n) => n.id === id)?.kind ?? '');
    if (compresses(spec)) return true;
    current = modelSourceOf(doc, id, spec)?.[0];
  }
  return false;
}
