// Depthwise Conv in the training graph as one strided Slice and one per-channel Mul per window
// cell. ONNX Runtime runs a grouped Conv (and ConvTranspose) with non-constant weights as one
// tiny im2col + GEMM per sample and channel: 64 x 480 of them for a 2x2 MobileNet layer, where
// this form is ~20 small elementwise ops. The gradient is one fused rule (see FusedGradient).
import { attrInt } from '../../onnx/graph.ts';
import type { Node } from '../../onnx/model.ts';
import type { Emitter } from './emit.ts';
import type { FusedGradient } from './rule.ts';
import { windowGeometry, type WindowGeometry } from './rules-conv.ts';

interface Cell {
  /** Offset of the cell in the window, per spatial axis. */
  at: number[];
  /** The input samples this cell multiplies, [N, C, ...out]. */
  window?: string;
  /** The cell's weight, [1, C, 1, 1]. */
  weight: string;
}

/**
 * Output pixels up to which the rewrite pays: at 2x2 and 1x1 ONNX Runtime's per-sample, per-channel
 * loop is nearly all overhead; on larger maps its Slice copies (rows of a few floats) cost more.
 */
const MAX_OUT_PIXELS = 4;

/** True for a small 2-D Conv with one input and one output channel per group (MobileNet's depthwise tail). */
export function isDepthwise(node: Node, e: Emitter): boolean {
  const xs = e.shapes.get(node.input[0]);
  const ws = e.shapes.get(node.input[1]);
  const ys = e.shapes.get(node.output[0]);
  if (!xs || !ws || !ys || xs.length !== 4 || ys[2] * ys[3] > MAX_OUT_PIXELS) return false;
  const group = attrInt(node, 'group', 1);
  // Channels in whole NCHWc blocks: the Conv, its dX and its dW all run on those kernels instead.
  if (e.nchwcBlock > 0 && group % e.nchwcBlock === 0) return false;
  return group > 1 && group === xs[1] && ws[0] === group && ws[1] === 1;
}

/** Whether a window cell at `start` (step `step`, `count` positions) ever reads inside [lo, hi). */
function touches(start: number, step: number, count: number, lo: number, hi: number): boolean {
  for (let k = 0; k < count; k++) {
    const p = start + k * step;
    if (p >= lo && p < hi) return true;
  }
  return false;
}

function cellOffsets(kernel: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < kernel[0]; i++) for (let j = 0; j < kernel[1]; j++) out.push([i, j]);
  return out;
}

/** The weight of window cell `at` as a per-channel factor [1, C, 1, 1]. */
function cellWeight(e: Emitter, w: string, at: number[], channels: number): string {
  const picked = e.op1('Slice', [w, e.constI64(at), e.constI64(at.map((a) => a + 1)), e.constI64([2, 3])]);
  return e.reshape(picked, [1, channels, 1, 1]);
}

/** A map and the zero padding around it, applied only if some window reaches into it. */
interface PaddedMap { x: string; spatial: number[]; begin: number[]; end: number[] }

/**
 * Sum over cells of window(cell) * weight: a depthwise correlation with strides. A window inside
 * the map is sliced from it directly (or is the map itself); ORT's Pad and Slice copy rows of a
 * few floats one by one, so the padded copy is made only for windows that reach into the padding.
 */
function correlate(e: Emitter, map: PaddedMap, all: { at: number[]; weight: string }[], g: WindowGeometry, outSpatial: number[], live: (at: number[]) => boolean): { sum: string; windows: (string | undefined)[] } {
  const cells = all.filter((c) => live(c.at));
  let padded: string | undefined;
  const windows = cells.map(({ at }) => {
    const starts = at.map((a, i) => a * g.dilations[i] - map.begin[i]);
    const ends = starts.map((s, i) => s + (outSpatial[i] - 1) * g.strides[i] + 1);
    if (starts.every((s, i) => s >= 0 && ends[i] <= map.spatial[i])) {
      const whole = starts.every((s, i) => s === 0 && ends[i] === map.spatial[i] && g.strides[i] === 1);
      return whole ? map.x : e.op1('Slice', [map.x, e.constI64(starts), e.constI64(ends), e.constI64([2, 3]), e.constI64(g.strides)]);
    }
    padded ??= padSpatial(e, map.x, map.begin, map.end);
    const from = starts.map((s, i) => s + map.begin[i]);
    return e.op1('Slice', [padded, e.constI64(from), e.constI64(from.map((s, i) => s + (outSpatial[i] - 1) * g.strides[i] + 1)), e.constI64([2, 3]), e.constI64(g.strides)]);
  });
  const products = windows.map((win, k) => e.op1('Mul', [win, cells[k].weight]));
  return { sum: products.length === 1 ? products[0] : e.op1('Sum', products), windows: all.map((c) => windows[cells.indexOf(c)]) };
}

