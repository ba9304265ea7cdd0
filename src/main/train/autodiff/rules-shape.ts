// Gradient rules of ops that move values without arithmetic (reshapes, transposes, slicing,
// padding, concatenation, gathers) and of the reductions.
import { attrInt, attrInts, attrString } from '../../onnx/graph.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { GradientRule, RuleArgs } from './rule.ts';
import { normAxis, numel, type Emitter } from './emit.ts';

const reshapeBack: GradientRule = ({ node, dY, e }) => [e.reshape(dY[0]!, e.shape(node.input[0])), ...node.input.slice(1).map(() => null)];

const transpose: GradientRule = ({ node, dY, e }) => {
  const rank = e.shape(node.input[0]).length;
  const perm = attrInts(node, 'perm', Array.from({ length: rank }, (_, i) => rank - 1 - i));
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => { inverse[p] = i; });
  return [e.transpose(dY[0]!, inverse)];
};

const concat: GradientRule = ({ node, dY, e, needs }) => {
  const rank = e.shape(node.output[0]).length;
  const axis = normAxis(attrInt(node, 'axis', 0), rank);
  const sizes = node.input.map((i) => e.shape(i)[axis]);
  const parts = e.op('Split', [dY[0]!, e.constI64(sizes)], { axis }, sizes.length);
  return parts.map((p, i) => (needs[i] ? p : null));
};

const split: GradientRule = ({ node, dY, e }) => {
  const rank = e.shape(node.input[0]).length;
  const axis = normAxis(attrInt(node, 'axis', 0), rank);
  const parts = node.output.map((o, i) => dY[i] ?? e.zeros(e.shape(o)));
  return [e.op1('Concat', parts, { axis }), null];
};

/** Per-axis source index of every output position; -1 where the output has no source. */
function indexMap(inputDims: number[], perAxis: number[][]): Int32Array {
  const strides = inputDims.map((_, i) => numel(inputDims.slice(i + 1)));
  let flat = [0];
  perAxis.forEach((sources, axis) => {
    const next: number[] = [];
    for (const base of flat) for (const s of sources) next.push(base < 0 || s < 0 ? -1 : base + s * strides[axis]);
    flat = next;
  });
  return Int32Array.from(flat);
}

function sliceBounds(dim: number, start: number, end: number, step: number): number[] {
  const clampTo = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  let s = start < 0 ? start + dim : start;
  let t = end < 0 ? end + dim : end;
  if (step > 0) { s = clampTo(s, 0, dim); t = clampTo(t, 0, dim); } else { s = clampTo(s, 0, dim - 1); t = clampTo(t, -1, dim - 1); }
  const out: number[] = [];
  for (let i = s; step > 0 ? i < t : i > t; i += step) out.push(i);
  return out;
}

const slice: GradientRule = ({ node, dY, e }) => {
  const [x, startsName, endsName, axesName, stepsName] = node.input;
  const xs = e.shape(x);
  const starts = e.intValue(startsName, 'Slice start');
  const ends = e.intValue(endsName, 'Slice end');
  const axes = axesName ? e.intValue(axesName, 'Slice axes').map((a) => normAxis(a, xs.length)) : starts.map((_, i) => i);
  const steps = stepsName ? e.intValue(stepsName, 'Slice steps') : starts.map(() => 1);
  const perAxis = xs.map((d) => Array.from({ length: d }, (_, i) => i));
  axes.forEach((axis, i) => { perAxis[axis] = sliceBounds(xs[axis], starts[i], ends[i], steps[i]); });
  const none = node.input.slice(1).map(() => null);
  if (steps.every((s) => s === 1)) {
    const pads = [...perAxis.map((p) => p[0] ?? 0), ...perAxis.map((p, a) => xs[a] - (p.length ? p[p.length - 1] + 1 : 0))];
    return [e.op1('Pad', [dY[0]!, e.constI64(pads)]), ...none];
  }
  return [e.scatterByIndexMap(dY[0]!, indexMap(xs, perAxis), xs), ...none];
};

function padSource(o: number, size: number, before: number, mode: string): number {
  const p = o - before;
  if (p >= 0 && p < size) return p;
  if (mode === 'edge') return Math.min(Math.max(p, 0), size - 1);
  if (mode === 'reflect') {
    const period = 2 * (size - 1);
    const m = ((p % period) + period) % period;
    return m < size ? m : period - m;
  }
  if (mode === 'wrap') return ((p % size) + size) % size;
  return -1;
}

