// 4-bit weight-only quantization: constant MatMul/Gemm weights become ONNX Runtime's
// com.microsoft MatMulNBits (blocks of 32/64/128 along K, one scale per block, symmetric or
// with 4-bit zero points); activations stay float. The layout follows ORT's contrib-op spec.
import { DataType } from '../../onnx/proto.ts';
import type { Model, Node } from '../../onnx/model.ts';
import { attrFloat, attrInt, GraphIndex, makeNode, setInitializer, topologicalOrder } from '../../onnx/graph.ts';
import { makeTensor, tensorToFloat32 } from '../../onnx/tensor.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { assertNotQuantized, normalizeForQuantization } from './normalize.ts';
import type { ExclusionOptions, FloatNode, PassContext, QuantizeReport, QuantizeResult, TensorQuantInfo } from './types.ts';
import { optimizedGraph } from './verify.ts';

export const INT4_BLOCK_SIZES = [32, 64, 128] as const;
export const MS_DOMAIN = 'com.microsoft';

export interface Int4Options extends ExclusionOptions {
  /** Weights per block along K (each block has its own scale). Default 32. */
  blockSize?: number;
  /** Symmetric blocks (zero point 8, no zero-point input) or per-block 4-bit zero points. Default true. */
  symmetric?: boolean;
  /** MatMulNBits accuracy_level: 0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 compute of A. Default 0. */
  accuracyLevel?: number;
  /** Open the result in ONNX Runtime and count MatMulNBits kernels (default true). */
  verify?: boolean;
}

export interface BlockQuantized {
  /** [N, kBlocks, blockSize / 2] bytes: the K values of column n, two a byte, low nibble first. */
  packed: Uint8Array;
  /** [N * kBlocks] scales, column-major by block. */
  scales: Float32Array;
  /** [N * ceil(kBlocks / 2)] packed 4-bit zero points (asymmetric only). */
  zeroPoints?: Uint8Array;
  /** The weight as the kernel sees it ([K, N], row-major), for error figures. */
  dequantized: Float32Array;
  kBlocks: number;
}

/** One block's scale and zero point: symmetric maps the largest-magnitude value to -8 (as ORT does). */
function blockParams(values: Float32Array, from: number, to: number, symmetric: boolean): { scale: number; zero: number } {
  if (symmetric) {
    let extreme = 0;
    for (let i = from; i < to; i++) if (Math.abs(values[i]) > Math.abs(extreme)) extreme = values[i];
    return { scale: extreme === 0 ? 1 : extreme / -8, zero: 8 };
  }
  let lo = 0;
  let hi = 0;
  for (let i = from; i < to; i++) { lo = Math.min(lo, values[i]); hi = Math.max(hi, values[i]); }
  const scale = hi > lo ? (hi - lo) / 15 : 1;
  return { scale, zero: Math.min(15, Math.max(0, Math.round(-lo / scale))) };
}

/** Quantize a [K, N] weight into MatMulNBits blocks along K (K padded with zeros to whole blocks). */
export function quantizeBlockwise4(weight: Float32Array, k: number, n: number, blockSize: number, symmetric: boolean): BlockQuantized {
  const kBlocks = Math.ceil(k / blockSize);
  const blob = blockSize / 2;
  const packed = new Uint8Array(n * kBlocks * blob);
  const scales = new Float32Array(n * kBlocks);
  const zpBytes = Math.ceil(kBlocks / 2);
  const zeroPoints = symmetric ? undefined : new Uint8Array(n * zpBytes);
  const dequantized = new Float32Array(k * n);
  const column = new Float32Array(kBlocks * blockSize);
  for (let c = 0; c < n; c++) {
    column.fill(0);
    for (let r = 0; r < k; r++) column[r] = weight[r * n + c];
    for (let b = 0; b < kBlocks; b++) {
      const start = b * blockSize;
      const { scale, zero } = blockParams(column, start, start + blockSize, symmetric);
      scales[c * kBlocks + b] = scale;
      if (zeroPoints) zeroPoints[c * zpBytes + (b >> 1)] |= zero << ((b & 1) * 4);
      for (let i = 0; i < blockSize; i++) {
        const q = Math.min(15, Math.max(0, Math.round(column[start + i] / scale) + zero));
        packed[(c * kBlocks + b) * blob + (i >> 1)] |= q << ((i & 1) * 4);
        if (start + i < k) dequantized[(start + i) * n + c] = (q - zero) * scale;
      }
    }
  }
  return { packed, scales, zeroPoints, dequantized, kBlocks };
}

/** The zero point a report shows: 8 for symmetric blocks, else the mean of the per-block ones. */
function meanZeroPoint(packed: Uint8Array | undefined, kBlocks: number, n: number): number {
  if (!packed) return 8;
  const perColumn = Math.ceil(kBlocks / 2);
  let sum = 0;
  for (let c = 0; c < n; c++) for (let b = 0; b < kBlocks; b++) sum += (packed[c * perColumn + (b >> 1)] >> ((b & 1) * 4)) & 15;
  return sum / (n * kBlocks);
}

