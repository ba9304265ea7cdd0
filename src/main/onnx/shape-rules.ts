// Output shapes per operator type: one rule per op, reading input shapes, attributes and
// the constant values (shape tensors) the driver in shapes.ts has folded so far.
import type { Node } from './model.ts';
import { attrInt, attrInts, attrString, attr } from './graph.ts';

/** A dimension: a size, or a symbol (dim_param such as 'N', or '?' plus a number when unknown). */
export type Dim = number | string;
export type Shape = Dim[];

export interface RuleContext {
  node: Node;
  opset: number;
  /** Shape of input i, undefined when unknown or the input is absent. */
  shape(i: number): Shape | undefined;
  /** Constant value of input i (int64/float shape-like tensors), undefined when not constant. */
  value(i: number): Dim[] | undefined;
  /** A fresh unknown dim. */
  unknown(): string;
}

/** Output shapes by output index; undefined entries stay unknown. */
export type ShapeRule = (c: RuleContext) => (Shape | undefined)[] | undefined;

const isNum = (d: Dim | undefined): d is number => typeof d === 'number';

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

export function broadcast(shapes: (Shape | undefined)[], c: RuleContext): Shape | undefined {
  if (shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes as Shape[]) {
      const d = s[s.length - rank + i];
      if (d === undefined || d === 1) continue;
      if (dim === 1) dim = d;
      else if (dim !== d) dim = isNum(dim) && isNum(d) ? Math.max(dim, d) : isNum(dim) ? dim : isNum(d) ? d : c.unknown();
    }
    out.push(dim);
  }
  return out;
}

const same: ShapeRule = (c) => [c.shape(0)];

/** Spatial output size of a sliding window (Conv, pooling). */
function windowDims(c: RuleContext, x: Shape, kernel: number[], ceil = false): Dim[] {
  const n = kernel.length;
  const strides = attrInts(c.node, 'strides', Array(n).fill(1));
  const dilations = attrInts(c.node, 'dilations', Array(n).fill(1));
  const autoPad = attrString(c.node, 'auto_pad', 'NOTSET');
  const pads = attrInts(c.node, 'pads', Array(2 * n).fill(0));
  return kernel.map((k, i) => {
    const size = x[2 + i];
    if (!isNum(size)) return c.unknown();
    const effective = (k - 1) * dilations[i] + 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(size / strides[i]);
    if (autoPad === 'VALID') return Math.floor((size - effective) / strides[i]) + 1;
    const span = size + pads[i] + pads[i + n] - effective;
    let out = (ceil ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1;
    // ceil_mode: the last window must start inside the input or left padding.
    if (ceil && (out - 1) * strides[i] >= size + pads[i]) out--;
    return out;
  });
}

const conv: ShapeRule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  if (!x || !w) return undefined;
  const kernel = attrInts(c.node, 'kernel_shape', w.slice(2).map((d) => (isNum(d) ? d : 1)));
  return [[x[0], w[0], ...windowDims(c, x, kernel)]];
};

const convTranspose: ShapeRule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  if (!x || !w) return undefined;
  const group = attrInt(c.node, 'group', 1);
  const channels = isNum(w[1]) ? w[1] * group : c.unknown();
  const explicit = attrInts(c.node, 'output_shape', []);
  const n = x.length - 2;
  if (explicit.length > 0) return [[x[0], channels, ...explicit.slice(-n)]];
  const kernel = attrInts(c.node, 'kernel_shape', w.slice(2).map((d) => (isNum(d) ? d : 1)));
  const strides = attrInts(c.node, 'strides', Array(n).fill(1));
  const dilations = attrInts(c.node, 'dilations', Array(n).fill(1));
  const outPad = attrInts(c.node, 'output_padding', Array(n).fill(0));
  const pads = attrInts(c.node, 'pads', Array(2 * n).fill(0));
  const autoPad = attrString(c.node, 'auto_pad', 'NOTSET');
  const spatial = kernel.map((k, i) => {
    const size = x[2 + i];
    if (!isNum(size)) return c.unknown();
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return size * strides[i];
    return strides[i] * (size - 1) + outPad[i] + (k - 1) * dilations[i] + 1 - pads[i] - pads[i + n];
  });
  return [[x[0], channels, ...spatial]];
};