const pad: GradientRule = ({ node, dY, e }) => {
  const [x, padsName, , axesName] = node.input;
  const xs = e.shape(x);
  const rank = xs.length;
  const raw = e.intValue(padsName, 'Pad amounts');
  const axes = axesName ? e.intValue(axesName, 'Pad axes').map((a) => normAxis(a, rank)) : xs.map((_, i) => i);
  const before = Array(rank).fill(0);
  const after = Array(rank).fill(0);
  axes.forEach((a, i) => { before[a] = raw[i]; after[a] = raw[i + axes.length]; });
  const mode = attrString(node, 'mode', 'constant');
  const none = node.input.slice(1).map(() => null);
  if (mode === 'constant' && [...before, ...after].every((p) => p >= 0)) {
    const sliced = e.op1('Slice', [dY[0]!, e.constI64(before), e.constI64(before.map((b, i) => b + xs[i])), e.constI64(xs.map((_, i) => i))]);
    return [sliced, ...none];
  }
  const perAxis = xs.map((size, a) => Array.from({ length: size + before[a] + after[a] }, (_, o) => padSource(o, size, before[a], mode)));
  return [e.scatterByIndexMap(dY[0]!, indexMap(xs, perAxis), xs), ...none];
};

function reduceAxes(a: RuleArgs): number[] {
  const rank = a.e.shape(a.node.input[0]).length;
  const fromInput = a.node.input[1];
  let axes = fromInput ? a.e.intValue(fromInput, `${a.node.opType} axes`) : attrInts(a.node, 'axes', []);
  if (axes.length === 0) {
    if (attrInt(a.node, 'noop_with_empty_axes', 0) === 1) return [];
    axes = Array.from({ length: rank }, (_, i) => i);
  }
  return axes.map((x) => normAxis(x, rank)).sort((p, q) => p - q);
}

function reduceGrad(a: RuleArgs, mean: boolean): (string | null)[] {
  const xs = a.e.shape(a.node.input[0]);
  const axes = reduceAxes(a);
  if (axes.length === 0) return [a.dY[0], null];
  const kept = xs.map((d, i) => (axes.includes(i) ? 1 : d));
  let g = a.e.reshape(a.dY[0]!, kept);
  if (mean) g = a.e.op1('Mul', [g, a.e.scalar(1 / numel(axes.map((i) => xs[i])))]);
  return [a.e.op1('Expand', [g, a.e.constI64(xs)]), null];
}

/** Scatter-add dY rows into a zero table: the gradient of an embedding lookup. */
function gatherData(e: Emitter, dY: string, indices: string, dataDims: number[], axis: number): string {
  const idxRank = e.shape(indices).length;
  const dyRank = dataDims.length - 1 + idxRank;
  // Bring the gathered axis to the front so one ScatterND over axis 0 does it.
  const front = [axis, ...dataDims.map((_, i) => i).filter((i) => i !== axis)];
  const table = front.map((i) => dataDims[i]);
  const dyPerm = [
    ...Array.from({ length: idxRank }, (_, i) => axis + i),
    ...Array.from({ length: axis }, (_, i) => i),
    ...Array.from({ length: dyRank - axis - idxRank }, (_, i) => axis + idxRank + i),
  ];
  const idx = e.op1('Unsqueeze', [e.op1('Cast', [indices], { to: 7 }), e.constI64([-1])]);
  const scattered = e.op1('ScatterND', [e.zeros(table), idx, e.transpose(dY, dyPerm)], { reduction: 'add' });
  const back = new Array<number>(front.length);
  front.forEach((p, i) => { back[p] = i; });
  return e.transpose(scattered, back);
}

const gather: GradientRule = ({ node, dY, e, needs }) => {
  const [data, indices] = node.input;
  const dims = e.shape(data);
  const axis = normAxis(attrInt(node, 'axis', 0), dims.length);
  if (!needs[0]) return [null, null];
  if (e.values.get(indices)?.some((v) => v < 0)) {
    throw new WhittleError('train.unsupported', `Gather '${node.name}' uses negative indices; training needs them non-negative.`);
  }
  return [gatherData(e, dY[0]!, indices, dims, axis), null];
};

export const SHAPE_RULES: Record<string, GradientRule> = {
  Flatten: reshapeBack, Reshape: reshapeBack, Squeeze: reshapeBack, Unsqueeze: reshapeBack,
  Transpose: transpose, Concat: concat, Split: split, Slice: slice, Pad: pad,
  ReduceSum: (a) => reduceGrad(a, false), ReduceMean: (a) => reduceGrad(a, true),
  Gather: gather,
};
