// Rewrites a forward graph into primitives the rule table covers: Gemm into MatMul/Mul/Add,
// BatchNormalization into batch-statistics arithmetic (training) or a frozen affine map,
// HardSwish into x * HardSigmoid(x), old-opset attribute forms into opset-13+ inputs.
import { attr, attrFloat, attrInt, attrInts, type AttrValue } from '../../onnx/graph.ts';
import type { Node } from '../../onnx/model.ts';
import { normAxis, type Emitter } from './emit.ts';
import type { FusedGradient } from './rule.ts';
import { depthwiseConv, isDepthwise } from './depthwise.ts';
import { stridedPointwiseConv, tilingPoolKernel } from './rules-conv.ts';
import { blockedBatchNorm, blockedBatchNormApplies } from './batchnorm-blocked.ts';
import { blockedMaxPool } from './maxpool-blocked.ts';
import { backwardTerms, inverseStd } from './batchnorm-terms.ts';

export interface DecomposeOptions {
  /** 'train': batch statistics and running-statistics updates; 'frozen': running statistics as constants. */
  batchNorm: 'train' | 'frozen';
  /** Run Dropout in training mode (random mask) or as the identity. */
  dropout: boolean;
  /** Opset of the model being rewritten (old attribute forms are converted). */
  sourceOpset: number;
  /** Values that must stay in the graph under their names (its outputs, distillation taps): no rewrite folds them away. */
  keep?: ReadonlySet<string>;
}

/** A BatchNormalization in training mode: where its batch statistics come out, and what they update. */
export interface BatchNormStats {
  node: string;
  batchMean: string;
  batchVar: string;
  runningMean: string;
  runningVar: string;
  momentum: number;
  /** Elements averaged per channel (N * H * W): turns the biased batch variance into the unbiased one. */
  count: number;
}

export interface Decomposed {
  bnStats: BatchNormStats[];
  /** Initializers the rewrite consumes as constants and that must never be trained. */
  frozen: Set<string>;
  /** Gradients of expanded composites, by the composite's output (see FusedGradient). */
  fused: Map<string, FusedGradient>;
}

/** The forward graph around a node: who makes a value, who reads it, and nodes a rewrite folded into another. */
interface Neighbours {
  producer: Map<string, Node>;
  consumers: Map<string, Node[]>;
  /** Nodes a rewrite already emitted as part of another's: skipped when reached. */
  folded: Set<Node>;
  /** Values a rewrite made as the ReorderOutput of an NCHWc-blocked value. */
  blocked: Set<string>;
}

type Rewrite = (node: Node, e: Emitter, opts: DecomposeOptions, out: Decomposed, around: Neighbours) => boolean;

function gemm(node: Node, e: Emitter): boolean {
  const [a, b, c] = node.input;
  const ta = attrInt(node, 'transA', 0) ? e.transpose(a, [1, 0]) : a;
  const tb = attrInt(node, 'transB', 0) ? e.transpose(b, [1, 0]) : b;
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const y = node.output[0];
  const steps: [string, string[]][] = [['MatMul', [ta, tb]]];
  if (alpha !== 1) steps.push(['Mul', ['', e.scalar(alpha)]]);
  if (c) steps.push(['Add', ['', beta === 1 ? c : e.op1('Mul', [c, e.scalar(beta)])]]);
  let prev = '';
  steps.forEach(([op, inputs], i) => {
    const ins = inputs.map((v) => (v === '' ? prev : v));
    if (i === steps.length - 1) e.opInto(op, ins, [y]);
    else prev = e.op1(op, ins);
  });
  return true;
}

