// Writes the QDQ model from a plan: QuantizeLinear -> DequantizeLinear on every planned
// activation, int8 weights with a DequantizeLinear (per channel on the output axis), int32
// biases at input scale x weight scale, and Relu/Clip removed where the range absorbs them.
import { DataType } from '../../onnx/proto.ts';
import { cloneModel, opsetVersion, type Model } from '../../onnx/model.ts';
import { attrFloat, GraphIndex, makeNode, setAttr, setInitializer, topologicalOrder } from '../../onnx/graph.ts';
import { makeTensor, tensorToFloat32 } from '../../onnx/tensor.ts';
import type { ActivationType } from './presets.ts';
import { quantizeValue, quantizeWeight, typeBounds, type QuantParams } from './params.ts';
import type { PlannedNode, QuantPlan } from './plan.ts';
import type { TensorQuantInfo } from './types.ts';

export interface BuildSettings {
  activationType: ActivationType;
  perChannel: boolean;
  reduceRange: boolean;
  /**
   * Weights quantized per tensor even when perChannel is on: codebook weights shared per
   * layer, whose k values must stay k values on one grid.
   */
  perTensorWeights?: Set<string>;
}

/** A layer whose weight scale was raised so its int32 bias fits (ONNX Runtime's quantizer does the same). */
export interface BiasFit {
  node: string;
  opType: string;
  /** Largest factor a channel's weight scale was multiplied by. */
  ratio: number;
  /** Weight SQNR after the raise, dB (low: the weights lost their resolution). */
  weightSqnrDb: number;
}

export interface BuiltQdq {
  model: Model;
  weights: TensorQuantInfo[];
  warnings: string[];
  /** Activation tensor -> the name its dequantized value has in the new model. */
  dequantized: Map<string, string>;
  biasFits: BiasFit[];
}

const INT32_MAX = 2147483647;

export function buildQdqModel(source: Model, plan: QuantPlan, params: Map<string, QuantParams>, settings: BuildSettings): BuiltQdq {
  const m = cloneModel(source);
  const g = m.graph;
  const warnings: string[] = [];
  const weights: TensorQuantInfo[] = [];
  const opset = opsetVersion(m) ?? 13;
  const perChannel = settings.perChannel && opset >= 13;
  if (settings.perChannel && !perChannel) warnings.push(`Opset ${opset} has no per-channel DequantizeLinear (needs 13); weights were quantized per tensor.`);
  const byName = new Map(g.node.map((n) => [n.name, n]));
  foldActivations(g, plan, byName);
  const { newNodes, qparamNames, dequantized } = insertActivationQdq(g, plan, params, settings.activationType);
  const index = new GraphIndex(g);
  const constants = new Map<string, string>();
  const biasFits: BiasFit[] = [];
  for (const p of plan.nodes) {
    const node = byName.get(p.node.name)!;
    if (p.weightInput !== undefined) newNodes.push(...quantizeNodeWeights(node, p, index, { params, plan, qparamNames, warnings, biasFits }, settings, perChannel, weights));
    for (const i of p.constantInputs) node.input[i] = constantDequantized(node.input[i], index, settings.activationType, constants, newNodes);
  }
  g.node.push(...newNodes);
  // Float initializers nothing reads any more (the int8 copies replaced them).
  const used = new GraphIndex(g);
  g.initializer = g.initializer.filter((t) => used.consumersOf(t.name).length > 0 || used.outputs.has(t.name));
  g.input = g.input.filter((v) => !used.initializers.has(v.name) || used.consumersOf(v.name).length > 0);
  const produced = new Set(g.node.flatMap((n) => n.output));
  g.valueInfo = g.valueInfo.filter((v) => produced.has(v.name));
  g.node = topologicalOrder(g);
  return { model: m, weights, warnings, dequantized, biasFits };
}

/** Folded Relu/Clip: the producer writes the activation's output name directly. */
function foldActivations(g: Model['graph'], plan: QuantPlan, byName: Map<string, Model['graph']['node'][number]>): void {
  const drop = new Set<string>();
  for (const p of plan.nodes) {
    if (!p.folded) continue;
    const node = byName.get(p.node.name)!;
    node.output[0] = p.folded.output[0];
    drop.add(p.folded.name);
  }
  g.node = g.node.filter((n) => !drop.has(n.name));
}

