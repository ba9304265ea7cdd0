// Gradient rules the transformer and detector exports need: LayerNormalization, Erf and
// Gelu, broadcasting Expand and Where, and nearest Resize (one separable map per axis).
import { attrFloat, attrInt, attrString } from '../../onnx/graph.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { GradientRule, RuleArgs } from './rule.ts';
import { normAxis, type Emitter } from './emit.ts';

function unbroadcastTo(a: RuleArgs, g: string, input: number): string {
  return a.e.unbroadcast(g, a.e.shape(a.node.output[0]), a.e.shape(a.node.input[input]));
}

/**
 * LayerNorm backward with xhat = (x - mean) * s, s = 1/sqrt(var + eps), g = dy * scale, means over
 * the normalized axes: dx = s * (g - mean(g) - xhat * mean(g * xhat)); dscale = sum(dy * xhat),
 * dbias = sum(dy) over the other axes. The statistics are recomputed here rather than asked of
 * the forward node, so the forward graph stays as exported.
 */
const layerNormalization: GradientRule = (a) => {
  const { e, node } = a;
  const [x, scale, bias] = node.input;
  const dy = a.dY[0]!;
  const xs = e.shape(x);
  const axis = normAxis(attrInt(node, 'axis', -1), xs.length);
  const axes = xs.map((_, i) => i).filter((i) => i >= axis);
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const centered = e.op1('Sub', [x, e.reduceMean(x, axes, true)]);
  const variance = e.reduceMean(e.op1('Mul', [centered, centered]), axes, true);
  const invStd = e.op1('Reciprocal', [e.op1('Sqrt', [e.op1('Add', [variance, e.scalar(eps)])])]);
  const xhat = e.op1('Mul', [centered, invStd]);
  const dScale = a.needs[1] ? e.unbroadcast(e.op1('Mul', [dy, xhat]), xs, e.shape(scale)) : null;
  const dBias = bias && a.needs[2] ? e.unbroadcast(dy, xs, e.shape(bias)) : null;
  if (!a.needs[0]) return [null, dScale, dBias];
  const g = e.op1('Mul', [dy, scale]);
  const meanG = e.reduceMean(g, axes, true);
  const meanGX = e.reduceMean(e.op1('Mul', [g, xhat]), axes, true);
  const inner = e.op1('Sub', [e.op1('Sub', [g, meanG]), e.op1('Mul', [xhat, meanGX])]);
  return [e.op1('Mul', [inner, invStd]), dScale, dBias];
};

/** d erf(x)/dx = 2/sqrt(pi) * exp(-x^2). */
function erfSlope(e: Emitter, x: string): string {
  const expNegSq = e.op1('Exp', [e.op1('Neg', [e.op1('Mul', [x, x])])]);
  return e.op1('Mul', [expNegSq, e.scalar(2 / Math.sqrt(Math.PI))]);
}

const erf: GradientRule = (a) => [a.e.op1('Mul', [a.dY[0]!, erfSlope(a.e, a.node.input[0])])];

/** Opset-20 Gelu: exact x*Phi(x) (slope Phi(x) + x*phi(x)) or its tanh approximation. */
const gelu: GradientRule = (a) => {
  const { e } = a;
  const x = a.node.input[0];
  const approximate = attrString(a.node, 'approximate', 'none');
  let slope: string;
  if (approximate === 'tanh') {
    const c = Math.sqrt(2 / Math.PI);
    const x2 = e.op1('Mul', [x, x]);
    const u = e.op1('Mul', [e.op1('Add', [x, e.op1('Mul', [e.op1('Mul', [x2, x]), e.scalar(0.044715)])]), e.scalar(c)]);
    const t = e.op1('Tanh', [u]);
    const du = e.op1('Mul', [e.op1('Add', [e.scalar(1), e.op1('Mul', [x2, e.scalar(3 * 0.044715)])]), e.scalar(c)]);
    const sech2 = e.op1('Sub', [e.scalar(1), e.op1('Mul', [t, t])]);
    // 0.5 * (1 + t) + 0.5 * x * (1 - t^2) * du
    const first = e.op1('Add', [e.scalar(1), t]);
    const second = e.op1('Mul', [e.op1('Mul', [x, sech2]), du]);
    slope = e.op1('Mul', [e.op1('Add', [first, second]), e.scalar(0.5)]);
  } else {
    const cdf = e.op1('Mul', [e.op1('Add', [e.scalar(1), e.op1('Erf', [e.op1('Mul', [x, e.scalar(Math.SQRT1_2)])])]), e.scalar(0.5)]);
    const pdf = e.op1('Mul', [e.op1('Exp', [e.op1('Mul', [e.op1('Mul', [x, x]), e.scalar(-0.5)])]), e.scalar(1 / Math.sqrt(2 * Math.PI))]);
    slope = e.op1('Add', [cdf, e.op1('Mul', [x, pdf])]);
  }
  return [e.op1('Mul', [a.dY[0]!, slope])];
};

