// Gradient rules of Conv (any groups, strides, padding, dilation) and pooling, written with
// inference ops only: Convs or ConvTranspose for input gradients, weight gradients from
// conv-weight-grad.ts, ScatterElements over MaxPool's indices or, for tiling
// windows, an equality mask against the upsampled max (see TECHNIQUES.md).
import { attrInt, attrInts, attrString } from '../../onnx/graph.ts';
import type { Node } from '../../onnx/model.ts';
import { makeTensor } from '../../onnx/tensor.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { FusedGradient, GradientRule } from './rule.ts';
import { numel, type Emitter } from './emit.ts';
import { convWeightGrad, isPointwise, subsample } from './conv-weight-grad.ts';

export interface WindowGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
}

/** Kernel, strides, dilations and explicit pads of a Conv/pool node (auto_pad resolved). */
export function windowGeometry(node: Node, inSpatial: number[], outSpatial: number[], kernel: number[]): WindowGeometry {
  const d = inSpatial.length;
  const strides = attrInts(node, 'strides', Array(d).fill(1));
  const dilations = attrInts(node, 'dilations', Array(d).fill(1));
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let pads = attrInts(node, 'pads', Array(2 * d).fill(0));
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = Array(2 * d).fill(0);
    for (let i = 0; i < d; i++) {
      const total = Math.max(0, (outSpatial[i] - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1 - inSpatial[i]);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + d] = total - pads[i];
    }
  } else if (autoPad === 'VALID') {
    pads = Array(2 * d).fill(0);
  }
  return { kernel, strides, dilations, padsBegin: pads.slice(0, d), padsEnd: pads.slice(d) };
}

/** A ConvTranspose mapping [N, C, ...out] back to [N, C, ...in] with the same window geometry. */
function transposedWindow(e: Emitter, dY: string, w: string, g: WindowGeometry, inSpatial: number[], outSpatial: number[], group: number): string {
  const padsEnd = [...g.padsEnd];
  const outputPadding = inSpatial.map((size, i) => {
    const natural = (outSpatial[i] - 1) * g.strides[i] + g.dilations[i] * (g.kernel[i] - 1) + 1 - g.padsBegin[i] - padsEnd[i];
    const extra = size - natural;
    // ceil_mode windows can reach past the padded input: crop them with a larger end pad
    if (extra < 0) padsEnd[i] -= extra;
    return Math.max(0, extra);
  });
  return e.op1('ConvTranspose', [dY, w], {
    strides: g.strides, dilations: g.dilations, pads: [...g.padsBegin, ...padsEnd], group,
    output_padding: outputPadding.some((p) => p > 0) ? outputPadding : undefined,
  });
}

/**
 * dY with stride-1 zeros between its rows and columns ([N, C, o*s] per axis, trailing zeros
 * included), so a strided Conv's dX becomes a stride-1 correlation: a nearest upsampling times a
 * 0/1 grid. (A Pad of [N, C, o, 1, o, 1] copies one float at a time in ORT: 20x slower.)
 */