function batchNorm(node: Node, e: Emitter, opts: DecomposeOptions, out: Decomposed, around: Neighbours): boolean {
  const [x, scale, bias, mean, variance] = node.input;
  const xs = e.shape(x);
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const perChannel = [1, xs[1], ...xs.slice(2).map(() => 1)];
  const y = node.output[0];
  out.frozen.add(mean).add(variance);
  if (opts.batchNorm === 'train' && blockedBatchNormApplies(e, xs, around.producer.get(x))) {
    // A ReLU that alone reads the BatchNorm's output is folded in (the output itself is never made).
    const readers = around.consumers.get(y) ?? [];
    const relu = readers.length === 1 && readers[0].opType === 'Relu' && !opts.keep?.has(y) ? readers[0] : undefined;
    if (relu) around.folded.add(relu);
    const output = relu ? relu.output[0] : y;
    const blocked = blockedBatchNorm(e, { x, scale, bias, epsilon: eps, output, relu: relu !== undefined });
    out.fused.set(output, blocked.fused);
    around.blocked.add(output);
    out.bnStats.push({ node: node.name, batchMean: blocked.batchMean, batchVar: blocked.batchVar, runningMean: mean, runningVar: variance, momentum: attrFloat(node, 'momentum', 0.9), count: blocked.count });
    return true;
  }
  if (opts.batchNorm === 'frozen') {
    const inv = e.op1('Div', [scale, e.op1('Sqrt', [e.op1('Add', [variance, e.scalar(eps)])])]);
    const centered = e.op1('Sub', [x, e.reshape(mean, perChannel)]);
    e.opInto('Add', [e.op1('Mul', [centered, e.reshape(inv, perChannel)]), e.reshape(bias, perChannel)], [y]);
    return true;
  }
  const axes = [0, ...xs.slice(2).map((_, i) => i + 2)];
  const batchMean = e.reduceMean(x, axes, true);
  const centered = e.op1('Sub', [x, batchMean]);
  const batchVar = e.reduceMean(e.op1('Mul', [centered, centered]), axes, true);
  // Per-channel factors first, so the full-size work is one Mul and one Add. (Dropping the centred
  // copy, var = E[x^2] - mean^2 and the backward in terms of x, saved the Sub but its Muls on x ran
  // slower: ResNet-small's BatchNorm arithmetic 23-31 ms against 18-29 per 2-thread step in three
  // interleaved ORT profiles.)
  const invStd = inverseStd(e, batchVar, eps);
  const gain = e.op1('Mul', [invStd, e.reshape(scale, perChannel)]);
  // ONNX Runtime's inference BatchNormalization applies the per-channel affine map in one pass
  // (mean 0: x is already centred). An integral epsilon would be written as an INT attribute.
  if (Number.isInteger(eps)) e.opInto('Add', [e.op1('Mul', [centered, gain]), e.reshape(bias, perChannel)], [y]);
  else e.opInto('BatchNormalization', [centered, scale, bias, e.constF(new Float32Array(xs[1]), [xs[1]]), e.reshape(batchVar, [xs[1]])], [y], { epsilon: eps });
  const count = xs[0] * xs.slice(2).reduce((p, q) => p * q, 1);
  out.fused.set(y, { output: y, inputs: [x, scale, bias], rule: (dy, needs, g) => batchNormGrad(g, { dy, centered, invStd, gain, axes, count, perChannel }, needs) });
  out.bnStats.push({ node: node.name, batchMean, batchVar, runningMean: mean, runningVar: variance, momentum: attrFloat(node, 'momentum', 0.9), count });
  return true;
}

interface BatchNormValues { dy: string; centered: string; invStd: string; gain: string; axes: number[]; count: number; perChannel: number[] }

/**
 * The textbook BatchNorm backward (Ioffe & Szegedy 2015), with c = x - mean, s = 1/sqrt(var+eps):
 * dbias = sum(dy), dscale = s * sum(dy * c), dx = scale*s * (dy - mean(dy) - c * s^2 * mean(dy * c)).
 * Five full-size ops where differentiating the expanded primitives emitted about twelve.
 */
function batchNormGrad(e: Emitter, v: BatchNormValues, needs: boolean[]): (string | null)[] {
  const channels = [v.perChannel[1]];
  const dyc = e.reduceSum(e.op1('Mul', [v.dy, v.centered]), v.axes, true);
  const dySum = e.reduceSum(v.dy, v.axes, true);
  const dScale = needs[1] ? e.reshape(e.op1('Mul', [dyc, v.invStd]), channels) : null;
  const dBias = needs[2] ? e.reshape(dySum, channels) : null;
  if (!needs[0]) return [null, dScale, dBias];
  const invCount = e.scalar(1 / v.count);
  // dx = dy * gain - (c * q + b), with the means as sum / M.
  const { q, b } = backwardTerms(e, v.gain, v.invStd, e.op1('Mul', [dyc, invCount]), e.op1('Mul', [dySum, invCount]));
  // c * q + b as one BatchNormalization pass (mean 0, variance 1, epsilon too small to change 1).
  const c = channels[0];
  const affine = e.op1('BatchNormalization', [v.centered, e.reshape(q, channels), e.reshape(b, channels), e.constF(new Float32Array(c), channels), e.constF(new Float32Array(c).fill(1), channels)], { epsilon: 1e-30 });
  const dx = e.op1('Sub', [e.op1('Mul', [v.dy, v.gain]), affine]);
  return [dx, dScale, dBias];
}

function hardSwish(node: Node, e: Emitter): boolean {
  const gate = e.op1('HardSigmoid', [node.input[0]], { alpha: 1 / 6, beta: 0.5 });
  e.opInto('Mul', [node.input[0], gate], [node.output[0]]);
  return true;
}

function maxPool(node: Node, e: Emitter, _opts: DecomposeOptions, out: Decomposed, around: Neighbours): boolean {
  const [x] = node.input;
  const kernel = tilingPoolKernel(node, e.shapes.get(x));
  // After a blocked BatchNorm, a 2-D tiling pool stays on the blocked layout (maxpool-blocked.ts).
  if (!node.output[1] && kernel?.length === 2 && around.blocked.has(x)) {
    out.fused.set(node.output[0], blockedMaxPool(e, x, node.output[0], kernel));
    return true;
  }
  if (node.output[1] || kernel) return false;
  // The gradient scatters through the Indices output: ask for it.
  node.output = [node.output[0], e.fresh('maxpool_indices')];
  return false;
}