/** Q -> DQ on every planned activation; tensors sharing a scale reuse its initializers. */
function insertActivationQdq(g: Model['graph'], plan: QuantPlan, params: Map<string, QuantParams>, type: ActivationType): {
  newNodes: ReturnType<typeof makeNode>[]; qparamNames: Map<string, [string, string]>; dequantized: Map<string, string>;
} {
  const zpType = type === 'uint8' ? DataType.UINT8 : DataType.INT8;
  const zpArray = (v: number): Uint8Array | Int8Array => (type === 'uint8' ? Uint8Array.of(v) : Int8Array.of(v));
  const newNodes: ReturnType<typeof makeNode>[] = [];
  // Generated value names are short on purpose: on small models they are a visible share of
  // the file. The longer prefix is the fallback when the model already uses such names.
  const taken = g.node.flatMap((n) => n.output).concat(g.initializer.map((t) => t.name), g.input.map((v) => v.name));
  const short = taken.some((n) => /^q[szqd]\d+$/.test(n)) ? 'qdq_' : 'q';
  const qparamNames = new Map<string, [string, string]>();
  const dequantized = new Map<string, string>();
  const outputs = new Set(g.output.map((o) => o.name));
  for (const [tensor, root] of plan.tensors) {
    const p = params.get(root);
    if (!p) throw new Error(`no quantization parameters for '${root}'`);
    let names = qparamNames.get(root);
    if (!names) {
      names = [`${short}s${qparamNames.size}`, `${short}z${qparamNames.size}`];
      setInitializer(g, makeTensor(names[0], [], Float32Array.of(p.scale)));
      setInitializer(g, makeTensor(names[1], [], zpArray(p.zeroPoint), zpType));
      qparamNames.set(root, names);
    }
    let source = tensor;
    const id = dequantized.size;
    const quantized = `${short}q${id}`;
    let deq = `${short}d${id}`;
    if (outputs.has(tensor)) {
      // Keep the graph output's name on the dequantized value.
      source = `${tensor}_float`;
      for (const n of g.node) n.output = n.output.map((o) => (o === tensor ? source : o));
      deq = tensor;
    } else {
      for (const n of g.node) n.input = n.input.map((i) => (i === tensor ? deq : i));
    }
    // Q/DQ nodes stay unnamed: names cost file bytes and ORT names what it keeps.
    newNodes.push(makeNode('QuantizeLinear', [source, ...names], [quantized], { name: '' }));
    newNodes.push(makeNode('DequantizeLinear', [quantized, ...names], [deq], { name: '' }));
    dequantized.set(tensor, deq);
  }
  return { newNodes, qparamNames, dequantized };
}

interface WeightContext {
  params: Map<string, QuantParams>;
  plan: QuantPlan;
  qparamNames: Map<string, [string, string]>;
  warnings: string[];
  biasFits: BiasFit[];
}

