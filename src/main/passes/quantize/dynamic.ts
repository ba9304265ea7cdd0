// Dynamic int8 for MatMul/Gemm-heavy models: int8 weights stored in the file, activations
// quantized at run time (DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul), the
// pattern ONNX Runtime fuses into DynamicQuantizeMatMul / MatMulIntegerToFloat.
import { DataType } from '../../onnx/proto.ts';
import { opsetVersion, type Model } from '../../onnx/model.ts';
import { attrFloat, attrInt, GraphIndex, makeNode, setInitializer, topologicalOrder } from '../../onnx/graph.ts';
import { makeTensor, tensorToFloat32 } from '../../onnx/tensor.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { assertNotQuantized, normalizeForQuantization } from './normalize.ts';
import { detectHostCpu, PRESETS } from './presets.ts';
import { quantizeWeight } from './params.ts';
import type { ExclusionOptions, FloatNode, PassContext, QuantizeReport, QuantizeResult, TensorQuantInfo } from './types.ts';
import { countInt8Kernels, optimizedGraph } from './verify.ts';

export interface DynamicOptions extends ExclusionOptions {
  perChannel?: boolean;
  reduceRange?: boolean;
  verify?: boolean;
}

export async function quantizeDynamic(model: Model, options: DynamicOptions = {}, ctx: PassContext = {}): Promise<QuantizeResult<Model>> {
  assertNotQuantized(model);
  if ((opsetVersion(model) ?? 0) < 10) {
    throw new WhittleError('quantize.opset', `Dynamic quantization needs opset 10 or newer (MatMulInteger); the model uses ${opsetVersion(model)}.`, 'Re-export the model with opset 13 or newer.');
  }
  const m = normalizeForQuantization(model);
  const g = m.graph;
  const index = new GraphIndex(g);
  const order = topologicalOrder(g);
  const floatNodes: FloatNode[] = [];
  const tensors: TensorQuantInfo[] = [];
  const quantizedNodes: { node: string; opType: string }[] = [];
  const candidates = order.filter((n) => (n.opType === 'MatMul' || n.opType === 'Gemm'));
  const dqlFor = new Map<string, [string, string, string]>();
  const replaced = new Map<string, ReturnType<typeof makeNode>[]>();
  const perChannel = options.perChannel ?? true;
  // 7-bit weights on AVX2 without VNNI: full-range int8 saturates VPMADDUBSW's int16 sums there.
  const reduceRange = options.reduceRange ?? PRESETS[detectHostCpu().target].reduceRange;
  for (const node of candidates) {
    const reason = dynamicBlocker(node, index, options, candidates);
    if (reason) {
      floatNodes.push({ node: node.name, opType: node.opType, reason });
      continue;
    }
    const { nodes: out, weight } = rewriteDynamic(node, index, perChannel, reduceRange, dqlFor);
    replaced.set(node.name, out);
    quantizedNodes.push({ node: node.name, opType: node.opType });
    tensors.push(weight);
  }
  g.node = g.node.flatMap((node) => replaced.get(node.name) ?? [node]);
  const used = new GraphIndex(g);
  g.initializer = g.initializer.filter((t) => used.consumersOf(t.name).length > 0 || used.outputs.has(t.name));
  g.node = topologicalOrder(g);
  const report: QuantizeReport = {
    mode: 'dynamic', settings: { perChannel, reduceRange }, tensors, quantizedNodes, floatNodes, warnings: [],
  };
  if (quantizedNodes.length === 0) report.warnings.push('No MatMul/Gemm with constant 2-D weights was found: dynamic quantization changed nothing.');
  if (options.verify ?? true) {
    const optimized = await optimizedGraph(m, ctx.tempDir);
    const kernels = countInt8Kernels(optimized);
    const fusedCount = (kernels.DynamicQuantizeMatMul ?? 0) + (kernels.MatMulIntegerToFloat ?? 0);
    const unfusedNames = new Set(optimized.graph.node.filter((n) => n.opType === 'MatMulInteger').map((n) => n.name));
    const unfused = quantizedNodes.filter((q) => unfusedNames.has(`${q.node}_MatMulInteger`)).map((q) => ({ ...q, reason: 'ONNX Runtime kept MatMulInteger + Cast + Mul unfused (the scale Mul or Cast did not match its pattern).' }));
    report.fusion = { groups: quantizedNodes.length, fused: Math.min(fusedCount, quantizedNodes.length - unfused.length), kernels, unfused };
  }
  return { model: m, report };
}