const expand: GradientRule = (a) => [a.needs[0] ? unbroadcastTo(a, a.dY[0]!, 0) : null, null];

const where: GradientRule = (a) => {
  const [cond] = a.node.input;
  const zero = a.e.scalar(0);
  return [
    null,
    a.needs[1] ? unbroadcastTo(a, a.e.op1('Where', [cond, a.dY[0]!, zero]), 1) : null,
    a.needs[2] ? unbroadcastTo(a, a.e.op1('Where', [cond, zero, a.dY[0]!]), 2) : null,
  ];
};

/** Source index of every output position along one axis, as ONNX Resize (mode nearest) picks it. */
export function nearestSources(inSize: number, outSize: number, scale: number, coordMode: string, nearestMode: string): number[] {
  const original = (o: number): number => {
    switch (coordMode) {
      case 'asymmetric': return o / scale;
      case 'half_pixel': return (o + 0.5) / scale - 0.5;
      case 'pytorch_half_pixel': return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
      case 'tf_half_pixel_for_nn': return (o + 0.5) / scale;
      case 'align_corners': return outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0;
      default:
        throw new WhittleError('train.unsupported', `Resize with coordinate_transformation_mode '${coordMode}' has no gradient rule.`, 'Export the upsampling with asymmetric, half_pixel or align_corners coordinates.');
    }
  };
  const pick = (v: number): number => {
    switch (nearestMode) {
      case 'floor': return Math.floor(v);
      case 'ceil': return Math.ceil(v);
      case 'round_prefer_ceil': return Math.round(v);
      default: return v === Math.floor(v) + 0.5 ? Math.floor(v) : Math.round(v);
    }
  };
  return Array.from({ length: outSize }, (_, o) => Math.min(Math.max(pick(original(o)), 0), inSize - 1));
}

/** Gradient of a nearest pick along `axis`: block sums for whole-number repeats, else a 0/1 matrix. */
function pickAxisGrad(e: Emitter, g: string, gDims: number[], axis: number, sources: number[], inSize: number): string {
  const outSize = sources.length;
  const repeat = outSize / inSize;
  if (Number.isInteger(repeat) && sources.every((s, o) => s === Math.floor(o / repeat))) {
    const split = [...gDims.slice(0, axis), inSize, repeat, ...gDims.slice(axis + 1)];
    return e.reshape(e.reduceSum(e.reshape(g, split), [axis + 1], false), [...gDims.slice(0, axis), inSize, ...gDims.slice(axis + 1)]);
  }
  const rank = gDims.length;
  const toLast = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis).concat(axis);
  const back = new Array<number>(rank);
  toLast.forEach((p, i) => { back[p] = i; });
  const matrix = new Float32Array(outSize * inSize);
  sources.forEach((s, o) => { matrix[o * inSize + s] = 1; });
  const product = e.op1('MatMul', [e.transpose(g, toLast), e.constF(matrix, [outSize, inSize])]);
  return e.transpose(product, back);
}

const resize: GradientRule = (a) => {
  const { e, node } = a;
  const none = node.input.slice(1).map(() => null);
  const mode = attrString(node, 'mode', 'nearest');
  if (mode !== 'nearest') {
    throw new WhittleError('train.unsupported', `Resize '${node.name}' uses mode '${mode}'; training supports nearest Resize only.`, 'Export the upsampling with mode nearest, or freeze the layers before it.');
  }
  const xs = e.shape(node.input[0]);
  const ys = e.shape(node.output[0]);
  // Opset 10 passes scales second; from 11 on, scales third (after roi).
  const scalesName = node.input.length > 2 ? node.input[2] : node.input.length === 2 ? node.input[1] : '';
  const scales = scalesName ? e.values.get(scalesName) : undefined;
  const coordMode = attrString(node, 'coordinate_transformation_mode', 'half_pixel');
  const nearestMode = attrString(node, 'nearest_mode', 'round_prefer_floor');
  let g = a.dY[0]!;
  let dims = [...ys];
  xs.forEach((inSize, axis) => {
    const scale = scales && scales.length === xs.length ? scales[axis] : ys[axis] / inSize;
    const sources = nearestSources(inSize, ys[axis], scale, coordMode, nearestMode);
    if (inSize === ys[axis] && sources.every((s, o) => s === o)) return;
    g = pickAxisGrad(e, g, dims, axis, sources, inSize);
    dims = dims.map((d, i) => (i === axis ? inSize : d));
  });
  return [g, ...none];
};

export const TRANSFORMER_RULES: Record<string, GradientRule> = {
  LayerNormalization: layerNormalization, Erf: erf, Gelu: gelu, Expand: expand, Where: where, Resize: resize,
};