function dropout(node: Node, e: Emitter, opts: DecomposeOptions): boolean {
  if (opts.sourceOpset < 12 || !opts.dropout) {
    if (node.output[1] && opts.sourceOpset >= 12) return false;
    e.opInto('Identity', [node.input[0]], [node.output[0]]);
    return true;
  }
  const ratio = node.input[1] || e.scalar(0.5);
  const training = e.constI64([1], []);
  const flag = e.op1('Cast', [training], { to: 9 });
  e.opInto('Dropout', [node.input[0], ratio, flag], [node.output[0], node.output[1] || e.fresh('dropout_mask')]);
  return true;
}

/** Opset < 13 forms (axes/split/min/max/pads as attributes) become the input forms of opset 13+. */
function attrsToInputs(node: Node, e: Emitter, opts: DecomposeOptions): boolean {
  if (opts.sourceOpset >= 13) return false;
  const op = node.opType;
  const moved = ['axes', 'split', 'min', 'max', 'pads', 'value', 'starts', 'ends'];
  const attrs: Record<string, AttrValue | undefined> = {};
  for (const a of node.attribute) {
    const name = a.name ?? '';
    if (!moved.includes(name)) attrs[name] = attr(node, name, undefined);
  }
  if (op === 'Squeeze' || op === 'Unsqueeze' || op === 'ReduceSum') {
    const axes = attrInts(node, 'axes', []);
    e.opInto(op, axes.length ? [node.input[0], e.constI64(axes)] : [node.input[0]], node.output, attrs);
    return true;
  }
  if (op === 'Split') {
    const split = attrInts(node, 'split', []);
    e.opInto(op, split.length ? [node.input[0], e.constI64(split)] : [node.input[0]], node.output, attrs);
    return true;
  }
  if (op === 'Clip' && opts.sourceOpset < 11) {
    e.opInto(op, [node.input[0], e.scalar(attrFloat(node, 'min', -3.4e38)), e.scalar(attrFloat(node, 'max', 3.4e38))], node.output);
    return true;
  }
  if (op === 'Pad' && opts.sourceOpset < 11) {
    e.opInto(op, [node.input[0], e.constI64(attrInts(node, 'pads', [])), e.scalar(attrFloat(node, 'value', 0))], node.output, attrs);
    return true;
  }
  if (op === 'Slice' && opts.sourceOpset < 10) {
    const starts = attrInts(node, 'starts', []);
    const axes = attrInts(node, 'axes', starts.map((_, i) => i));
    e.opInto(op, [node.input[0], e.constI64(starts), e.constI64(attrInts(node, 'ends', [])), e.constI64(axes)], node.output);
    return true;
  }
  if (op === 'Softmax' || op === 'LogSoftmax') {
    const xs = e.shape(node.input[0]);
    const axis = normAxis(attrInt(node, 'axis', 1), xs.length);
    // Before opset 13 these ops flatten to 2-D at `axis`: the same as a last-axis softmax only when axis is last.
    if (axis === xs.length - 1) { e.opInto(op, node.input, node.output, { axis: -1 }); return true; }
    const flat = e.op1('Flatten', [node.input[0]], { axis });
    e.opInto('Reshape', [e.op1(op, [flat], { axis: -1 }), e.constI64(xs)], node.output);
    return true;
  }
  return false;
}

function conv(node: Node, e: Emitter, _opts: DecomposeOptions, out: Decomposed): boolean {
  const fused = isDepthwise(node, e) ? depthwiseConv(node, e) : stridedPointwiseConv(node, e);
  if (!fused) return false;
  out.fused.set(node.output[0], fused);
  return true;
}

const REWRITES: Record<string, Rewrite> = {
  Conv: conv, Gemm: gemm, BatchNormalization: batchNorm, HardSwish: hardSwish, MaxPool: maxPool, Dropout: dropout,
};

/** Append the rewritten forward graph to `e.nodes`, in the given (topological) order. */
export function decompose(nodes: Node[], e: Emitter, opts: DecomposeOptions): Decomposed {
  const out: Decomposed = { bnStats: [], frozen: new Set(), fused: new Map() };
  const around: Neighbours = { producer: new Map(), consumers: new Map(), folded: new Set(), blocked: new Set() };
  for (const n of nodes) {
    for (const o of n.output) if (o) around.producer.set(o, n);
    for (const i of new Set(n.input)) {
      if (!i) continue;
      const readers = around.consumers.get(i);
      if (readers) readers.push(n);
      else around.consumers.set(i, [n]);
    }
  }
  for (const original of nodes) {
    if (around.folded.has(original)) continue;
    const node = { ...original, output: [...original.output], input: [...original.input] } as Node;
    if (attrsToInputs(node, e, opts)) continue;
    const rewrite = REWRITES[node.opType];
    if (rewrite && rewrite(node, e, opts, out, around)) continue;
    e.nodes.push(node);
  }
  return out;
}