function padSpatial(e: Emitter, x: string, begin: number[], end: number[]): string {
  if ([...begin, ...end].every((p) => p === 0)) return x;
  return e.op1('Pad', [x, e.constI64([0, 0, ...begin, 0, 0, ...end])]);
}

/**
 * dX of the depthwise correlation: dY with zeros inserted between strided rows and columns,
 * padded by d*(k-1) - p, correlated with the flipped window at stride 1.
 */
function inputGrad(e: Emitter, dy: string, cells: Cell[], g: WindowGeometry, xs: number[], ys: number[]): string {
  const [n, c] = xs;
  let spread = dy;
  const strided = g.strides.some((s) => s > 1);
  if (strided) {
    const [h, w] = ys.slice(2);
    const [sh, sw] = g.strides;
    const split = e.reshape(dy, [n, c, h, 1, w, 1]);
    const zeros = e.op1('Pad', [split, e.constI64([0, 0, 0, 0, 0, 0, 0, 0, 0, sh - 1, 0, sw - 1])]);
    spread = e.reshape(zeros, [n, c, h * sh, w * sw]);
  }
  const spreadSize = ys.slice(2).map((o, i) => o * g.strides[i]);
  const reach = g.kernel.map((k, i) => g.dilations[i] * (k - 1));
  const begin = reach.map((r, i) => r - g.padsBegin[i]);
  // Padded length must be in + reach; trailing zeros of the spread may already cover part of it.
  const end = xs.slice(2).map((size, i) => size + reach[i] - spreadSize[i] - begin[i]);
  let map: PaddedMap = { x: spread, spatial: spreadSize, begin, end };
  if ([...begin, ...end].some((p) => p < 0)) {
    // Padding narrower than the window: pad what is missing, then crop to in + reach.
    const starts = begin.map((b) => Math.max(0, -b));
    const padded = padSpatial(e, spread, begin.map((b) => Math.max(0, b)), end.map((v) => Math.max(0, v)));
    const cropped = e.op1('Slice', [padded, e.constI64(starts), e.constI64(xs.slice(2).map((size, i) => starts[i] + size + reach[i])), e.constI64([2, 3])]);
    map = { x: cropped, spatial: xs.slice(2).map((size, i) => size + reach[i]), begin: [0, 0], end: [0, 0] };
  }
  const flipped = cells.map((cell) => ({ at: cell.at, weight: cells.find((o) => o.at.every((a, i) => a === g.kernel[i] - 1 - cell.at[i]))!.weight }));
  // Nonzero rows of the padded, spread dY sit at begin + o * stride.
  const live = (at: number[]) => at.every((a, i) => Array.from({ length: ys[2 + i] }, (_, o) => begin[i] + o * g.strides[i])
    .some((pos) => pos >= a * g.dilations[i] && pos < a * g.dilations[i] + xs[2 + i]));
  return correlate(e, map, flipped, { ...g, strides: [1, 1] }, xs.slice(2), live).sum;
}

/** Rewrite a depthwise Conv into cell slices and products; returns the fused gradient of its output. */
export function depthwiseConv(node: Node, e: Emitter): FusedGradient {
  const [x, w, b] = node.input;
  const xs = e.shape(x);
  const ws = e.shape(w);
  const channels = xs[1];
  const kernel = ws.slice(2);
  const ys = e.shape(node.output[0]);
  const outSpatial = ys.slice(2);
  const g = windowGeometry(node, xs.slice(2), outSpatial, kernel);
  const cells = cellOffsets(kernel).map((at) => ({ at, weight: cellWeight(e, w, at, channels) }));
  // Cells that only ever read padding contribute nothing (the 3x3 window on a 1x1 map is its centre).
  const live = (at: number[]) => at.every((a, i) => touches(a * g.dilations[i], g.strides[i], outSpatial[i], g.padsBegin[i], g.padsBegin[i] + xs[2 + i]));
  const { sum, windows } = correlate(e, { x, spatial: xs.slice(2), begin: g.padsBegin, end: g.padsEnd }, cells, g, outSpatial, live);
  const withWindows: Cell[] = cells.map((cell, k) => ({ ...cell, window: windows[k] }));
  e.opInto(b ? 'Add' : 'Identity', b ? [sum, e.reshape(b, [1, channels, 1, 1])] : [sum], [node.output[0]]);
  return {
    output: node.output[0], inputs: [x, w, ...(b ? [b] : [])],
    rule: (dy, needs, ge) => {
      const dX = needs[0] ? inputGrad(ge, dy, withWindows, g, xs, ys) : null;
      const dW = needs[1]
        ? ge.reshape(ge.op1('Concat', withWindows.map((cell) => (cell.window ? ge.reduceSum(ge.op1('Mul', [dy, cell.window]), [0, 2, 3], true) : ge.zeros([1, channels, 1, 1]))), { axis: 2 }), ws)
        : null;
      const dB = b && needs[2] ? ge.reduceSum(dy, [0, 2, 3], false) : null;
      return [dX, dW, dB];
    },
  };
}