function quantizeNodeWeights(
  node: PlannedNode['node'], p: PlannedNode, index: GraphIndex, ctx: WeightContext,
  settings: BuildSettings, perChannel: boolean, report: TensorQuantInfo[],
): ReturnType<typeof makeNode>[] {
  const g = index.graph;
  const w = index.initializers.get(node.input[1])!;
  const dims = w.dims.map(Number);
  let values = tensorToFloat32(w);
  const isGemm = node.opType === 'Gemm';
  const alpha = isGemm ? attrFloat(node, 'alpha', 1) : 1;
  if (alpha !== 1) values = values.map((v) => v * alpha);
  const axis = perChannel && !settings.perTensorWeights?.has(w.name) ? p.weightAxis : undefined;
  const bias = p.biasInput !== undefined ? biasOf(node, p, index, dims, axis, ctx.warnings) : undefined;
  const inputScale = ctx.params.get(ctx.plan.tensors.get(p.node.input[0]) ?? p.node.input[0])!.scale;
  const floors = bias ? biasScaleFloors(bias, inputScale, axis) : undefined;
  const q = quantizeWeight(values, dims, axis, settings.reduceRange, floors);
  if (floors) recordBiasFit(node, values, dims, axis, settings.reduceRange, q, ctx.biasFits);
  // Weights and biases are named after the node (a shared weight is quantized per node);
  // zero points are left out: DequantizeLinear defaults them to 0 of the data's type.
  const base = index.consumersOf(w.name).length === 1 ? w.name : `${w.name}_${report.length}`;
  const channels = q.scales.length;
  const scaleDims = axis === undefined ? [] : [channels];
  setInitializer(g, makeTensor(`${base}_q`, dims, q.values));
  setInitializer(g, makeTensor(`${base}_s`, scaleDims, q.scales));
  const out: ReturnType<typeof makeNode>[] = [];
  // QGemm needs B's zero point as an input; Conv and MatMul take the default 0.
  const wInputs = [`${base}_q`, `${base}_s`];
  if (isGemm) {
    setInitializer(g, makeTensor(`${base}_z`, scaleDims, new Int8Array(channels)));
    wInputs.push(`${base}_z`);
  }
  out.push(makeNode('DequantizeLinear', wInputs, [`${base}_dq`], {
    name: '', attrs: axis === undefined ? {} : { axis },
  }));
  node.input[1] = `${base}_dq`;
  if (isGemm) {
    setAttr(node, 'alpha', 1, 'float');
    setAttr(node, 'beta', 1, 'float');
  }
  const range = Math.max(...q.scales) * (settings.reduceRange ? 63 : 127);
  report.push({
    tensor: w.name, producer: node.name, producerOp: node.opType, kind: 'weight',
    scale: Math.max(...q.scales), zeroPoint: 0, observedMin: q.min, observedMax: q.max,
    rangeMin: -range, rangeMax: range, sqnrDb: q.sqnrDb, channels: axis === undefined ? undefined : channels,
  });
  if (bias) out.push(...quantizeBias(node, p, index, bias, inputScale, q.scales, axis, base, { ...ctx, id: report.length }));
  return out;
}

/** The float bias (beta applied, broadcast to one value per output), or undefined when it stays float. */
function biasOf(node: PlannedNode['node'], p: PlannedNode, index: GraphIndex, dims: number[], axis: number | undefined, warnings: string[]): Float32Array | undefined {
  const b = index.initializers.get(node.input[p.biasInput!])!;
  const isGemm = node.opType === 'Gemm';
  const beta = isGemm ? attrFloat(p.node, 'beta', 1) : 1;
  const outC = isGemm || node.opType === 'Conv' ? dims[p.weightAxis!] : (axis === undefined ? 1 : dims[axis]);
  let bias = tensorToFloat32(b).map((v) => v * beta);
  if (bias.length === 1 && outC > 1) bias = new Float32Array(outC).fill(bias[0]);
  if (bias.length !== outC) {
    warnings.push(`Bias of '${node.name}' has ${bias.length} values for ${outC} outputs; it was left in float.`);
    return undefined;
  }
  return bias;
}

/**
 * Smallest weight scale per channel (one value per tensor) at which bias / (input scale x
 * weight scale) fits int32. ONNX Runtime's QDQ quantizer raises the weight scale the same way
 * (qdq_quantizer.py, _adjust_weight_scale_for_int32_bias, with a 1.0001 margin) rather than
 * clipping the bias: a clipped bias is a wrong constant on every output of that channel.
 */
function biasScaleFloors(bias: Float32Array, inputScale: number, axis: number | undefined): Float32Array {
  const margin = 1.0001;
  if (axis === undefined) {
    const absMax = bias.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    return Float32Array.of((margin * absMax) / INT32_MAX / inputScale);
  }
  return Float32Array.from(bias, (v) => (margin * Math.abs(v)) / INT32_MAX / inputScale);
}

