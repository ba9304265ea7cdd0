// Model statistics: parameters and non-zero parameters, MACs per layer and total, sizes,
// opset, ops histogram, inputs and outputs. What is counted is stated once, here:
// - Parameters: elements of constant weights feeding a layer, resolved through
//   Identity/Cast/Reshape/Transpose/DequantizeLinear/Gather chains (a clustered or QDQ weight
//   counts as one parameter per weight element of its layer). BatchNormalization's scale and
//   bias are parameters; its running mean and variance are buffers (as in PyTorch's counts).
//   Operator arguments (shape vectors, Clip bounds, scales, axes) are not parameters.
//   A weight shared by several layers is counted once, for the first.
// - MACs: multiply-accumulates of Conv, ConvTranspose, Gemm and MatMul (and their integer /
//   QLinear forms) at batch 1; bias adds, BatchNormalization, activations, pooling and
//   elementwise ops are not counted — the convention of the published figures.
import { gzipSync } from 'node:zlib';
import type { Model, Node } from './model.ts';
import { encodeModel, opsetVersion } from './model.ts';
import { GraphIndex, valueInfoDims, valueInfoElemType } from './graph.ts';
import { dataTypeName } from './tensor.ts';
import { inferShapes, isStaticShape, type Shape } from './shapes.ts';
import { resolveWeight, type ResolvedWeight } from './weights.ts';
import { loadModelFileWithInfo } from './file.ts';

export interface LayerStats {
  /** Node name, or its first output when unnamed. */
  name: string;
  opType: string;
  params: number;
  nonZeroParams: number;
  /** 1 - nonZero / params; 0 for a layer without parameters. */
  sparsity: number;
  /** Multiply-accumulates at batch 1; null when the shapes could not be inferred. */
  macs: number | null;
  /** Dims of the main weight, when the layer has one. */
  weightDims?: number[];
  weightEncoding?: ResolvedWeight['encoding'];
  /**
   * Constants (initializer or Constant output names) the layer's parameters are stored in:
   * values, quantized values, scales, zero points, codebooks, indices and offsets. Like its
   * parameters, a tensor several layers read is listed once, with the first of them.
   */
  weightSources: string[];
  outputShape?: Shape;
}

export interface TensorSummary {
  name: string;
  dims: (number | string)[] | undefined;
  elemType: string;
}

export interface ModelStats {
  params: number;
  nonZeroParams: number;
  sparsity: number;
  macs: number;
  /** Layers whose MACs are unknown (shapes not inferable statically). */
  macsUnknownLayers: number;
  layers: LayerStats[];
  opset: number | undefined;
  irVersion: number;
  producer: string;
  nodeCount: number;
  opsHistogram: Record<string, number>;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  /** Bytes on disk (model file plus external data) when known. */
  sizeBytes?: number;
  gzipSizeBytes?: number;
}

/** Input slots holding a layer's parameters; every other input is data or an argument. */
const PARAM_SLOTS: Record<string, number[]> = {
  Conv: [1, 2], ConvTranspose: [1, 2], ConvInteger: [1], QLinearConv: [3, 8],
  Gemm: [0, 1, 2], MatMul: [0, 1], MatMulInteger: [0, 1], QLinearMatMul: [0, 3],
  BatchNormalization: [1, 2], InstanceNormalization: [1, 2], LayerNormalization: [1, 2],
  GroupNormalization: [1, 2], PRelu: [1], Add: [0, 1], Mul: [0, 1], Sub: [0, 1], Div: [1],
};
/** Ops whose constant inputs are arguments, never parameters. */
const MAC_OPS = new Set(['Conv', 'ConvInteger', 'QLinearConv', 'ConvTranspose', 'Gemm', 'MatMul', 'MatMulInteger', 'QLinearMatMul']);

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function countNonZero(values: Float32Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
  return n;
}

function weightSlot(op: string): number {
  return op === 'QLinearConv' || op === 'QLinearMatMul' ? 3 : 1;
}

/**
 * A layer's MACs, or null when unknown. A count past 2^53 is no real layer (the largest
 * networks are near 1e13 per layer): it comes from absurd dims in the file, and is reported
 * as unknown instead of printing figures like "4.5e27 G".
 */
function layerMacs(node: Node, shapes: Map<string, Shape>, weightDims: number[] | undefined): number | null {
  const macs = layerMacsRaw(node, shapes, weightDims);
  return macs === null || Number.isSafeInteger(macs) ? macs : null;
}

function layerMacsRaw(node: Node, shapes: Map<string, Shape>, weightDims: number[] | undefined): number | null {
  const out = shapes.get(node.output[0]);
  const a = shapes.get(node.input[0]);
  const w = weightDims ?? shapes.get(node.input[weightSlot(node.opType)]);
  switch (node.opType) {
    case 'Conv': case 'ConvInteger': case 'QLinearConv':
      return isStaticShape(out) && isStaticShape(w) ? product(out) * product(w.slice(1)) : null;
    case 'ConvTranspose':
      return isStaticShape(a) && isStaticShape(w) ? product(a) * product(w.slice(1)) : null;
    case 'Gemm': {
      if (!isStaticShape(out) || !isStaticShape(a)) return null;
      const transA = node.attribute.find((x) => x.name === 'transA')?.i;
      return product(out) * (Number(transA ?? 0) ? a[0] : a[1]);
    }
    case 'MatMul': case 'MatMulInteger': case 'QLinearMatMul':
      return isStaticShape(out) && isStaticShape(a) ? product(out) * a[a.length - 1] : null;
    default:
      return 0;
  }
}

