// float16 conversion: weights and activations in fp16, model inputs and outputs kept fp32
// with Casts at the boundary, and numerically unsafe ops left in fp32 (with Casts around
// them) so that overflow past 65504 or long fp16 accumulations cannot spoil the result.
import { DataType } from '../../onnx/proto.ts';
import type { Model, Node } from '../../onnx/model.ts';
import { attr, attrInt, GraphIndex, makeNode, setAttr, topologicalOrder } from '../../onnx/graph.ts';
import { floatToHalf, makeTensor, mapInto, tensorToFloat32 } from '../../onnx/tensor.ts';
import type { onnx } from '../../onnx/proto.ts';
import { assertNotQuantized, normalizeForQuantization } from './normalize.ts';
import { probeValueTypes } from './probe.ts';
import type { FloatNode, QuantizeReport, QuantizeResult } from './types.ts';

/** Ops kept in fp32, with why. */
export const FP16_UNSAFE: Record<string, string> = {
  Exp: 'exp overflows float16 (max 65504) for inputs above ~11',
  Pow: 'powers overflow float16\'s range (max 65504)',
  Log: 'log of small values needs fp32 precision near 0',
  Reciprocal: '1/x overflows float16 for |x| < 1.5e-5',
  Softmax: 'the exponentials and their sum overflow or lose precision in float16',
  LogSoftmax: 'the exponentials and their sum overflow or lose precision in float16',
  ReduceSum: 'long accumulations lose precision and can overflow in float16',
  ReduceMean: 'long accumulations lose precision in float16',
  ReduceSumSquare: 'squares overflow float16 quickly',
  ReduceL2: 'squares overflow float16 quickly',
  ReduceLogSumExp: 'the exponentials overflow float16',
  CumSum: 'running sums lose precision and can overflow in float16',
  LayerNormalization: 'the variance of large activations overflows float16',
  InstanceNormalization: 'the variance of large activations overflows float16',
  GroupNormalization: 'the variance of large activations overflows float16',
  Range: 'index arithmetic must stay exact',
  Resize: 'its scales/coordinates must stay fp32',
  Upsample: 'its scales must stay fp32',
  TopK: 'ties and ordering change when values round to float16',
  NonMaxSuppression: 'box coordinates need fp32',
  RoiAlign: 'box coordinates need fp32',
  RandomNormal: 'its output type comes from an attribute',
  RandomUniform: 'its output type comes from an attribute',
  EyeLike: 'its output type comes from an attribute',
};

export interface Fp16Options {
  /** Extra op types or node names to keep in fp32. */
  keepFp32Ops?: string[];
  keepFp32Nodes?: string[];
}

