// Graph clean-up before quantization: Constant nodes and Identity-of-initializer become
// initializers, shared-weight codebooks (Gather chains) become the plain weights they encode,
// BatchNormalization folds into the Conv before it, and a model that is already quantized is
// refused (quantizing twice gives a silently wrong model).
import { WhittleError } from '../../../shared/errors.ts';
import { DataType, onnx } from '../../onnx/proto.ts';
import { copySharingTensors, type Model, type Node } from '../../onnx/model.ts';
import { attr, attrFloat, attrInt, GraphIndex, renameUses, setInitializer } from '../../onnx/graph.ts';
import { resolveWeight } from '../../onnx/weights.ts';
import { float32Tensor, tensorToFloat32 } from '../../onnx/tensor.ts';

const QUANTIZED_OPS = new Set([
  'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'QGemm',
  'MatMulInteger', 'ConvInteger', 'MatMulIntegerToFloat', 'DynamicQuantizeMatMul', 'QLinearAdd', 'QLinearMul',
  'MatMulNBits', 'QAttention',
]);

/** Throws when the model already holds quantization ops or low-precision weights. */
export function assertNotQuantized(model: Model): void {
  const q = model.graph.node.find((n) => QUANTIZED_OPS.has(n.opType));
  if (q) {
    throw new WhittleError('quantize.already-quantized', `The model is already quantized: it contains ${q.opType} ('${q.name}').`, 'Quantize the original float32 model instead; quantizing twice compounds the error.');
  }
  const half = model.graph.initializer.find((t) => t.dataType === DataType.FLOAT16 && (t.dims ?? []).reduce((a, b) => a * Number(b), 1) > 16);
  if (half) {
    throw new WhittleError('quantize.already-reduced', `The model already stores weights in float16 (e.g. '${half.name}').`, 'Start from the float32 model.');
  }
}

/**
 * A copy with constants as initializers and BatchNormalization folded into Conv where possible.
 * Unchanged weights are the source's tensor objects (copySharingTensors): replace, never edit them.
 */
export function normalizeForQuantization(model: Model): Model {
  const m = copySharingTensors(model);
  const g = m.graph;
  const outputs = new Set(g.output.map((o) => o.name));
  const keep: Node[] = [];
  const inits = new Set(g.initializer.map((t) => t.name));
  for (const node of g.node) {
    if (node.opType === 'Constant' && node.output.length === 1 && !outputs.has(node.output[0])) {
      const value = attr(node, 'value', undefined) as onnx.ITensorProto | undefined;
      if (value && typeof value === 'object' && 'dataType' in value) {
        setInitializer(g, { ...value, name: node.output[0] } as never);
        inits.add(node.output[0]);
        continue;
      }
    }
    keep.push(node);
  }
  g.node = keep;
  // Identity of an initializer (exporters emit these for shared weights): read the initializer directly.
  g.node = g.node.filter((node) => {
    if (node.opType !== 'Identity' || !inits.has(node.input[0]) || outputs.has(node.output[0])) return true;
    renameUses(g, node.output[0], node.input[0]);
    return false;
  });
  expandCodebooks(m);
  foldBatchNorms(m);
  return m;
}

/** A weight the share pass stored as codebook + indices: how it was clustered. */
export interface CodebookWeight {
  /** Name of the weight value (the Gather's output, which the layer reads). */
  weight: string;
  /** One codebook per output channel (an offsets Add before the Gather). */
  perChannel: boolean;
  /** Distinct values per codebook (per channel when perChannel). */
  k: number;
}

/**
 * Codebook weights read by a layer (Gather of a float codebook at constant indices), as the
 * share pass writes them. The quantizer turns each into the plain weight it encodes, so the
 * int8 grid receives the k centroids: rounding can only merge clusters, never split them, and
 * a pruned weight (centroid exactly 0) stays exactly 0.
 */
export function findCodebookWeights(model: Model): CodebookWeight[] {
  const index = new GraphIndex(model.graph);
  const found: CodebookWeight[] = [];
  for (const node of model.graph.node) {
    if (node.opType !== 'Gather' || attrInt(node, 'axis', 0) !== 0 || index.outputs.has(node.output[0])) continue;
    const book = index.initializers.get(node.input[0]);
    if (!book || book.dataType !== DataType.FLOAT || book.dims.length !== 1) continue;
    const resolved = resolveWeight(index, node.output[0]);
    if (!resolved || resolved.encoding !== 'codebook') continue;
    const offsets = index.producer.get(node.input[1])?.opType === 'Add';
    const channels = offsets ? Math.max(1, Number(resolved.dims[0])) : 1;
    found.push({ weight: node.output[0], perChannel: offsets, k: Math.round(Number(book.dims[0]) / channels) });
  }
  return found;
}

