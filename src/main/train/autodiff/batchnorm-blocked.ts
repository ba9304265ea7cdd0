// BatchNormalization in training mode on NCHWc-blocked values, for a BatchNorm fed by a Conv that
// runs on NCHWc kernels (train/nchwc.ts), with the ReLU after it folded in. The plain form
// (decompose.ts) works in NCHW: ORT copies the Conv's output back to NCHW before it and into the
// blocked layout again for the next Conv, forward and backward, and runs its per-channel
// arithmetic (broadcast Sub, BatchNormalization, ReduceMean over N, H, W) on one thread. Here
// every full-size step is an op ORT spreads over its threads and runs on the blocked layout:
// per-channel statistics as NCHWc GlobalAveragePool (per sample) then a mean over N, the
// per-channel affine maps as depthwise 1x1 NCHWc Convs (the ReLU as the Conv's activation), the
// rest same-shape elementwise ops, which do not care about layout. It takes and gives NCHW values
// through ReorderInput/ReorderOutput; joinReorders (train/nchwc.ts) drops those next to the
// Convs' own. (ResNet-small's 16-channel 32x32 BatchNorm + ReLU, batch 64, forward and backward
// with the reorders around it: 5.1 -> 3.5 ms at 1 thread, 4.9 -> 2.8 ms at 2. Whole training
// steps, three interleaved runs each: ResNet-small 66-70 -> 59-62 ms at 2 threads, 64-70 -> 63-68
// at 1; the BN-CNN 58-66 -> 54-57 ms at 2, 81-85 -> 74-77 at 1; MobileNetV2 x0.5 alike, its
// BatchNorms mostly after 1x1 Convs, which stay off NCHWc.)
import { makeNode } from '../../onnx/graph.ts';
import type { Node } from '../../onnx/model.ts';
import { NCHWC_DOMAIN } from '../../runtime/nchwc.ts';
import { runsBlocked } from '../nchwc.ts';
import type { Emitter } from './emit.ts';
import type { FusedGradient } from './rule.ts';
import { backwardTerms, inverseStd } from './batchnorm-terms.ts';

/** Whether a training-mode BatchNorm over `x` (dims `xs`, made by `producer`) takes the blocked form. */
export function blockedBatchNormApplies(e: Emitter, xs: number[], producer: Node | undefined): boolean {
  const block = e.nchwcBlock;
  return block >= 4 && xs.length === 4 && xs[1] % block === 0 && producer !== undefined
    && producer.opType === 'Conv' && (producer.domain ?? '') === '' && runsBlocked(producer, e.shapes.get(producer.input[1]), block);
}

export interface BlockedBatchNorm {
  x: string;
  scale: string;
  bias: string;
  epsilon: number;
  /** The value the rewrite gives: the BatchNorm's output, or the folded ReLU's. */
  output: string;
  relu: boolean;
}

/** One NCHWc-domain node; its output is `output`, or a fresh name. */
export function nchwc(e: Emitter, op: string, inputs: string[], attrs: Record<string, number | number[] | string> = {}, output = e.fresh(op)): string {
  e.nodes.push(makeNode(op, inputs, [output], { name: output, domain: NCHWC_DOMAIN, attrs }));
  return output;
}

/** y = x * w + b per channel (and ReLU'd), x blocked: a depthwise 1x1 NCHWc Conv. w, b: [C]. */
function channelAffine(e: Emitter, x: string, w: string, b: string, channels: number, relu = false): string {
  return nchwc(e, 'Conv', [x, e.reshape(w, [channels, 1, 1, 1]), b], { group: channels, kernel_shape: [1, 1], ...(relu ? { activation: 'Relu' } : {}) });
}

/**
 * The per-channel mean of a blocked [N, C, H, W] value, as [C]: each sample's GlobalAveragePool
 * (blocked [N, C, 1, 1] is [N, C] in memory), then the mean over N.
 */
function channelMean(e: Emitter, v: string, channels: number): string {
  // (-1: the forward graph is also run at batch 1 and 2 to learn its shapes.)
  return e.reduceMean(e.reshape(nchwc(e, 'GlobalAveragePool', [v]), [-1, channels]), [0], false);
}

/**
 * Emits the forward pass and returns the batch statistics ([1, C, 1, 1], like the plain form's)
 * and the gradient of the whole (BatchNorm, and ReLU where folded in) as one fused rule.
 */
export function blockedBatchNorm(e: Emitter, bn: BlockedBatchNorm): { batchMean: string; batchVar: string; count: number; fused: FusedGradient } {
  const [n, c, ...spatial] = e.shape(bn.x);
  const count = n * spatial.reduce((p, q) => p * q, 1);
  const perChannel = [1, c, 1, 1];
  const xb = nchwc(e, 'ReorderInput', [bn.x]);
  const mean = channelMean(e, xb, c);
  const centered = channelAffine(e, xb, e.constF(new Float32Array(c).fill(1), [c]), e.op1('Neg', [mean]), c);
  const batchVar = channelMean(e, e.op1('Mul', [centered, centered]), c);
  const invStd = inverseStd(e, batchVar, bn.epsilon);
  const gain = e.op1('Mul', [invStd, bn.scale]);
  const yb = channelAffine(e, centered, gain, bn.bias, c, bn.relu);
  nchwc(e, 'ReorderOutput', [yb], { channels: c }, bn.output);
  const rule = (dOut: string, needs: boolean[], g: Emitter): (string | null)[] => {
    const dOutB = nchwc(g, 'ReorderInput', [dOut]);
    // Where the ReLU is folded in: dY where its output is positive.
    const dy = bn.relu ? g.op1('Mul', [dOutB, g.op1('Cast', [g.op1('Greater', [yb, g.scalarOfRank(0, 4)])], { to: 1 })]) : dOutB;
    // The textbook backward (decompose.ts, batchNormGrad) with means where it has sums / count.
    const dyMean = channelMean(g, dy, c);
    const dycMean = channelMean(g, g.op1('Mul', [dy, centered]), c);
    const dScale = needs[1] ? g.op1('Mul', [g.op1('Mul', [dycMean, invStd]), g.scalar(count)]) : null;
    const dBias = needs[2] ? g.op1('Mul', [dyMean, g.scalar(count)]) : null;
    if (!needs[0]) return [null, dScale, dBias];
    // dx = dy * gain - (c * q + b), the two per-channel affine maps as NCHWc Convs.
    const { q, b } = backwardTerms(g, gain, invStd, dycMean, dyMean);
    const dxb = g.op1('Sub', [channelAffine(g, dy, gain, g.op1('Neg', [b]), c), channelAffine(g, centered, q, g.constF(new Float32Array(c), [c]), c)]);
    return [nchwc(g, 'ReorderOutput', [dxb], { channels: c }), dScale, dBias];
  };
  return {
    batchMean: e.reshape(mean, perChannel),
    batchVar: e.reshape(batchVar, perChannel),
    count,
    fused: { output: bn.output, inputs: [bn.x, bn.scale, bn.bias], rule },
  };
}