function summary(v: { name: string; type?: unknown }, dims: (number | string)[] | undefined, elemType: number): TensorSummary {
  return { name: v.name, dims, elemType: dataTypeName(elemType).toLowerCase() };
}

/** What earlier layers already count: the tensors holding their parameters' elements, and every tensor they store. */
interface Claims { elements: Set<string>; stored: Set<string> }

/** One node's figures, or undefined when it has neither parameters nor MACs. `claimed` avoids counting a shared weight twice. */
function layerOf(node: Node, index: GraphIndex, shapes: Map<string, Shape>, dimsOf: (name: string) => number[] | undefined, claimed: Claims): LayerStats | undefined {
  // A node that only re-encodes a constant (DequantizeLinear, Gather of a codebook...) belongs to its consumer.
  if (node.output[0] && resolveWeight(index, node.output[0], dimsOf)) return undefined;
  const isMacOp = MAC_OPS.has(node.opType);
  let params = 0;
  let nonZero = 0;
  let main: ResolvedWeight | undefined;
  const sources: string[] = [];
  for (const slot of PARAM_SLOTS[node.opType] ?? []) {
    const w = resolveWeight(index, node.input[slot] ?? '', dimsOf);
    if (!w) continue;
    if (slot === weightSlot(node.opType) || (!main && isMacOp)) main ??= w;
    // Scalars on elementwise ops are constants of the formula (x * 0.5), not parameters.
    if (!isMacOp && product(w.dims) <= 1) continue;
    for (const s of w.sources) {
      if (!claimed.stored.has(s)) { claimed.stored.add(s); sources.push(s); }
    }
    // Only the tensor holding the elements is claimed: scales and codebooks are shared
    // between a layer's weight and bias (QDQ) or between layers without being parameters twice.
    if (claimed.elements.has(w.sources[0])) continue;
    claimed.elements.add(w.sources[0]);
    const values = w.values();
    params += values.length;
    nonZero += countNonZero(values);
  }
  const macs = isMacOp ? layerMacs(node, shapes, main?.dims) : 0;
  if (params === 0 && macs === 0) return undefined;
  const layer: LayerStats = {
    name: node.name || node.output[0], opType: node.opType, params, nonZeroParams: nonZero,
    sparsity: params > 0 ? 1 - nonZero / params : 0, macs, weightSources: sources, outputShape: shapes.get(node.output[0]),
  };
  if (main) { layer.weightDims = main.dims; layer.weightEncoding = main.encoding; }
  return layer;
}

/** Statistics of a decoded model; pass the file's bytes (or size) to get sizes too. */
export function modelStats(model: Model, file?: { bytes?: Uint8Array; sizeBytes?: number }): ModelStats {
  const graph = model.graph;
  const index = new GraphIndex(graph);
  const bindings: Record<string, number> = {};
  for (const v of index.realInputs()) {
    const first = valueInfoDims(v)?.[0];
    if (typeof first === 'string') bindings[first] = 1;
  }
  const { shapes } = inferShapes(model, { bindings });
  const dimsOf = (name: string): number[] | undefined => {
    const s = shapes.get(name);
    return isStaticShape(s) ? s : undefined;
  };
  const claimed: Claims = { elements: new Set(), stored: new Set() };
  const layers: LayerStats[] = [];
  for (const node of graph.node) {
    const layer = layerOf(node, index, shapes, dimsOf, claimed);
    if (layer) layers.push(layer);
  }
  const params = layers.reduce((s, l) => s + l.params, 0);
  const nonZeroParams = layers.reduce((s, l) => s + l.nonZeroParams, 0);
  const opsHistogram: Record<string, number> = {};
  for (const n of graph.node) {
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
    opsHistogram[key] = (opsHistogram[key] ?? 0) + 1;
  }
  const stats: ModelStats = {
    params, nonZeroParams, sparsity: params > 0 ? 1 - nonZeroParams / params : 0,
    macs: layers.reduce((s, l) => s + (l.macs ?? 0), 0),
    macsUnknownLayers: layers.filter((l) => l.macs === null).length,
    layers,
    opset: opsetVersion(model), irVersion: Number(model.irVersion), producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    nodeCount: graph.node.length, opsHistogram,
    inputs: index.realInputs().map((v) => summary(v, valueInfoDims(v), valueInfoElemType(v))),
    outputs: graph.output.map((v) => summary(v, valueInfoDims(v), valueInfoElemType(v))),
  };
  if (file?.bytes) {
    stats.sizeBytes = file.sizeBytes ?? file.bytes.length;
    stats.gzipSizeBytes = gzipSync(file.bytes).length;
  } else if (file?.sizeBytes !== undefined) {
    stats.sizeBytes = file.sizeBytes;
  }
  return stats;
}

/**
 * Statistics of a model file. Size counts the .onnx file plus its external data files; the
 * gzip size compresses the model with its weights inline (what shipping both would cost).
 */
export function modelFileStats(path: string): ModelStats {
  const loaded = loadModelFileWithInfo(path);
  const bytes = loaded.externalFiles.length > 0 ? encodeModel(loaded.model) : loaded.bytes;
  return modelStats(loaded.model, { bytes, sizeBytes: loaded.sizeBytes + loaded.externalBytes });
}