/** Replace every codebook chain by a plain float initializer of the same name. */
function expandCodebooks(m: Model): void {
  const g = m.graph;
  const books = findCodebookWeights(m);
  if (books.length === 0) return;
  const index = new GraphIndex(g);
  for (const b of books) {
    const resolved = resolveWeight(index, b.weight)!;
    setInitializer(g, float32Tensor(b.weight, resolved.dims, resolved.values()));
  }
  // The Gathers and the Cast/Add index arithmetic feeding them, when nothing else reads it.
  const chain = new Set<Node>();
  const collect = (value: string): void => {
    const n = index.producer.get(value);
    if (!n || !['Cast', 'Add'].includes(n.opType) || index.consumersOf(value).some((c) => !chain.has(c))) return;
    chain.add(n);
    for (const i of n.input) collect(i);
  };
  for (const b of books) {
    const gather = index.producer.get(b.weight)!;
    chain.add(gather);
    collect(gather.input[1]);
  }
  g.node = g.node.filter((n) => !chain.has(n));
  const used = new Set([...g.node.flatMap((n) => n.input), ...g.output.map((o) => o.name)]);
  g.initializer = g.initializer.filter((t) => used.has(t.name));
}

function foldBatchNorms(m: Model): void {
  const g = m.graph;
  let index = new GraphIndex(g);
  const removed = new Set<Node>();
  for (const bn of g.node) {
    if (bn.opType !== 'BatchNormalization' || bn.output.filter((o) => o).length !== 1) continue;
    const conv = index.producer.get(bn.input[0]);
    if (!conv || conv.opType !== 'Conv' || index.soleConsumer(conv.output[0]) !== bn) continue;
    const w = index.initializers.get(conv.input[1]);
    const params = bn.input.slice(1, 5).map((n) => index.initializers.get(n));
    if (!w || w.dataType !== DataType.FLOAT || params.some((p) => !p)) continue;
    if ((index.consumersOf(conv.input[1]).length !== 1)) continue;
    const [scale, bias, mean, variance] = params.map((p) => tensorToFloat32(p!));
    const eps = attrFloat(bn, 'epsilon', 1e-5);
    const weights = tensorToFloat32(w);
    const outC = Number(w.dims[0]);
    const per = weights.length / outC;
    const oldBias = conv.input[2] ? index.initializers.get(conv.input[2]) : undefined;
    if (conv.input[2] && !oldBias) continue;
    const b0 = oldBias ? tensorToFloat32(oldBias) : new Float32Array(outC);
    const newBias = new Float32Array(outC);
    for (let c = 0; c < outC; c++) {
      const k = scale[c] / Math.sqrt(variance[c] + eps);
      scaleInPlace(weights.subarray(c * per, (c + 1) * per), k);
      newBias[c] = (b0[c] - mean[c]) * k + bias[c];
    }
    // The folded copy becomes the tensor's data as it is: another copy of every weight costs ~40 ms per 21 MB here.
    setInitializer(g, onnx.TensorProto.create({ name: w.name, dims: w.dims.map(Number), dataType: DataType.FLOAT, rawData: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength) }));
    const biasName = `${conv.name || conv.output[0]}_folded_bias`;
    setInitializer(g, float32Tensor(biasName, [outC], newBias));
    conv.input = [conv.input[0], conv.input[1], biasName];
    conv.output = [bn.output[0]];
    removed.add(bn);
  }
  if (removed.size > 0) {
    g.node = g.node.filter((n) => !removed.has(n));
    index = new GraphIndex(g);
    g.initializer = g.initializer.filter((t) => index.consumersOf(t.name).length > 0 || index.outputs.has(t.name));
  }
}

/**
 * values *= k, in a function of its own: V8 optimizes a small hot function at once, while the
 * same loop inline in foldBatchNorms ran interpreted (EfficientNet-B0-style's 5.3 M weights: ~650 ms).
 */
function scaleInPlace(values: Float32Array, k: number): void {
  for (let i = 0; i < values.length; i++) values[i] *= k;
}