function dynamicBlocker(node: Model['graph']['node'][number], index: GraphIndex, options: ExclusionOptions, candidates: { name: string }[]): string | undefined {
  if (options.excludeNodes?.includes(node.name)) return 'excluded by name';
  if (options.excludeOpTypes?.includes(node.opType)) return `excluded by op type ${node.opType}`;
  if (options.excludeFirst && candidates[0] === node) return 'first layer kept in float (excludeFirst)';
  if (options.excludeLast && candidates[candidates.length - 1] === node) return 'last layer kept in float (excludeLast)';
  const w = index.initializers.get(node.input[1]);
  if (!w || w.dataType !== DataType.FLOAT || w.dims.length !== 2) return 'B is not a constant 2-D float weight';
  if (node.opType === 'Gemm') {
    if (attrInt(node, 'transA', 0)) return 'Gemm with transA=1 has no MatMulInteger form';
    const c = node.input[2];
    if (c && !index.initializers.get(c)) return 'bias is not a constant initializer';
  }
  return undefined;
}

type NewNode = ReturnType<typeof makeNode>;

/** The MatMulInteger form of one MatMul/Gemm; DynamicQuantizeLinear is shared per input value. */
function rewriteDynamic(node: NewNode, index: GraphIndex, perChannel: boolean, reduceRange: boolean, dqlFor: Map<string, [string, string, string]>): { nodes: NewNode[]; weight: TensorQuantInfo } {
  const g = index.graph;
  const w = index.initializers.get(node.input[1])!;
  let [k, n] = w.dims.map(Number);
  let values = tensorToFloat32(w);
  const isGemm = node.opType === 'Gemm';
  if (isGemm && attrInt(node, 'transB', 0)) {
    // MatMulInteger takes B as [K, N]: transpose the stored [N, K] weight once, offline.
    const t = new Float32Array(values.length);
    for (let r = 0; r < k; r++) for (let c = 0; c < n; c++) t[c * k + r] = values[r * n + c];
    values = t;
    [k, n] = [n, k];
  }
  const alpha = isGemm ? attrFloat(node, 'alpha', 1) : 1;
  if (alpha !== 1) values = values.map((v) => v * alpha);
  const q = quantizeWeight(values, [k, n], perChannel ? 1 : undefined, reduceRange);
  const base = `${node.name}_dyn`;
  setInitializer(g, makeTensor(`${base}_w_q`, [k, n], q.values));
  const sDims = perChannel ? [n] : [];
  setInitializer(g, makeTensor(`${base}_w_s`, sDims, q.scales));
  setInitializer(g, makeTensor(`${base}_w_z`, sDims, new Int8Array(q.scales.length)));
  const x = node.input[0];
  let dql = dqlFor.get(x);
  const out: NewNode[] = [];
  if (!dql) {
    dql = [`${x}_dyn_q`, `${x}_dyn_s`, `${x}_dyn_z`];
    out.push(makeNode('DynamicQuantizeLinear', [x], dql, { name: `${x}_DynamicQuantizeLinear` }));
    dqlFor.set(x, dql);
  }
  const y = node.output[0];
  const hasBias = isGemm && node.input[2];
  // The exact chain ORT's MatMulIntegerToFloat fusion matches: MatMulInteger -> Cast -> Mul(a_scale * b_scale).
  out.push(makeNode('MatMulInteger', [dql[0], `${base}_w_q`, dql[2], `${base}_w_z`], [`${base}_i32`], { name: `${node.name}_MatMulInteger` }));
  out.push(makeNode('Cast', [`${base}_i32`], [`${base}_f`], { name: `${base}_Cast`, attrs: { to: DataType.FLOAT } }));
  out.push(makeNode('Mul', [dql[1], `${base}_w_s`], [`${base}_scale`], { name: `${base}_scale_Mul` }));
  out.push(makeNode('Mul', [`${base}_f`, `${base}_scale`], [hasBias ? `${base}_nobias` : y], { name: `${base}_Mul` }));
  if (hasBias) {
    const beta = attrFloat(node, 'beta', 1);
    const bias = index.initializers.get(node.input[2])!;
    setInitializer(g, makeTensor(`${base}_bias`, bias.dims.map(Number), tensorToFloat32(bias).map((v) => v * beta)));
    out.push(makeNode('Add', [`${base}_nobias`, `${base}_bias`], [y], { name: `${base}_bias_Add` }));
  }
  const qmax = reduceRange ? 63 : 127;
  const scale = Math.max(...q.scales);
  return {
    nodes: out,
    weight: { tensor: w.name, producer: node.name, producerOp: node.opType, kind: 'weight', scale, zeroPoint: 0, observedMin: q.min, observedMax: q.max, rangeMin: -scale * qmax, rangeMax: scale * qmax, sqnrDb: q.sqnrDb, channels: perChannel ? n : undefined },
  };
}
