// Which constant tensors a storage stage can rewrite: every value that is constant (an
// initializer, a sparse initializer, or computed only from those) and read by a node that
// is not, together with the constant nodes and initializers that build it now. A QDQ
// weight is packed at its integer input, so the DequantizeLinear stays for ORT's fusion.
import type { Model, Node } from '../../onnx/model.ts';
import { GraphIndex, attrInt } from '../../onnx/graph.ts';
import { DataType } from '../../onnx/proto.ts';
import { resolveWeight } from '../../onnx/weights.ts';
import { sparseName } from '../../onnx/sparse.ts';
import { layerName } from '../prune/layers.ts';
import type { PackTensor } from './forms.ts';

export interface Packable extends PackTensor {
  layers: string[];
  /** Constant nodes that compute the value now (empty when it is an initializer). */
  nodes: Node[];
  /** Initializers and sparse initializers those nodes (or the value itself) are stored in. */
  stored: string[];
}

const PACKABLE_TYPES = new Set<number>([DataType.FLOAT, DataType.INT8, DataType.UINT8]);
/** Ops whose output is never folded into a constant by this stage. */
const NOT_FOLDABLE = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

function constantValues(model: Model, index: GraphIndex): Set<string> {
  const constant = new Set<string>(index.initializers.keys());
  for (const v of model.graph.input) constant.delete(v.name);
  for (const n of model.graph.node) {
    if (NOT_FOLDABLE.has(n.opType) || n.attribute.some((a) => a.g || (a.graphs?.length ?? 0) > 0)) continue;
    const inputs = n.input.filter((i) => i);
    if (inputs.length > 0 && inputs.every((i) => constant.has(i))) for (const o of n.output) constant.add(o);
  }
  return constant;
}

/** Element type of a constant value, following the ops a storage chain is made of. */
function valueType(index: GraphIndex, value: string, depth = 0): number | undefined {
  const init = index.initializers.get(value);
  if (init) return init.dataType;
  const p = index.producer.get(value);
  if (!p || depth > 16) return undefined;
  if (p.opType === 'Cast') return attrInt(p, 'to', 0);
  if (p.opType === 'DequantizeLinear') return attrInt(p, 'output_dtype', 0) || DataType.FLOAT;
  if (p.opType === 'Gather') return valueType(index, p.input[0], depth + 1);
  return valueType(index, p.input[0], depth + 1);
}

/** The nodes computing `value` from stored tensors, and those tensors. */
function cone(index: GraphIndex, value: string): { nodes: Node[]; stored: string[] } {
  const nodes: Node[] = [];
  const stored = new Set<string>();
  const visit = (v: string): void => {
    if (index.initializers.has(v)) { stored.add(v); return; }
    const p = index.producer.get(v);
    if (!p || nodes.includes(p)) return;
    nodes.push(p);
    for (const i of p.input) if (i) visit(i);
  };
  visit(value);
  return { nodes, stored: [...stored] };
}

function boundaryValues(model: Model, index: GraphIndex, constant: Set<string>): string[] {
  const out = new Set<string>();
  for (const n of model.graph.node) {
    const isConstantNode = n.output.every((o) => !o || constant.has(o)) && n.input.some((i) => i);
    if (isConstantNode) continue;
    for (const i of n.input) if (i && constant.has(i)) out.add(i);
  }
  for (const o of model.graph.output) if (constant.has(o.name)) out.add(o.name);
  // A QDQ weight is packed at its integer input: DequantizeLinear stays for ORT's int8 fusion.
  return [...out].flatMap((v) => {
    const p = index.producer.get(v);
    return p?.opType === 'DequantizeLinear' && constant.has(p.input[0]) ? [p.input[0]] : [v];
  });
}

/** Constant tensors of at least `minElements` elements that a storage form can hold. */
export function findPackables(model: Model, minElements: number): Packable[] {
  const index = new GraphIndex(model.graph);
  const constant = constantValues(model, index);
  const found: Packable[] = [];
  for (const value of boundaryValues(model, index, constant)) {
    const dataType = valueType(index, value);
    if (dataType === undefined || !PACKABLE_TYPES.has(dataType)) continue;
    const w = resolveWeight(index, value);
    if (!w) continue;
    const elements = w.dims.reduce((a, b) => a * b, 1);
    if (elements < minElements) continue;
    const { nodes, stored } = cone(index, value);
    const layers = index.consumersOf(value).map(layerName);
    found.push({ value, dims: w.dims, dataType, values: w.values(), layers, nodes, stored });
  }
  return found;
}

/** Names of the sparse initializers of a model. */
export function sparseNames(model: Model): string[] {
  return (model.graph.sparseInitializer ?? []).map(sparseName);
}