export async function convertFp16(model: Model, options: Fp16Options = {}): Promise<QuantizeResult<Model>> {
  assertNotQuantized(model);
  const m = normalizeForQuantization(model);
  const g = m.graph;
  const types = await probeValueTypes(m);
  const index = new GraphIndex(g);
  const keepOps = new Set(options.keepFp32Ops ?? []);
  const keepNodes = new Set(options.keepFp32Nodes ?? []);
  const floatNodes: FloatNode[] = [];
  const blocked = (n: Node): string | undefined => FP16_UNSAFE[n.opType] ?? (keepOps.has(n.opType) || keepNodes.has(n.name) ? 'kept in fp32 by the options' : undefined);
  const isFloatInit = (t: string): boolean => index.initializers.get(t)?.dataType === DataType.FLOAT;
  const isFloatValue = (t: string): boolean => !!t && (isFloatInit(t) || (!index.isInitializer(t) && types.get(t)?.type === 'float32'));

  const order = topologicalOrder(g);
  const halfName = halfInitializers(g, order, blocked, isFloatInit);
  const kind = new Map<string, 16 | 32>();
  for (const v of g.input) if (isFloatValue(v.name) && !index.isInitializer(v.name)) kind.set(v.name, 32);
  const casts = new Map<string, string>();
  const added: Node[] = [];
  const castTo = (value: string, to: 16 | 32): string => {
    const key = `${value}|${to}`;
    let name = casts.get(key);
    if (!name) {
      name = `${value}_to_fp${to}`;
      added.push(makeNode('Cast', [value], [name], { name: `${value}_Cast_fp${to}`, attrs: { to: to === 16 ? DataType.FLOAT16 : DataType.FLOAT } }));
      casts.set(key, name);
    }
    return name;
  };
  for (const n of order) {
    const why = blocked(n);
    const want: 16 | 32 = why ? 32 : 16;
    if (why && n.input.some(isFloatValue)) floatNodes.push({ node: n.name, opType: n.opType, reason: why });
    if (n.opType !== 'Cast') {
      n.input = n.input.map((i) => {
        if (!i || !isFloatValue(i)) return i;
        if (isFloatInit(i)) return want === 16 ? halfName.get(i)! : i;
        const have = kind.get(i) ?? 32;
        return have === want ? i : castTo(i, want);
      });
    } else if (attrInt(n, 'to', 0) === DataType.FLOAT && !why) {
      setAttr(n, 'to', DataType.FLOAT16);
    }
    if (n.opType === 'ConstantOfShape' && !why) {
      const v = attr(n, 'value', undefined) as onnx.ITensorProto | undefined;
      if (v && v.dataType === DataType.FLOAT) setAttr(n, 'value', makeTensor('', [1], Uint16Array.of(floatToHalf(tensorToFloat32(v)[0])), DataType.FLOAT16));
    }
    for (const o of n.output) if (o && types.get(o)?.type === 'float32') kind.set(o, want);
  }
  added.push(...castOutputsToFloat(g, kind));
  g.node.push(...added);
  g.valueInfo = [];
  g.node = topologicalOrder(g);
  const report: QuantizeReport = {
    mode: 'fp16', settings: { keepFp32Ops: [...keepOps].join(',') }, tensors: [], floatNodes,
    quantizedNodes: order.filter((n) => !blocked(n) && n.output.some((o) => kind.get(o) === 16)).map((n) => ({ node: n.name, opType: n.opType })),
    warnings: [],
  };
  return { model: m, report };
}

/** Float initializers become fp16 where an fp16 node reads them; fp32 readers keep an fp32 copy. */
function halfInitializers(g: Model['graph'], order: Node[], blocked: (n: Node) => string | undefined, isFloatInit: (t: string) => boolean): Map<string, string> {
  const needs16 = new Set<string>();
  const needs32 = new Set<string>();
  for (const n of order) {
    if (n.opType === 'Cast') continue;
    for (const i of n.input) if (isFloatInit(i)) (blocked(n) ? needs32 : needs16).add(i);
  }
  const halfName = new Map<string, string>();
  g.initializer = g.initializer.flatMap((t) => {
    if (!needs16.has(t.name)) return [t];
    const values = tensorToFloat32(t);
    const halves = mapInto(new Uint16Array(values.length), values, floatToHalf);
    const name = needs32.has(t.name) ? `${t.name}_fp16` : t.name;
    halfName.set(t.name, name);
    const half = makeTensor(name, t.dims.map(Number), halves, DataType.FLOAT16);
    return needs32.has(t.name) ? [t, half] : [half];
  });
  return halfName;
}

/** Graph outputs stay fp32: the fp16 value gets a new name and a Cast restores the old one. */
function castOutputsToFloat(g: Model['graph'], kind: Map<string, 16 | 32>): Node[] {
  const added: Node[] = [];
  for (const out of g.output) {
    if (kind.get(out.name) !== 16) continue;
    const inner = `${out.name}_fp16`;
    for (const n of g.node) {
      n.output = n.output.map((o) => (o === out.name ? inner : o));
      n.input = n.input.map((i) => (i === out.name ? inner : i));
    }
    added.push(makeNode('Cast', [inner], [out.name], { name: `${out.name}_Cast_fp32`, attrs: { to: DataType.FLOAT } }));
  }
  return added;
}
