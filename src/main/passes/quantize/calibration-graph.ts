// The calibration model: the float model plus, for every calibrated value, its per-sample
// minimum and maximum reduced inside ONNX Runtime, so only [N]-sized results reach JS.
import { makeNode, topologicalOrder } from '../../onnx/graph.ts';
import { copySharingTensors, opsetVersion, type Model, type Node } from '../../onnx/model.ts';
import { onnx } from '../../onnx/proto.ts';
import { int64Tensor, tensorToFloat32 } from '../../onnx/tensor.ts';
import type { ValueType } from './probe.ts';
import { appliesToSample, samplePlan, type SampledValue } from './histogram-sample.ts';

/** Where one value's per-sample range comes out of the calibration model. */
export interface RangeOutputs {
  tensor: string;
  /** Per-sample maximum, [N]; a scalar for a value of rank 0 or 1 (no sample axis to keep). */
  max: string;
  /** Per-sample minimum; absent for values >= 0 by construction (Relu, Sigmoid, ...). */
  min?: string;
  /**
   * 'silu': `max` and `min` are the range of the value's input x (the value is x * sigmoid(x)),
   * and its own range is SiLU of that, computed here from the [N] reductions (siluRange).
   */
  of?: 'silu';
}

/** Values per sample (per row) the histogram methods bin of each value: a value that holds more is sampled. */
export interface HistogramSampling {
  budget: number;
}

export interface CalibrationGraph {
  model: Model;
  ranges: RangeOutputs[];
  /**
   * Outputs of nodes that read a value of rank >= 2 sample by sample with no regard to the order
   * of its channels: reductions over every axis but the first (the same result over any layout)
   * and the flattening a strided sample is taken from (an equally spread sample over any layout).
   * See blocked-reductions.ts.
   */
  perSample: Set<string>;
  /** Histogram methods: the values sampled, each with its exact per-row range in `ranges`. */
  samples: SampledValue[];
  /** Histogram methods: the values read as they are (rank 0 or 1, or rows of no fixed size). */
  wholes: string[];
  /** Sums of the model's float outputs: a NaN or Inf that reached an output makes them non-finite. */
  checks: string[];
  /** What each calibration run fetches, each once (a SiLU's range outputs are its input's). */
  fetches: string[];
}

/**
 * `model` with range outputs for `names` (MinMax calibration). Two ONNX Runtime behaviours shape the graph:
 * - Convolutions run in the blocked NCHWc layout. GlobalMaxPool reads it as it is, so the maximum
 *   of a value >= 0 by construction is pooled. No pooling op gives a minimum: ReduceMin makes ORT
 *   copy the value back to NCHW (once; a value a layer reads in NCHW already has that copy), and
 *   the maximum is reduced from the same copy. Negating on the blocked layout instead (a -1
 *   depthwise Conv, pooled like the maximum) measured the same loop time on EfficientNet-B0-style
 *   (1-thread CPU per sample, three interleaved rounds: 1.54/1.86/1.69x the forward pass vs
 *   1.54/1.70/1.69x this way) with 1247 nodes instead of 714, and ORT's session creation grows
 *   faster than the node count (~1.26 s vs ~0.97 s under the same load). ORT's profiler (batch 16,
 *   ms per sample) shows why: both ways read or write each such value four times. The copies and
 *   reductions cost 4.4 + 4.4; the -1 Conv and the pools cost 4.2 + 3.8 (the copies left: 0.9).
 * - ORT orders execution by a depth-first walk from the graph's leaves, the leaf with the highest
 *   node index first. Leaves appended latest-value-first make each reduction run right after its
 *   value; in model order (or fused away) they would all run last, keeping every value alive.
 * With `sampling` (histogram methods), every value's sample comes out too (see histogram-sample.ts),
 * among the leaves of its value.
 */