const pool: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  const kernel = attrInts(c.node, 'kernel_shape', []);
  const out = [x[0], x[1], ...windowDims(c, x, kernel, attrInt(c.node, 'ceil_mode', 0) === 1)];
  return [out, out];
};

const globalPool: ShapeRule = (c) => {
  const x = c.shape(0);
  return x ? [[x[0], x[1], ...x.slice(2).map(() => 1)]] : undefined;
};

const gemm: ShapeRule = (c) => {
  const a = c.shape(0);
  const b = c.shape(1);
  if (!a || !b) return undefined;
  const m = attrInt(c.node, 'transA', 0) ? a[1] : a[0];
  const n = attrInt(c.node, 'transB', 0) ? b[0] : b[1];
  return [[m, n]];
};

const matMul: ShapeRule = (c) => {
  const a = c.shape(0);
  const b = c.shape(1);
  if (!a || !b) return undefined;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)], c) ?? [];
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.pop();
  return [out];
};

const elementwise: ShapeRule = (c) => [broadcast(c.node.input.map((_, i) => c.shape(i)), c)];

const batchNorm: ShapeRule = (c) => {
  const x = c.shape(0);
  return x ? [x, [x[1]], [x[1]]] : undefined;
};

const reshape: ShapeRule = (c) => {
  const x = c.shape(0);
  const target = c.value(1);
  if (!target) return undefined;
  const allowZero = attrInt(c.node, 'allowzero', 0) === 1;
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero && x ? x[i] : d));
  const minus = out.indexOf(-1);
  if (minus >= 0) {
    if (!x) { out[minus] = c.unknown(); return [out]; }
    // Symbols present on both sides cancel (e.g. 'N' kept by a 0 or by Shape->Gather).
    const left = [...x];
    let known = 1;
    for (const d of out) {
      if (d === -1) continue;
      const j = left.indexOf(d);
      if (!isNum(d) && j >= 0) { left.splice(j, 1); continue; }
      if (isNum(d)) known *= d; else { out[minus] = c.unknown(); return [out]; }
    }
    if (left.some((d) => !isNum(d))) { out[minus] = c.unknown(); return [out]; }
    const total = (left as number[]).reduce((a, b) => a * b, 1);
    out[minus] = known === 0 ? 0 : total / known;
  }
  return [out];
};

const flatten: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  const axis = normAxis(attrInt(c.node, 'axis', 1), x.length);
  const prod = (ds: Dim[]): Dim => (ds.every(isNum) ? (ds as number[]).reduce((a, b) => a * b, 1) : ds.length === 1 ? ds[0] : c.unknown());
  return [[prod(x.slice(0, axis)), prod(x.slice(axis))]];
};

const transpose: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  const perm = attrInts(c.node, 'perm', x.map((_, i) => x.length - 1 - i));
  return [perm.map((p) => x[p])];
};

const concat: ShapeRule = (c) => {
  const shapes = c.node.input.map((_, i) => c.shape(i));
  if (shapes.some((s) => !s)) return undefined;
  const first = shapes[0]!;
  const axis = normAxis(attrInt(c.node, 'axis', 0), first.length);
  const parts = shapes.map((s) => s![axis]);
  const out = [...first];
  out[axis] = parts.every(isNum) ? (parts as number[]).reduce((a, b) => a + b, 0) : c.unknown();
  return [out];
};

const split: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  const axis = normAxis(attrInt(c.node, 'axis', 0), x.length);
  const outputs = c.node.output.length;
  let sizes: Dim[] | undefined = c.opset >= 13 ? c.value(1) : attrInts(c.node, 'split', []);
  if (!sizes || sizes.length === 0) {
    const total = x[axis];
    if (!isNum(total)) return undefined;
    const chunk = Math.ceil(total / outputs);
    sizes = Array.from({ length: outputs }, (_, i) => Math.max(0, Math.min(chunk, total - i * chunk)));
  }
  return sizes.map((s) => { const out = [...x]; out[axis] = s; return out; });
};

function axesOf(c: RuleContext, inputIndex: number, sinceOpset: number): number[] | undefined {
  if (c.opset >= sinceOpset) {
    if (!c.node.input[inputIndex]) return undefined;
    const v = c.value(inputIndex);
    return v && v.every(isNum) ? (v as number[]) : undefined;
  }
  const a = attr(c.node, 'axes', undefined);
  return a === undefined ? undefined : (a as number[]);
}