function sqnrDb(ref: Float32Array, approx: Float32Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < ref.length; i++) { signal += ref[i] * ref[i]; noise += (ref[i] - approx[i]) ** 2; }
  return noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
}

/** Why a MatMul/Gemm stays float, or undefined when MatMulNBits can take it. */
function blocker(node: Node, index: GraphIndex, options: Int4Options, candidates: Node[]): string | undefined {
  if (options.excludeNodes?.includes(node.name)) return 'excluded by name';
  if (options.excludeOpTypes?.includes(node.opType)) return `excluded by op type ${node.opType}`;
  if (options.excludeFirst && candidates[0] === node) return 'first layer kept in float (excludeFirst)';
  if (options.excludeLast && candidates[candidates.length - 1] === node) return 'last layer kept in float (excludeLast)';
  if (index.isInitializer(node.input[0])) return 'A is a constant: nothing to multiply at run time';
  const w = index.initializers.get(node.input[1]);
  if (!w) return 'multiplies two activations (e.g. attention scores): there is no weight to store in 4 bits';
  if (w.dataType !== DataType.FLOAT || w.dims.length !== 2) return 'B is not a constant 2-D float weight (MatMulNBits needs one)';
  if (node.opType === 'Gemm') {
    if (attrInt(node, 'transA', 0)) return 'Gemm with transA=1 has no MatMulNBits form';
    const c = node.input[2];
    const bias = c ? index.initializers.get(c) : undefined;
    if (c && (!bias || bias.dims.length > 2 || (bias.dims.length === 2 && Number(bias.dims[0]) !== 1))) return 'Gemm bias is not a constant row vector';
  }
  return undefined;
}

/** The [K, N] weight a MatMul/Gemm multiplies by (Gemm transB and alpha applied). */
function weightKN(node: Node, index: GraphIndex): { values: Float32Array; k: number; n: number } {
  const w = index.initializers.get(node.input[1])!;
  let [k, n] = w.dims.map(Number);
  let values = tensorToFloat32(w);
  if (node.opType === 'Gemm' && attrInt(node, 'transB', 0)) {
    const t = new Float32Array(values.length);
    for (let r = 0; r < k; r++) for (let c = 0; c < n; c++) t[c * k + r] = values[r * n + c];
    values = t;
    [k, n] = [n, k];
  }
  const alpha = node.opType === 'Gemm' ? attrFloat(node, 'alpha', 1) : 1;
  if (alpha !== 1) values = values.map((v) => v * alpha);
  return { values, k, n };
}