export function withRangeOutputs(model: Model, names: string[], types: Map<string, ValueType>, sampling?: HistogramSampling): CalibrationGraph {
  const copy = copySharingTensors(model);
  const nonNegative = nonNegativeValues(model);
  const blocked = likelyBlockedValues(model, types);
  const producers = new Map(model.graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const byTensor = new Map<string, RangeOutputs>();
  const gated = gatedProducts(model, names, types, nonNegative);
  const gatedInputs = new Set([...gated.values()].map((p) => p.input));
  const perChannel = new Map<string, PerChannel>();
  const g = new GraphAppender(copy);
  const checks = model.graph.output.filter((o) => o.type?.tensorType?.elemType === onnx.TensorProto.DataType.FLOAT).map((o) => g.add('ReduceSum', [o.name], { keepdims: 0 }, g.leaves[0]));
  const wholes: string[] = [];
  const rangeOf = (name: string, leaves: Node[]): RangeOutputs => {
    // A gate's input is reduced per channel even where its range could be derived: that saves reading the product.
    if (gatedInputs.has(name)) return remember(byTensor, perChannelRange(g, name, nonNegative.has(name), perChannel, leaves));
    const producer = producers.get(name);
    const derived = throughMonotonic(g, producer, byTensor, leaves, nonNegative) ?? throughSwish(producer, producers, byTensor) ?? throughGate(g, name, gated.get(name), perChannel, leaves);
    if (derived) return remember(byTensor, derived);
    const shape = types.get(name)?.shape ?? [];
    // A value that needs its minimum is read in NCHW anyway (ReduceMin), so its maximum is reduced there too.
    if (!nonNegative.has(name)) return remember(byTensor, { tensor: name, max: g.perSample('ReduceMax', name, shape.length, leaves), min: g.perSample('ReduceMin', name, shape.length, leaves) });
    const pooled = shape.length >= 3 && blocked.has(name);
    return remember(byTensor, { tensor: name, max: g.perSample('ReduceMax', pooled ? g.add('GlobalMaxPool', [name]) : name, shape.length, leaves) });
  };
  const bySample = new Map<string, SampledValue>();
  const inits = new Set(model.graph.initializer.map((t) => t.name));
  const ranges = inModelOrder(model, names).map((name, i): RangeOutputs => {
    const leaves = (g.leaves[i + 1] = []);
    const range = rangeOf(name, leaves);
    if (sampling) {
      // An elementwise function of a sampled value: the same operator on that value's sample.
      const producer = producers.get(name);
      const source = appliesToSample(producer, (input) => inits.has(input)) ? bySample.get(producer.input[0]) : undefined;
      const sample = source ? { ...source, tensor: name, output: g.addLike(producer!, source.output, leaves) } : sampleOf(g, name, types.get(name)?.shape ?? [], sampling.budget, leaves);
      if (sample) bySample.set(name, sample);
      else wholes.push(name);
    }
    return range;
  });
  // Checks first (lowest index, walked last), then the latest value's reductions (walked first).
  g.finish([g.leaves[0], ...g.leaves.slice(1).reverse()].flat());
  const samples = [...bySample.values()];
  const fetches = [...new Set([...checks, ...ranges.flatMap((r) => (r.min ? [r.max, r.min] : [r.max])), ...samples.map((s) => s.output), ...wholes])];
  const declared = new Set(copy.graph.output.map((o) => o.name));
  for (const out of fetches.filter((o) => !declared.has(o))) copy.graph.output.push(onnx.ValueInfoProto.create({ name: out }));
  return { model: copy, ranges, checks, perSample: g.perSampleReads, samples, wholes, fetches };
}

/** The dimensions of a row of a value of rank >= 2 whose rows have a fixed size. */
function fixedRows(shape: (number | string)[]): number[] | undefined {
  const dims = shape.slice(1);
  return shape.length >= 2 && dims.every((d): d is number => typeof d === 'number' && d > 0) ? dims : undefined;
}

/**
 * A value of rank >= 2's sample (see histogram-sample.ts): runs of its rows as the calibration
 * model's output; undefined when its rows have no fixed size (it is read whole). Rows that hold no more
 * than `budget` values come out whole the same way: a graph output ORT keeps in its blocked
 * layout gets a copy back to NCHW that ORT runs first, along with everything it depends on
 * (EfficientNet-B0-style: 1.0 GB against 0.5 GB), while the flattening reads that layout as it is.
 */
function sampleOf(g: GraphAppender, name: string, shape: (number | string)[], budget: number, leaves: Node[]): SampledValue | undefined {
  const dims = fixedRows(shape);
  if (!dims) return undefined;
  const plan = samplePlan(dims, budget);
  return { tensor: name, ...plan, output: g.strided(name, plan, leaves) };
}

function remember(byTensor: Map<string, RangeOutputs>, r: RangeOutputs): RangeOutputs {
  byTensor.set(r.tensor, r);
  return r;
}

/**
 * y = f(x) for an increasing elementwise f (Sigmoid after a convolution, ...) whose input is
 * calibrated too: y's per-sample range is f of x's, computed by the same operator on the [N]
 * reductions, so y is never read again (and ORT can still fuse x * sigmoid(x)).
 */
function throughMonotonic(g: GraphAppender, node: Node | undefined, byTensor: Map<string, RangeOutputs>, leaves: Node[], nonNegative: Set<string>): RangeOutputs | undefined {
  const x = node && isIncreasing(node) ? byTensor.get(node.input[0]) : undefined;
  if (!node || !x?.min || x.of) return undefined;
  const max = g.addLike(node, x.max, leaves);
  // A Sigmoid's or Relu's minimum is not needed, as for any value >= 0 (its range starts at 0 either way).
  if (nonNegative.has(node.output[0])) return { tensor: node.output[0], max };
  return { tensor: node.output[0], max, min: g.addLike(node, x.min, leaves) };
}

/** Where SiLU, x * sigmoid(x), takes its minimum: the root of 1 + x + e^-x = 0 (to float precision). */
const SILU_ARGMIN = -1.2784645;
/** SiLU's own minimum, SiLU(SILU_ARGMIN). */
const SILU_MIN = -0.27846454;
/**
 * Taken off SiLU's minimum where it stands for the values' lowest: ORT's SiLU of floats near x*
 * can come out a little below it (MLAS's logistic is an approximation); more than siluBound's
 * margin there (5.7e-7).
 */
const SILU_MIN_MARGIN = 1e-6;

/**
 * SiLU of a float32 x as ORT might compute it, moved out to a bound on `up`'s side: computed in
 * double and rounded, then moved by 2^-20 of itself plus 2^-22 of |x|. ORT computes SiLU with
 * MLAS's approximate logistic; over 2.4 M floats (every 2^-16 in [-20, 20], +-e^k for k in
 * [-30, 30], and -e^k up to k = 88) its SiLU stayed within 0.58 of that margin of this one: up
 * to 2 ulps where the logistic is near 1, and up to 1.5e-7 |x| where it is near 0 (a SiLU of
 * -17 is -7e-7 and came out 2.4e-6 off). Its sign was x's every time (x times a logistic >= 0),
 * so the bound never crosses 0 on the far side: a pre-activation of -1e30 does not make the
 * range's maximum 2.4e23.
 */
function siluBound(x: number, up: boolean): number {
  const v = x / (1 + Math.exp(-x));
  const bound = Math.fround(v + (up ? 1 : -1) * (Math.abs(v) * 2 ** -20 + Math.abs(x) * 2 ** -22));
  if (up && x < 0) return Math.min(0, bound);
  if (!up && x > 0) return Math.max(0, bound);
  return bound;
}

/**
 * The range of y = x * sigmoid(x) over values x in [lo, hi]. SiLU falls until x* = -1.278 and
 * rises after, so its maximum is at an end: the larger of SiLU(lo) and SiLU(hi), SiLU of values
 * of x. Its minimum is SiLU(lo) when lo >= x*, SiLU(hi) when hi <= x*, and otherwise SiLU's own
 * minimum less 1e-6: a bound below every value, within 2e-6 of the lowest once any x lies within
 * 0.002 of x* (SiLU is flat there; a feature map of BatchNorm outputs has many that do). Each
 * end is a bound on ORT's own SiLU of those values (siluBound), within 1e-6 of it plus 2.4e-7 of
 * |x|: far below one quantization step, 1/255 of the range. NaN in either end gives NaN.
 */
export function siluRange(lo: number, hi: number): { min: number; max: number } {
  if (Number.isNaN(lo) || Number.isNaN(hi)) return { min: Number.NaN, max: Number.NaN };
  const max = Math.max(siluBound(lo, true), siluBound(hi, true));
  if (lo >= SILU_ARGMIN) return { min: siluBound(lo, false), max };
  if (hi <= SILU_ARGMIN) return { min: siluBound(hi, false), max };
  return { min: Math.fround(SILU_MIN - SILU_MIN_MARGIN), max };
}

/**
 * y = x * sigmoid(x) (SiLU, as PyTorch exports it) whose input x is calibrated: y is never read
 * again, and its range comes from x's [N] reductions (siluRange) with no node of its own.
 * (Computed by ops on the reductions, each SiLU took 15 nodes: EfficientNet-B0-style's 33 made
 * its calibration graph 1142 nodes rather than 647, and ORT's session creation takes about
 * 0.2 ms per node here, twice, as the calibration session is made twice.)
 */
function throughSwish(node: Node | undefined, producers: Map<string, Node>, byTensor: Map<string, RangeOutputs>): RangeOutputs | undefined {
  if (node?.opType !== 'Mul' || node.input.length !== 2) return undefined;
  const [a, b] = node.input;
  const x = [[a, b], [b, a]].find(([v, s]) => { const p = producers.get(s); return p?.opType === 'Sigmoid' && p.input[0] === v; })?.[0];
  const range = x === undefined ? undefined : byTensor.get(x);
  if (!range?.min || range.of) return undefined;
  return { tensor: node.output[0], max: range.max, min: range.min, of: 'silu' };
}

/** y = a * g with g >= 0 by construction and one value per channel ([N, C, 1, 1], a squeeze-excite gate), a and y both calibrated. */
interface GatedProduct {
  input: string;
  gate: string;
}

/** A value's [N, C, 1, 1] extremes; no minimum for a value >= 0 by construction. */
interface PerChannel {
  max: string;
  min?: string;
}

/** Gated products by output name. */
function gatedProducts(model: Model, names: string[], types: Map<string, ValueType>, nonNegative: Set<string>): Map<string, GatedProduct> {
  const wanted = new Set(names);
  const out = new Map<string, GatedProduct>();
  for (const n of model.graph.node) {
    if (n.opType !== 'Mul' || n.input.length !== 2 || !wanted.has(n.output[0])) continue;
    const [a, gate] = nonNegative.has(n.input[1]) ? [n.input[0], n.input[1]] : [n.input[1], n.input[0]];
    const as = types.get(a)?.shape ?? [];
    const gs = types.get(gate)?.shape ?? [];
    const perChannelGate = as.length === 4 && gs.length === 4 && gs[2] === 1 && gs[3] === 1 && typeof as[1] === 'number' && gs[1] === as[1];
    if (!wanted.has(a) || !nonNegative.has(gate) || !perChannelGate || !(typeof as[2] === 'number' && as[2] * Number(as[3]) > 1)) continue;
    out.set(n.output[0], { input: a, gate });
  }
  return out;
}

/**
 * A value some gated product reads: its maximum (and minimum) per channel, [N, C, 1, 1], and
 * the per-sample range from those. ORT reads `a` in NCHW anyway (a broadcasting Mul is not
 * blocked), so this costs what the per-sample reductions cost.
 */
function perChannelRange(g: GraphAppender, name: string, nonNegative: boolean, perChannel: Map<string, PerChannel>, leaves: Node[]): RangeOutputs {
  const max = g.reduce('ReduceMax', name, [2, 3], 1);
  const min = nonNegative ? undefined : g.reduce('ReduceMin', name, [2, 3], 1);
  perChannel.set(name, { max, min });
  return { tensor: name, max: g.perSample('ReduceMax', max, 4, leaves), min: min ? g.perSample('ReduceMin', min, 4, leaves) : undefined };
}

/**
 * y = a * g, g >= 0 per channel: rounding a product by a fixed g >= 0 keeps the order of the
 * a's, so y's per-channel extremes are g times a's, bit for bit, and y is never read again
 * (EfficientNet-B0-style: 16 squeeze-excite outputs, 2.3 M floats per sample, two passes each).
 */
function throughGate(g: GraphAppender, name: string, gated: GatedProduct | undefined, perChannel: Map<string, PerChannel>, leaves: Node[]): RangeOutputs | undefined {
  const a = gated && perChannel.get(gated.input);
  if (!gated || !a) return undefined;
  const max = g.perSample('ReduceMax', g.add('Mul', [a.max, gated.gate]), 4, leaves);
  // a >= 0 makes y >= 0: only its maximum, as for any such value.
  if (!a.min) return { tensor: name, max };
  return { tensor: name, max, min: g.perSample('ReduceMin', g.add('Mul', [a.min, gated.gate]), 4, leaves) };
}

function isIncreasing(node: Node): boolean {
  // Clip's bounds are scalars, so they apply to the [N] reductions as they do to x.
  if (['Sigmoid', 'Tanh', 'Relu', 'Clip', 'Exp', 'Softplus', 'Erf'].includes(node.opType)) return true;
  // LeakyRelu and HardSigmoid only with a slope >= 0.
  const slope = node.attribute.find((a) => a.name === 'alpha')?.f;
  if (node.opType === 'LeakyRelu') return (slope ?? 0.01) >= 0;
  if (node.opType === 'HardSigmoid') return (slope ?? 0.2) >= 0;
  return false;
}

/** Values >= 0 by construction (ranges include 0 anyway): only their maximum is reduced. */
function nonNegativeValues(model: Model): Set<string> {
  const inits = new Map(model.graph.initializer.map((t) => [t.name, t]));
  const out = new Set<string>();
  for (const n of model.graph.node) {
    if (NON_NEGATIVE_OPS.has(n.opType)) out.add(n.output[0]);
    if (n.opType === 'Clip' && n.input[1] && inits.has(n.input[1]) && tensorToFloat32(inits.get(n.input[1])!)[0] >= 0) out.add(n.output[0]);
  }
  return out;
}

const NON_NEGATIVE_OPS = new Set(['Relu', 'Sigmoid', 'HardSigmoid', 'Softmax', 'Softplus', 'Abs', 'Exp']);

/**
 * Values ORT most likely keeps in its blocked layout (after a Conv, and the ops its NCHWc
 * transformer carries that layout through). Pooling them avoids a copy back to NCHW; for the
 * others, ReduceMin/ReduceMax read the value as it is. A wrong guess costs time, not accuracy.
 */
function likelyBlockedValues(model: Model, types: Map<string, ValueType>): Set<string> {
  const blocked = new Set<string>();
  const inits = new Set(model.graph.initializer.map((t) => t.name));
  const sameShape = (a: string, b: string): boolean => JSON.stringify(types.get(a)?.shape) === JSON.stringify(types.get(b)?.shape);
  for (const n of topologicalOrder(model.graph)) {
    const data = n.input.filter((i) => i && !inits.has(i));
    const carried = data.length > 0 && data.every((i) => blocked.has(i) && sameShape(i, data[0]));
    if (n.opType === 'Conv' || (LAYOUT_CARRIERS.has(n.opType) && carried)) blocked.add(n.output[0]);
  }
  return blocked;
}

const LAYOUT_CARRIERS = new Set(['Relu', 'Sigmoid', 'Tanh', 'Clip', 'Add', 'Sum', 'Mul', 'Concat', 'BatchNormalization', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Resize', 'Upsample']);

/** `names` sorted by where the model computes them. */
function inModelOrder(model: Model, names: string[]): string[] {
  const position = new Map<string, number>();
  topologicalOrder(model.graph).forEach((n, i) => n.output.forEach((o) => position.set(o, i)));
  return [...names].sort((a, b) => (position.get(a) ?? -1) - (position.get(b) ?? -1));
}

/** Appends nodes to a graph copy: helpers first, then the leaves in the order `finish` gets them. */
class GraphAppender {
  /** Leaf nodes by group; group 0 is the output checks. */
  readonly leaves: Node[][] = [[]];
  readonly perSampleReads = new Set<string>();
  private readonly helpers: Node[] = [];
  private readonly constants = new Map<string, string>();
  private readonly opset: number;
  private readonly used: Set<string>;

  constructor(private readonly model: Model) {
    this.opset = opsetVersion(model) ?? 13;
    this.used = new Set(model.graph.initializer.map((t) => t.name));
    for (const v of model.graph.input) this.used.add(v.name);
    for (const n of model.graph.node) for (const name of [n.name, ...n.output]) this.used.add(name);
  }

  /** A node computing `opType` of `inputs`; into `leaves` when given, else a helper. */
  add(opType: string, inputs: string[], attrs?: Record<string, number | number[]>, leaves?: Node[]): string {
    const out = this.fresh(`${inputs[0]}__${opType.toLowerCase()}`);
    (leaves ?? this.helpers).push(makeNode(opType, inputs, [out], { name: out, attrs }));
    return out;
  }

  /** `node`'s operator (attributes and constant inputs kept) applied to `input` instead of its data input. */
  addLike(node: Node, input: string, leaves: Node[]): string {
    const out = this.fresh(`${input}__${node.opType.toLowerCase()}`);
    leaves.push(onnx.NodeProto.create({ opType: node.opType, domain: node.domain, attribute: node.attribute, input: [input, ...node.input.slice(1)], output: [out], name: out }));
    return out;
  }

  /** Reduce over every axis but the first ([N] out); over all axes for rank 0 or 1. */
  perSample(op: 'ReduceMax' | 'ReduceMin', input: string, rank: number, leaves: Node[]): string {
    if (rank < 2) return this.add(op, [input], { keepdims: 0 }, leaves);
    const out = this.reduce(op, input, Array.from({ length: rank - 1 }, (_, i) => i + 1), 0, leaves);
    this.perSampleReads.add(out);
    return out;
  }

  /**
   * Every step-th run of `chunk` values of each row of `input` (rank >= 2) from run `start`:
   * [rows, runs, chunk]; a row that is one run comes out whole. The flattening is per sample
   * (see CalibrationGraph.perSample); the last node is the leaf.
   */
  strided(input: string, s: Pick<SampledValue, 'perRow' | 'chunk' | 'start' | 'step'>, leaves: Node[]): string {
    const runs = s.perRow / s.chunk;
    if (runs === 1) {
      const out = this.add('Reshape', [input, this.int64s('rows_by_values', [0, 1, -1])], undefined, leaves);
      this.perSampleReads.add(out);
      return out;
    }
    const flat = this.add('Reshape', [input, this.int64s('rows_by_runs', [0, -1, s.chunk])]);
    this.perSampleReads.add(flat);
    const bounds = [[s.start], [runs], [1], [s.step]].map((v, i) => this.int64s(['starts', 'ends', 'axes', 'steps'][i], v));
    return this.add('Slice', [flat, ...bounds], undefined, leaves);
  }

  /** An int64 [n] initializer, one per name and values. */
  private int64s(base: string, values: number[]): string {
    const key = `${base}=${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.fresh(base);
      this.model.graph.initializer.push(int64Tensor(name, [values.length], values));
      this.constants.set(key, name);
    }
    return name;
  }

  /** `op` over `axes` (an attribute before opset 18, an input from 18 on). */
  reduce(op: 'ReduceMax' | 'ReduceMin', input: string, axes: number[], keepdims: 0 | 1, leaves?: Node[]): string {
    if (this.opset < 18) return this.add(op, [input], { axes, keepdims }, leaves);
    return this.add(op, [input, this.int64s('axes', axes)], { keepdims }, leaves);
  }

  finish(leaves: Node[]): void {
    this.model.graph.node.push(...this.helpers, ...leaves);
  }

  private fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}