const squeeze: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  const axes = axesOf(c, 1, 13)?.map((a) => normAxis(a, x.length));
  return [x.filter((d, i) => (axes ? !axes.includes(i) : d !== 1))];
};

const unsqueeze: ShapeRule = (c) => {
  const x = c.shape(0);
  const axes = axesOf(c, 1, 13);
  if (!x || !axes) return undefined;
  const rank = x.length + axes.length;
  const norm = axes.map((a) => normAxis(a, rank));
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : x[j++]);
  return [out];
};

const slice: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  const fromInputs = c.opset >= 10;
  const starts = fromInputs ? c.value(1) : attrInts(c.node, 'starts', []);
  const ends = fromInputs ? c.value(2) : attrInts(c.node, 'ends', []);
  if (!starts || !ends || !starts.every(isNum) || !ends.every(isNum)) return undefined;
  const axes = (fromInputs ? (c.node.input[3] ? c.value(3) : undefined) : attrInts(c.node, 'axes', [])) ?? starts.map((_, i) => i);
  const steps = (fromInputs && c.node.input[4] ? c.value(4) : undefined) ?? starts.map(() => 1);
  const out = [...x];
  (axes.length ? axes : starts.map((_, i) => i)).forEach((a, k) => {
    const axis = normAxis(a as number, x.length);
    const size = x[axis];
    if (!isNum(size)) { out[axis] = c.unknown(); return; }
    const step = steps[k] as number;
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
    let s = starts[k] as number;
    let e = ends[k] as number;
    s = s < 0 ? s + size : s;
    e = e < 0 ? e + size : e;
    if (step > 0) { s = clamp(s, 0, size); e = clamp(e, 0, size); out[axis] = Math.max(0, Math.ceil((e - s) / step)); }
    else { s = clamp(s, 0, size - 1); e = clamp(e, -1, size - 1); out[axis] = Math.max(0, Math.ceil((e - s) / step)); }
  });
  return [out];
};

const pad: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  const pads = c.opset >= 11 ? c.value(1) : attrInts(c.node, 'pads', []);
  if (!pads || !pads.every(isNum)) return undefined;
  const axesValue = c.opset >= 18 && c.node.input[3] ? c.value(3) : undefined;
  const axes = axesValue ? (axesValue as number[]).map((a) => normAxis(a, x.length)) : x.map((_, i) => i);
  const out = [...x];
  axes.forEach((axis, k) => {
    const d = x[axis];
    const extra = (pads[k] as number) + (pads[k + axes.length] as number);
    out[axis] = isNum(d) ? d + extra : extra === 0 ? d : c.unknown();
  });
  return [out];
};

const resize: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  // Resize (opset 11+): X, roi, scales, sizes; Upsample: X, scales.
  const sizes = c.node.opType === 'Resize' && c.node.input[3] ? c.value(3) : undefined;
  if (sizes) return [sizes];
  const scalesIndex = c.node.opType === 'Resize' ? (c.opset >= 11 ? 2 : 1) : 1;
  const scales = c.node.input[scalesIndex] ? c.value(scalesIndex) : attr(c.node, 'scales', undefined) as number[] | undefined;
  if (!scales || scales.length !== x.length) return undefined;
  return [x.map((d, i) => (isNum(d) ? Math.floor(d * (scales[i] as number)) : scales[i] === 1 ? d : c.unknown()))];
};

const reduce: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  const keep = attrInt(c.node, 'keepdims', 1) === 1;
  const sinceInput = c.node.opType === 'ReduceSum' ? 13 : 18;
  let axes = axesOf(c, 1, sinceInput);
  if (axes === undefined && c.opset >= sinceInput && c.node.input[1]) return undefined;
  if (!axes || axes.length === 0) {
    if (attrInt(c.node, 'noop_with_empty_axes', 0) === 1) return [x];
    axes = x.map((_, i) => i);
  }
  const norm = axes.map((a) => normAxis(a, x.length));
  return [keep ? x.map((d, i) => (norm.includes(i) ? 1 : d)) : x.filter((_, i) => !norm.includes(i))];
};

const argReduce: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  const axis = normAxis(attrInt(c.node, 'axis', 0), x.length);
  return [attrInt(c.node, 'keepdims', 1) ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis)];
};