function spreadByStrides(e: Emitter, dY: string, ys: number[], strides: number[]): string {
  const spread = ys.slice(2).map((o, i) => o * strides[i]);
  const up = e.op1('Resize', [dY, '', e.constF([1, 1, ...strides], [2 + strides.length])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  const grid = new Float32Array(numel(spread));
  for (let flat = 0; flat < grid.length; flat++) {
    let onGrid = true;
    for (let i = spread.length - 1, rest = flat; i >= 0; i--) { if ((rest % spread[i]) % strides[i] !== 0) onGrid = false; rest = Math.floor(rest / spread[i]); }
    grid[flat] = onGrid ? 1 : 0;
  }
  return e.op1('Mul', [up, e.constF(grid, [1, 1, ...spread])]);
}

/**
 * Whether a strided Conv's dX should spread dY with zeros into a stride-1 Conv: only a depthwise
 * one whose Conv then runs on NCHWc kernels. (ORT's grouped ConvTranspose loops over samples and
 * channels; for dense convs the spread form through im2col made a ResNet-small step 36% slower.
 * The dense strided ConvTranspose stays ORT's slowest node at 2 threads, 3-5 ms on ResNet-small's
 * 16->32 layer; measured and not faster: the batch folded into the height as one image, one
 * batched MatMul and a Col2Im, and the stride phases joined by DepthToSpace (6 ms alone, 1 thread).)
 */
function spreadPays(e: Emitter, ws: number[], group: number): boolean {
  return e.nchwcBlock > 0 && group > 1 && ws[0] === group && ws[1] === 1 && group % e.nchwcBlock === 0 && numel(ws.slice(2)) > 1;
}

/**
 * Whether a dense 2-D Conv's dX as a Conv would run outside NCHWc kernels (channels not in whole
 * blocks, or no NCHWc on this CPU) with a window wider than 1x1: ORT then runs it as im2col and a
 * GEMM only C_in rows tall, and its ConvTranspose is faster. (Batch 64, 1 thread, ORT 1.30:
 * LeNet-5's 6->16 5x5 conv 3.5 against 0.75 ms, a third of its training step; 12->72 3x3 at 16x16
 * 7.7 against 2.9 ms; 16->16 3x3 at 32x32 7.6 against 6.0 ms, where NCHWc kernels beat both. 1x1
 * windows, a plain GEMM either way, ran 8-18% faster as the Conv.)
 */
function plainWindowConv(e: Emitter, ws: number[], group: number): boolean {
  if (group !== 1 || ws.length !== 4 || numel(ws.slice(2)) === 1) return false;
  const block = e.nchwcBlock;
  return !(block > 0 && ws[0] % block === 0 && ws[1] % block === 0);
}

/**
 * dX of a Conv as a stride-1 Conv of dY (spread with zeros first when strided, see spreadPays)
 * with W flipped and its channel roles swapped per group (pads d*(k-1) - p): ONNX Runtime's
 * ConvTranspose ran 1.2-4x slower than this Conv on NCHWc kernels. Undefined when the geometry
 * needs a ConvTranspose (padding wider than the window, strides that do not pay) or runs faster
 * as one (plainWindowConv).
 */
function convInputGrad(e: Emitter, dY: string, w: string, ws: number[], g: WindowGeometry, inSpatial: number[], ys: number[], group: number): string | undefined {
  const d = inSpatial.length;
  const strided = g.strides.some((s) => s !== 1);
  if (strided && !spreadPays(e, ws, group)) return undefined;
  if (!strided && plainWindowConv(e, ws, group)) return undefined;
  const srcSpatial = ys.slice(2).map((o, i) => o * g.strides[i]);
  const reach = g.kernel.map((k, i) => g.dilations[i] * (k - 1));
  const padsBegin = reach.map((r, i) => r - g.padsBegin[i]);
  // Output i reads source rows up to i - padsBegin + reach: rows past in + reach - padsBegin are never read.
  const padsEnd = srcSpatial.map((size, i) => inSpatial[i] + reach[i] - padsBegin[i] - size);
  if (padsBegin.some((p) => p < 0) || (!strided && padsEnd.some((p) => p < 0))) return undefined;
  let src = strided ? spreadByStrides(e, dY, ys, g.strides) : dY;
  if (padsEnd.some((p) => p < 0)) {
    const axes = Array.from({ length: d }, (_, i) => i + 2);
    src = e.op1('Slice', [src, e.constI64(axes.map(() => 0)), e.constI64(srcSpatial.map((size, i) => size + Math.min(0, padsEnd[i]))), e.constI64(axes)]);
  }
  const [cOut, cInG] = ws;
  const cOutG = cOut / group;
  const rest = Array.from({ length: d }, (_, i) => i + 3);
  const swapped = e.reshape(e.transpose(e.reshape(w, [group, cOutG, cInG, ...g.kernel]), [0, 2, 1, ...rest]), [group * cInG, cOutG, ...g.kernel]);
  const axes = Array.from({ length: d }, (_, i) => i + 2);
  // (A 1x1 window needs no flip; ORT's negative-step Slice copies element by element.)
  const flipped = g.kernel.every((k) => k === 1)
    ? swapped
    : e.op1('Slice', [swapped, e.constI64(g.kernel.map((k) => k - 1)), e.constI64(g.kernel.map(() => -1e9)), e.constI64(axes), e.constI64(g.kernel.map(() => -1))]);
  // (Recorded so the NCHWc rewrite can reorder this kernel too: see train/nchwc.ts.)
  e.shapes.set(flipped, [group * cInG, cOutG, ...g.kernel]);
  return e.op1('Conv', [src, flipped], { dilations: g.dilations, pads: [...padsBegin, ...padsEnd.map((p) => Math.max(0, p))], group });
}

const conv: GradientRule = ({ node, dY, needs, e }) => {
  const [x, w, b] = node.input;
  const xs = e.shape(x);
  const ws = e.shape(w);
  const ys = e.shape(node.output[0]);
  const group = attrInt(node, 'group', 1);
  const geom = windowGeometry(node, xs.slice(2), ys.slice(2), ws.slice(2));
  const dx = needs[0]
    ? convInputGrad(e, dY[0]!, w, ws, geom, xs.slice(2), ys, group) ?? transposedWindow(e, dY[0]!, w, geom, xs.slice(2), ys.slice(2), group)
    : null;
  const dw = needs[1] ? convWeightGrad(e, x, dY[0]!, xs, ys, ws, geom, group) : null;
  const spatialAxes = ys.slice(2).map((_, i) => i + 2);
  const db = b && needs[2] ? e.reduceSum(dY[0]!, [0, ...spatialAxes], false) : null;
  return [dx, dw, db];
};

/**
 * A strided 1x1 Conv without padding (a ResNet shortcut) rewritten as a subsample of X (see
 * conv-weight-grad.ts) and a stride-1 1x1 Conv (a plain GEMM in ORT), with one fused gradient: dW
 * reads the sampled input the forward made, where it sampled X again (ORT's Conv samples inside its
 * im2col; a strided Slice for dW took 1.1 ms on ResNet-small's 16-channel 32x32 shortcut at 2
 * threads); dX stays a ConvTranspose.
 * Undefined (no rewrite) for any other Conv.
 */
export function stridedPointwiseConv(node: Node, e: Emitter): FusedGradient | undefined {
  const [x, w, b] = node.input;
  const [xs, ws, ys] = [x, w, node.output[0]].map((v) => e.shapes.get(v));
  if (node.opType !== 'Conv' || !xs || !ws || !ys || xs.length < 3) return undefined;
  const outSpatial = ys.slice(2);
  const geom = windowGeometry(node, xs.slice(2), outSpatial, ws.slice(2));
  if (!isPointwise(geom) || geom.strides.every((s) => s === 1)) return undefined;
  const group = attrInt(node, 'group', 1);
  const axes = outSpatial.map((_, i) => i + 2);
  const sampled = subsample(e, x, outSpatial, geom.strides);
  const sampledShape = [xs[0], xs[1], ...outSpatial];
  e.shapes.set(sampled, sampledShape);
  e.opInto('Conv', [sampled, ...node.input.slice(1)], [node.output[0]], { group, kernel_shape: ws.slice(2) });
  const unitStrides = { ...geom, strides: geom.strides.map(() => 1) };
  return {
    output: node.output[0],
    inputs: [x, w, b ?? ''],
    rule: (dY, needs, g) => [
      needs[0] ? transposedWindow(g, dY, w, geom, xs.slice(2), outSpatial, group) : null,
      needs[1] ? convWeightGrad(g, sampled, dY, sampledShape, ys, ws, unitStrides, group) : null,
      b && needs[2] ? g.reduceSum(dY, [0, ...axes], false) : null,
    ],
  };
}

/** Window sizes of a MaxPool whose windows tile its input exactly (kernel = stride, no padding, no dilation), else undefined. */
export function tilingPoolKernel(node: Node, xs: number[] | undefined): number[] | undefined {
  if (!xs) return undefined;
  const kernel = attrInts(node, 'kernel_shape', []);
  const d = kernel.length;
  const strides = attrInts(node, 'strides', Array(d).fill(1));
  const tiles = d === xs.length - 2
    && kernel.every((k, i) => strides[i] === k && xs[2 + i] % k === 0)
    && attrInts(node, 'pads', []).every((p) => p === 0)
    && attrInts(node, 'dilations', []).every((v) => v === 1)
    && ['NOTSET', 'VALID'].includes(attrString(node, 'auto_pad', 'NOTSET'))
    && attrInt(node, 'storage_order', 0) === 0;
  return tiles ? kernel : undefined;
}

/**
 * MaxPool over tiling windows: dY goes to every cell equal to its window's max, shared among ties
 * (a window of equal cells gets dY once in total), upsampled by a nearest Resize. The forward
 * MaxPool then needs no Indices output (ORT's fast kernel) and nothing is scattered; a reshaped
 * [N, C, H', k, W', k] broadcast form ran 15% slower per step than the scatter.
 */
function tilingMaxPoolGrad(e: Emitter, x: string, y: string, dY: string, kernel: number[]): string {
  const scales = e.constF([1, 1, ...kernel], [2 + kernel.length]);
  const up = (v: string) => e.op1('Resize', [v, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  const isMax = e.op1('Cast', [e.op1('Equal', [x, up(y)])], { to: 1 });
  // AveragePool gives (ties / cells) per window: dY / ties = (dY / cells) / that.
  const tiesShare = e.op1('AveragePool', [isMax], { kernel_shape: kernel, strides: kernel });
  const share = e.op1('Div', [e.op1('Mul', [dY, e.scalar(1 / numel(kernel))]), tiesShare]);
  return e.op1('Mul', [isMax, up(share)]);
}

const maxPool: GradientRule = ({ node, dY, e }) => {
  const indices = node.output[1];
  const kernel = tilingPoolKernel(node, e.shape(node.input[0]));
  if (!indices && kernel) return [tilingMaxPoolGrad(e, node.input[0], node.output[0], dY[0]!, kernel)];
  if (!indices) {
    throw new WhittleError('train.internal', `MaxPool '${node.name}' has no Indices output in the training graph.`, 'This is a bug in the training graph builder.');
  }
  const xs = e.shape(node.input[0]);
  const ys = e.shape(node.output[0]);
  // (A Gather/Where form for disjoint windows measured slower than this scatter in ORT 1.30.)
  const count = numel(ys);
  const flatIdx = e.reshape(indices, [count]);
  const flatDY = e.reshape(dY[0]!, [count]);
  const scattered = e.op1('ScatterElements', [e.zeros([numel(xs)]), flatIdx, flatDY], { axis: 0, reduction: 'add' });
  return [e.reshape(scattered, xs)];
};

/** How many input cells (or padded cells) each output window averages over, per spatial axis. */
function windowCounts(size: number, outSize: number, k: number, s: number, dil: number, pb: number, pe: number, includePad: boolean): number[] {
  const lo = includePad ? -pb : 0;
  const hi = includePad ? size + pe : size;
  return Array.from({ length: outSize }, (_, o) => {
    let c = 0;
    for (let j = 0; j < k; j++) {
      const p = o * s - pb + j * dil;
      if (p >= lo && p < hi) c++;
    }
    return c;
  });
}

const averagePool: GradientRule = ({ node, dY, e }) => {
  const xs = e.shape(node.input[0]);
  const ys = e.shape(node.output[0]);
  const kernel = attrInts(node, 'kernel_shape', []);
  const geom = windowGeometry(node, xs.slice(2), ys.slice(2), kernel);
  const includePad = attrInt(node, 'count_include_pad', 0) === 1;
  const perAxis = ys.slice(2).map((o, i) => windowCounts(xs[2 + i], o, kernel[i], geom.strides[i], geom.dilations[i], geom.padsBegin[i], geom.padsEnd[i], includePad));
  let counts = [1];
  for (const axis of perAxis) counts = counts.flatMap((c) => axis.map((a) => c * a));
  const divisor = e.constF(counts, [1, 1, ...ys.slice(2)]);
  const channels = xs[1];
  const ones = makeTensor('', [channels, 1, ...kernel], new Float32Array(channels * numel(kernel)).fill(1));
  ones.name = e.fresh('pool_ones');
  e.initializers.push(ones);
  const scaled = e.op1('Div', [dY[0]!, divisor]);
  return [transposedWindow(e, scaled, ones.name, geom, xs.slice(2), ys.slice(2), channels)];
};

const globalAveragePool: GradientRule = ({ node, dY, e }) => {
  const xs = e.shape(node.input[0]);
  const scaled = e.op1('Mul', [dY[0]!, e.scalar(1 / numel(xs.slice(2)))]);
  return [e.op1('Expand', [scaled, e.constI64(xs)])];
};

export const CONV_RULES: Record<string, GradientRule> = {
  Conv: conv, MaxPool: maxPool, AveragePool: averagePool, GlobalAveragePool: globalAveragePool,
};