function recordBiasFit(node: PlannedNode['node'], values: Float32Array, dims: number[], axis: number | undefined, reduceRange: boolean, q: ReturnType<typeof quantizeWeight>, fits: BiasFit[]): void {
  const plain = quantizeWeight(values, dims, axis, reduceRange);
  let ratio = 1;
  q.scales.forEach((s, c) => { ratio = Math.max(ratio, s / plain.scales[c]); });
  if (ratio > 1 + 1e-6) fits.push({ node: node.name, opType: node.opType, ratio, weightSqnrDb: q.sqnrDb });
}

/** int32 bias at scale input scale x weight scale (per channel when the weights are), zero point 0. */
function quantizeBias(
  node: PlannedNode['node'], p: PlannedNode, index: GraphIndex, bias: Float32Array, inputScale: number, scales: Float32Array,
  axis: number | undefined, base: string, ctx: WeightContext & { id: number },
): ReturnType<typeof makeNode>[] {
  const g = index.graph;
  const b = index.initializers.get(node.input[p.biasInput!])!;
  const outC = bias.length;
  const inputScaleName = ctx.qparamNames.get(ctx.plan.tensors.get(p.node.input[0]) ?? p.node.input[0])![0];
  const biasScales = Float32Array.from({ length: outC }, (_, c) => Math.fround(Math.fround(inputScale) * scales[axis === undefined ? 0 : c]));
  let clipped = 0;
  const qb = Int32Array.from(bias, (v, c) => {
    const r = Math.round(v / biasScales[c]);
    if (Math.abs(r) > INT32_MAX) clipped++;
    return Math.max(-INT32_MAX, Math.min(INT32_MAX, r));
  });
  // Cannot happen after biasScaleFloors short of float rounding; kept as a tripwire.
  if (clipped > 0) ctx.warnings.push(`Bias of '${node.name}': ${clipped} values exceed int32 at scale input x weight and were clipped.`);
  const perC = axis !== undefined;
  const bb = index.consumersOf(b.name).length === 1 ? b.name : `${b.name}_${ctx.id}`;
  node.input[p.biasInput!] = `${bb}_dq`;
  setInitializer(g, makeTensor(`${bb}_q`, [outC], qb));
  // The bias scale is literally input scale x weight scale: a Mul of the two initializers,
  // which ONNX Runtime constant-folds, instead of a third copy of the channel scales.
  return [
    makeNode('Mul', [inputScaleName, `${base}_s`], [`${bb}_s`], { name: '' }),
    makeNode('DequantizeLinear', [`${bb}_q`, `${bb}_s`], [`${bb}_dq`], { name: '', attrs: perC ? { axis: 0 } : {} }),
  ];
}

/** A constant input of Add/Mul/Concat quantized like an activation (per tensor, own range); one DQ per constant. */
function constantDequantized(name: string, index: GraphIndex, type: ActivationType, done: Map<string, string>, newNodes: ReturnType<typeof makeNode>[]): string {
  const existing = done.get(name);
  if (existing) return existing;
  const g = index.graph;
  const t = index.initializers.get(name)!;
  const values = tensorToFloat32(t);
  let lo = 0;
  let hi = 0;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const [qmin, qmax] = typeBounds(type);
  const scale = hi - lo > 0 ? (hi - lo) / (qmax - qmin) : 1;
  const cp = { scale, zeroPoint: Math.min(qmax, Math.max(qmin, Math.round(qmin - lo / scale))) };
  const qv = values.map((v) => quantizeValue(v, cp, qmin, qmax));
  const zpType = type === 'uint8' ? DataType.UINT8 : DataType.INT8;
  setInitializer(g, makeTensor(`${name}_q`, t.dims.map(Number), type === 'uint8' ? Uint8Array.from(qv) : Int8Array.from(qv)));
  setInitializer(g, makeTensor(`${name}_s`, [], Float32Array.of(cp.scale)));
  setInitializer(g, makeTensor(`${name}_z`, [], type === 'uint8' ? Uint8Array.of(cp.zeroPoint) : Int8Array.of(cp.zeroPoint), zpType));
  newNodes.push(makeNode('DequantizeLinear', [`${name}_q`, `${name}_s`, `${name}_z`], [`${name}_dq`], { name: '' }));
  done.set(name, `${name}_dq`);
  return `${name}_dq`;
}