const gather: ShapeRule = (c) => {
  const data = c.shape(0);
  const indices = c.shape(1);
  if (!data || !indices) return undefined;
  const axis = normAxis(attrInt(c.node, 'axis', 0), data.length);
  return [[...data.slice(0, axis), ...indices, ...data.slice(axis + 1)]];
};

const shapeOp: ShapeRule = (c) => {
  const x = c.shape(0);
  if (!x) return undefined;
  const start = normAxis(attrInt(c.node, 'start', 0), x.length);
  const end = normAxis(attrInt(c.node, 'end', x.length), x.length);
  return [[Math.max(0, Math.min(end, x.length) - Math.max(0, start))]];
};

const expand: ShapeRule = (c) => {
  const target = c.value(1);
  return target ? [broadcast([c.shape(0), target], c)] : undefined;
};

const tile: ShapeRule = (c) => {
  const x = c.shape(0);
  const reps = c.value(1);
  if (!x || !reps) return undefined;
  return [x.map((d, i) => (isNum(d) && isNum(reps[i]) ? d * reps[i] : c.unknown()))];
};

const fromValue = (i: number): ShapeRule => (c) => {
  const v = c.value(i);
  return v ? [v] : undefined;
};

const qlinearConv: ShapeRule = (c) => conv({ ...c, shape: (i) => c.shape(i === 0 ? 0 : i === 1 ? 3 : i) });
const qlinearMatMul: ShapeRule = (c) => matMul({ ...c, shape: (i) => c.shape(i === 0 ? 0 : 3) });

const UNARY = ['Relu', 'Clip', 'Sigmoid', 'Tanh', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'HardSigmoid', 'HardSwish',
  'Softmax', 'LogSoftmax', 'Hardmax', 'Exp', 'Log', 'Sqrt', 'Neg', 'Abs', 'Identity', 'Cast', 'CastLike', 'Erf', 'Gelu',
  'Softplus', 'Softsign', 'Not', 'Floor', 'Ceil', 'Round', 'Reciprocal', 'QuantizeLinear', 'DequantizeLinear', 'Sign',
  'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'LRN', 'InstanceNormalization', 'LayerNormalization',
  'Mish', 'CumSum', 'ThresholdedRelu', 'Shrink', 'IsNaN', 'IsInf', 'Dropout', 'PRelu', 'GroupNormalization',
  'MeanVarianceNormalization', 'LpNormalization', 'Trilu', 'ReverseSequence', 'ScatterElements', 'ScatterND', 'Scatter'];
const BINARY = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Equal', 'Less', 'LessOrEqual',
  'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Mod', 'BitShift', 'Where', 'QLinearAdd', 'QLinearMul'];

export const SHAPE_RULES: Record<string, ShapeRule> = {
  ...Object.fromEntries(UNARY.map((op) => [op, same])),
  ...Object.fromEntries(BINARY.map((op) => [op, elementwise])),
  PRelu: elementwise,
  Dropout: (c) => [c.shape(0), c.shape(0)],
  Conv: conv, ConvInteger: conv, ConvTranspose: convTranspose, QLinearConv: qlinearConv,
  MaxPool: pool, AveragePool: pool, LpPool: pool,
  GlobalAveragePool: globalPool, GlobalMaxPool: globalPool, GlobalLpPool: globalPool,
  Gemm: gemm, MatMul: matMul, MatMulInteger: matMul, QLinearMatMul: qlinearMatMul,
  // Dynamic int8 (what `quantize` mode dynamic inserts before each MatMulInteger): y like x, scalar scale and zero point.
  DynamicQuantizeLinear: (c) => [c.shape(0), [], []],
  BatchNormalization: batchNorm,
  Reshape: reshape, Flatten: flatten, Transpose: transpose, Concat: concat, Split: split,
  Squeeze: squeeze, Unsqueeze: unsqueeze, Slice: slice, Pad: pad, Resize: resize, Upsample: resize,
  ReduceMean: reduce, ReduceSum: reduce, ReduceMax: reduce, ReduceMin: reduce, ReduceProd: reduce,
  ReduceL1: reduce, ReduceL2: reduce, ReduceLogSumExp: reduce, ReduceSumSquare: reduce,
  ArgMax: argReduce, ArgMin: argReduce,
  Gather: gather, Shape: shapeOp, Size: () => [[]], Expand: expand, Tile: tile,
  ConstantOfShape: fromValue(0),
};
