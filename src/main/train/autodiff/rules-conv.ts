// Gradient rules of Conv (any groups, strides, padding, dilation) and pooling, written with
// inference ops only: ConvTranspose for input gradients, a Conv over transposed operands for
// weight gradients, ScatterElements over MaxPool's indices (see TECHNIQUES.md).
import { attrInt, attrInts, attrString } from '../../onnx/graph.ts';
import type { Node } from '../../onnx/model.ts';
import { makeTensor } from '../../onnx/tensor.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { GradientRule } from './rule.ts';
import { numel, type Emitter } from './emit.ts';

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

function sliceKernel(e: Emitter, x: string, have: number[], want: number[], firstSpatialAxis: number): string {
  if (have.every((h, i) => h === want[i])) return x;
  const axes = want.map((_, i) => firstSpatialAxis + i);
  return e.op1('Slice', [x, e.constI64(want.map(() => 0)), e.constI64(want), e.constI64(axes)]);
}

/** dW: correlate X with dY, swapping the roles of strides and dilations; groups folded into channels. */
function convWeightGrad(e: Emitter, x: string, dY: string, xs: number[], ys: number[], ws: number[], g: WindowGeometry, group: number): string {
  const [n, cIn] = xs;
  const cOut = ys[1];
  const spatialX = xs.slice(2);
  const spatialY = ys.slice(2);
  const d = spatialX.length;
  const kernelHave = spatialX.map((s, i) => Math.floor((s + g.padsBegin[i] + g.padsEnd[i] - g.strides[i] * (spatialY[i] - 1) - 1) / g.dilations[i]) + 1);
  const attrs = { strides: g.dilations, dilations: g.strides, pads: [...g.padsBegin, ...g.padsEnd] };
  const rest = Array.from({ length: d }, (_, i) => i + 2);
  if (group === 1) {
    const xt = e.transpose(x, [1, 0, ...rest]);
    const yt = e.transpose(dY, [1, 0, ...rest]);
    const corr = e.op1('Conv', [xt, yt], attrs);
    const cut = sliceKernel(e, corr, kernelHave, ws.slice(2), 2);
    return e.transpose(cut, [1, 0, ...rest]);
  }
  const cInG = cIn / group;
  const cOutG = cOut / group;
  const xg = e.reshape(e.transpose(e.reshape(x, [n, group, cInG, ...spatialX]), [2, 0, 1, ...rest.map((r) => r + 1)]), [cInG, n * group, ...spatialX]);
  const kernel = e.reshape(dY, [n * group * cOutG, 1, ...spatialY]);
  const corr = e.op1('Conv', [xg, kernel], { ...attrs, group: n * group });
  const perSample = e.reshape(corr, [cInG, n, group, cOutG, ...kernelHave]);
  const summed = e.reduceSum(perSample, [1], false);
  const ordered = e.transpose(summed, [1, 2, 0, ...rest.map((r) => r + 1)]);
  const full = e.reshape(ordered, [cOut, cInG, ...kernelHave]);
  return sliceKernel(e, full, kernelHave, ws.slice(2), 2);
}

const conv: GradientRule = ({ node, dY, needs, e }) => {
  const [x, w, b] = node.input;
  const xs = e.shape(x);
  const ws = e.shape(w);
  const ys = e.shape(node.output[0]);
  const group = attrInt(node, 'group', 1);
  const geom = windowGeometry(node, xs.slice(2), ys.slice(2), ws.slice(2));
  const dx = needs[0] ? transposedWindow(e, dY[0]!, w, geom, xs.slice(2), ys.slice(2), group) : null;
  const dw = needs[1] ? convWeightGrad(e, x, dY[0]!, xs, ys, ws, geom, group) : null;
  const spatialAxes = ys.slice(2).map((_, i) => i + 2);
  const db = b && needs[2] ? e.reduceSum(dY[0]!, [0, ...spatialAxes], false) : null;
  return [dx, dw, db];
};

const maxPool: GradientRule = ({ node, dY, e }) => {
  const indices = node.output[1];
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
