// Which layers carry prunable weights (Conv/Gemm/MatMul with a float initializer), where
// their input/output axes are, and why a layer is skipped. Shared by every prune/share pass.
import type { Graph, Model, Node, Tensor } from '../../onnx/model.ts';
import { attrInt, GraphIndex } from '../../onnx/graph.ts';
import { DataType } from '../../onnx/proto.ts';
import { WhittleError } from '../../../shared/errors.ts';

export interface WeightLayer {
  /** Node name, or the weight's name when the node has none. */
  name: string;
  node: Node;
  opType: string;
  /** Name of the initializer holding the weight (after following Identity nodes). */
  weightName: string;
  weight: Tensor;
  dims: number[];
  /** Axis of the weight that runs over output channels/features. */
  outAxis: number;
  /** Axis that runs over input channels/features (within one conv group). */
  inAxis: number;
  /** Conv group count (1 for Gemm/MatMul). */
  groups: number;
}

export interface LayerSkip {
  layer: string;
  reason: string;
}

export interface LayerFilter {
  /** Layer (node) names or weight names to leave alone. */
  skip?: string[];
  /** Layers with fewer weights than this are left alone. */
  minSize?: number;
}

/** Follow Identity nodes from a value back to the initializer they copy, if any. */
export function resolveInitializer(index: GraphIndex, value: string): Tensor | undefined {
  let name = value;
  for (let hops = 0; hops < 8; hops++) {
    const t = index.initializers.get(name);
    if (t) return t;
    const p = index.producer.get(name);
    if (!p || p.opType !== 'Identity') return undefined;
    name = p.input[0];
  }
  return undefined;
}

/** Whether a value is computed from a graph input (an activation), not from stored tensors alone. */
function readsGraphInput(index: GraphIndex, value: string): boolean {
  const seen = new Set<string>();
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (!v || seen.has(v) || index.initializers.has(v)) continue;
    seen.add(v);
    if (index.inputs.has(v)) return true;
    const p = index.producer.get(v);
    if (p) stack.push(...p.input);
  }
  return false;
}

export function layerName(node: Node): string {
  return node.name || node.output[0];
}

function axesOf(node: Node, rank: number): { outAxis: number; inAxis: number } | string {
  if (node.opType === 'Conv') {
    if (rank < 3) return `its weight has rank ${rank}`;
    return { outAxis: 0, inAxis: 1 };
  }
  if (rank !== 2) return `its weight has rank ${rank}, not 2`;
  if (node.opType === 'Gemm') {
    return attrInt(node, 'transB', 0) ? { outAxis: 0, inAxis: 1 } : { outAxis: 1, inAxis: 0 };
  }
  return { outAxis: 1, inAxis: 0 };
}

/**
 * Every Conv/Gemm/MatMul of the graph, split into layers a pass may change and layers it
 * must leave alone (with the reason, so the node can list them).
 */
export function findWeightLayers(model: Model, filter: LayerFilter = {}): { layers: WeightLayer[]; skipped: LayerSkip[] } {
  const graph: Graph = model.graph;
  const index = new GraphIndex(graph);
  const skip = new Set(filter.skip ?? []);
  const layers: WeightLayer[] = [];
  const skipped: LayerSkip[] = [];
  for (const node of graph.node) {
    if (node.opType !== 'Conv' && node.opType !== 'Gemm' && node.opType !== 'MatMul') continue;
    if (node.domain && node.domain !== 'ai.onnx') continue;
    const name = layerName(node);
    const weightValue = node.input[1];
    if (node.opType === 'Gemm' && attrInt(node, 'transA', 0)) {
      skipped.push({ layer: name, reason: 'Gemm with transA is not supported' });
      continue;
    }
    const weight = resolveInitializer(index, weightValue);
    // Attention's Q·Kᵀ and weights·V multiply two activations: not a layer with a weight at all.
    if (!weight && !index.inputs.has(weightValue) && readsGraphInput(index, weightValue)) continue;
    if (!weight) {
      const isInput = graph.input.some((v) => v.name === weightValue);
      skipped.push({ layer: name, reason: isInput ? `its weight '${weightValue}' is a graph input, not an initializer` : `its weight '${weightValue}' is computed in the graph, not stored` });
      continue;
    }
    if (skip.has(name) || skip.has(weight.name)) {
      skipped.push({ layer: name, reason: 'listed in the layers to skip' });
      continue;
    }
    if (weight.dataType !== DataType.FLOAT) {
      skipped.push({ layer: name, reason: 'its weight is not float32' });
      continue;
    }
    const dims = weight.dims.map(Number);
    const axes = axesOf(node, dims.length);
    if (typeof axes === 'string') {
      skipped.push({ layer: name, reason: axes });
      continue;
    }
    const count = dims.reduce((a, b) => a * b, 1);
    if (filter.minSize !== undefined && count < filter.minSize) {
      skipped.push({ layer: name, reason: `${count} weights, fewer than the minimum layer size ${filter.minSize}` });
      continue;
    }
    const groups = node.opType === 'Conv' ? attrInt(node, 'group', 1) : 1;
    layers.push({ name, node, opType: node.opType, weightName: weight.name, weight, dims, ...axes, groups });
  }
  return { layers, skipped };
}

/** Throws the error every pass gives when nothing in the model can be changed. */
export function requireLayers(layers: unknown[], skipped: LayerSkip[], what: string): void {
  if (layers.length > 0) return;
  const why = skipped.length > 0
    ? ` Skipped: ${skipped.slice(0, 4).map((s) => `${s.layer} (${s.reason})`).join('; ')}${skipped.length > 4 ? '; …' : ''}.`
    : ' It has no Conv, Gemm or MatMul layer with a stored weight.';
  throw new WhittleError('prune.no-prunable-layer', `The model has no layer ${what} can change.${why}`, 'Check the layers to skip and the minimum layer size, or use a model with Conv/Gemm/MatMul layers whose weights are initializers.');
}

/** Copy of `data` keeping only indices `keep` along `axis` of a tensor of shape `dims`. */
export function sliceAxis(data: Float32Array, dims: readonly number[], axis: number, keep: readonly number[]): Float32Array {
  const size = dims[axis];
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(outer * keep.length * inner);
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const c of keep) {
      const base = (o * size + c) * inner;
      out.set(data.subarray(base, base + inner), k);
      k += inner;
    }
  }
  return out;
}