function rewrite(node: Node, index: GraphIndex, options: Required<Pick<Int4Options, 'blockSize' | 'symmetric' | 'accuracyLevel'>>): { nodes: Node[]; info: TensorQuantInfo } {
  const g = index.graph;
  const { values, k, n } = weightKN(node, index);
  const q = quantizeBlockwise4(values, k, n, options.blockSize, options.symmetric);
  const base = `${node.name || node.output[0]}_q4`;
  setInitializer(g, makeTensor(`${base}_B`, [n, q.kBlocks, options.blockSize / 2], q.packed));
  setInitializer(g, makeTensor(`${base}_scales`, [n * q.kBlocks], q.scales));
  const inputs = [node.input[0], `${base}_B`, `${base}_scales`];
  if (q.zeroPoints) {
    setInitializer(g, makeTensor(`${base}_zero_points`, [q.zeroPoints.length], q.zeroPoints));
    inputs.push(`${base}_zero_points`);
  }
  const y = node.output[0];
  const c = node.opType === 'Gemm' ? node.input[2] : '';
  const attrs = { K: k, N: n, bits: 4, block_size: options.blockSize, accuracy_level: options.accuracyLevel || undefined };
  const out = [makeNode('MatMulNBits', inputs, [c ? `${base}_nobias` : y], { name: `${base}_MatMulNBits`, domain: MS_DOMAIN, attrs })];
  if (c) {
    const bias = index.initializers.get(c)!;
    const beta = attrFloat(node, 'beta', 1);
    setInitializer(g, makeTensor(`${base}_bias`, [n], tensorToFloat32(bias).map((v) => v * beta)));
    out.push(makeNode('Add', [`${base}_nobias`, `${base}_bias`], [y], { name: `${base}_bias_Add` }));
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const maxScale = q.scales.reduce((a, s) => Math.max(a, Math.abs(s)), 0);
  const info: TensorQuantInfo = {
    tensor: node.input[1], producer: node.name, producerOp: node.opType, kind: 'weight', scale: maxScale, zeroPoint: meanZeroPoint(q.zeroPoints, q.kBlocks, n),
    observedMin: lo, observedMax: hi, rangeMin: lo, rangeMax: hi, sqnrDb: sqnrDb(values, q.dequantized), channels: n,
  };
  return { nodes: out, info };
}

/** True when a weight's K is smaller than one block: its only block is mostly zero padding. */
function paddedRows(index: GraphIndex, weight: string, nodes: { node: string; opType: string }[], blockSize: number): boolean {
  const w = index.initializers.get(weight);
  if (!w) return false;
  const consumer = index.consumersOf(weight).find((c) => nodes.some((q) => q.node === c.name));
  const transB = consumer?.opType === 'Gemm' && attrInt(consumer, 'transB', 0) === 1;
  const k = Number(w.dims[transB ? 1 : 0]);
  return k < blockSize;
}

export function checkInt4Options(options: Int4Options): void {
  const bs = options.blockSize ?? 32;
  if (!(INT4_BLOCK_SIZES as readonly number[]).includes(bs)) {
    throw new WhittleError('quantize.bad-block-size', `4-bit block size must be 32, 64 or 128 (got ${bs}).`, 'Pick 32 (most accurate) to 128 (smallest file).');
  }
  const level = options.accuracyLevel ?? 0;
  if (!Number.isInteger(level) || level < 0 || level > 4) {
    throw new WhittleError('quantize.bad-accuracy-level', `MatMulNBits accuracy level must be 0 to 4 (got ${level}).`, '0 leaves it to ONNX Runtime; 4 computes A in int8 (fastest on CPUs).');
  }
}

export async function quantizeInt4Weights(model: Model, options: Int4Options = {}, ctx: PassContext = {}): Promise<QuantizeResult<Model>> {
  checkInt4Options(options);
  assertNotQuantized(model);
  const settings = { blockSize: options.blockSize ?? 32, symmetric: options.symmetric ?? true, accuracyLevel: options.accuracyLevel ?? 0 };
  const m = normalizeForQuantization(model);
  const g = m.graph;
  const index = new GraphIndex(g);
  const candidates = topologicalOrder(g).filter((n) => n.opType === 'MatMul' || n.opType === 'Gemm');
  const floatNodes: FloatNode[] = [];
  const tensors: TensorQuantInfo[] = [];
  const quantizedNodes: { node: string; opType: string }[] = [];
  const replaced = new Map<Node, Node[]>();
  candidates.forEach((node, i) => {
    ctx.progress?.(i, candidates.length, `4-bit weights: ${node.name}`);
    const reason = blocker(node, index, options, candidates);
    if (reason) { floatNodes.push({ node: node.name, opType: node.opType, reason }); return; }
    const { nodes, info } = rewrite(node, index, settings);
    replaced.set(node, nodes);
    tensors.push(info);
    quantizedNodes.push({ node: node.name, opType: node.opType });
  });
  g.node = g.node.flatMap((node) => replaced.get(node) ?? [node]);
  const used = new GraphIndex(g);
  g.initializer = g.initializer.filter((t) => used.consumersOf(t.name).length > 0 || used.outputs.has(t.name));
  g.node = topologicalOrder(g);
  if (quantizedNodes.length > 0 && !m.opsetImport.some((o) => o.domain === MS_DOMAIN)) m.opsetImport.push({ domain: MS_DOMAIN, version: 1 } as Model['opsetImport'][number]);
  const report: QuantizeReport = {
    mode: 'int4', settings: { ...settings }, tensors, quantizedNodes, floatNodes, warnings: [],
  };
  if (quantizedNodes.length === 0) report.warnings.push('No MatMul/Gemm with a constant 2-D weight was found: 4-bit weight quantization changed nothing.');
  const padded = tensors.filter((t) => paddedRows(index, t.tensor, quantizedNodes, settings.blockSize));
  if (padded.length) {
    report.notes = [`${padded.length} weight(s) have fewer than ${settings.blockSize} rows along K per block and are padded with zeros to a whole block (${padded.map((t) => t.tensor).slice(0, 4).join(', ')}${padded.length > 4 ? ', ...' : ''}); a smaller block size stores them in less space.`];
  }
  if (options.verify ?? true) {
    const optimized = await optimizedGraph(m, ctx.tempDir);
    const found = optimized.graph.node.filter((n) => n.opType === 'MatMulNBits').length;
    const missing = quantizedNodes.length - found;
    report.fusion = {
      groups: quantizedNodes.length, fused: Math.min(found, quantizedNodes.length), kernels: found ? { MatMulNBits: found } : {},
      unfused: missing > 0 ? [{ node: `(${missing} unnamed)`, opType: 'MatMul', reason: `${missing} MatMulNBits node(s) are missing from ONNX Runtime's optimized graph.` }] : [],
    };
  }
  return { model: m, report };
}
