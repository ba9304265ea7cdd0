// What the histogram methods (Percentile, Entropy, MSE) bin of a large activation with
// histogramValues 'sampled' (the default): a strided sample of each sample's values, taken inside
// ONNX Runtime (calibration-graph.ts) in runs of up to 8 values, so reading it costs about what it
// holds and not the whole value. An elementwise function of a sampled value (Sigmoid,
// Relu, Clip, ...) is not read: ORT applies the same operator to the other's sample, which is
// that function's sample at the same places. Reading a SiLU's Sigmoid would keep ORT from fusing
// the SiLU (unfused, it cost EfficientNet-B0-style 430 of 1,365 ms of kernels over 64 samples).
import type { Node } from '../../onnx/model.ts';

/** Where one value's sample comes from, and how it was taken. */
export interface SampledValue {
  tensor: string;
  perRow: number;
  /** Runs of `chunk` consecutive values: every `step`-th run of each row from run `start`. */
  chunk: number;
  start: number;
  step: number;
  /** [rows, runs, chunk], an output of the calibration model. */
  output: string;
}

/** The longest run: half a cache line, one spatial position of ORT's 8-channel block. */
const MAX_RUN = 8;

/**
 * How a row of `dims` (the value's shape without its first axis, channels first) is sampled to
 * about `budget` values: whole when it holds no more, else runs of up to 8 values, every k-th
 * run from run `start`. Every channel must be in the sample, as outliers keep to a few
 * channels: a run of EfficientNet-B0-style's values taken every 37 runs of 16 missed channels
 * of 14x14 values (all in the same places in every calibration sample), and the 99.999th
 * percentile of a SiLU output came out 1.27 instead of 4.18. So a step of runs spans no more
 * than a channel's values (in ORT's blocked layout a run of 8 is one place in 8 channels, and
 * every block of channels is visited the same way), which can take more than `budget` values
 * where a row holds many channels of few values. k is a prime that divides no dimension, so the
 * runs visit every row and column of the feature map in turn rather than the same few places;
 * the first run is half a step in, away from the corner.
 */
export function samplePlan(dims: number[], budget: number): Pick<SampledValue, 'perRow' | 'chunk' | 'start' | 'step'> {
  const perRow = dims.reduce((a, d) => a * d, 1);
  const spatial = perRow / dims[0];
  const whole = { perRow, chunk: perRow, start: 0, step: 1 };
  if (perRow <= budget) return whole;
  for (let chunk = MAX_RUN; chunk >= 1; chunk /= 2) {
    if (perRow % chunk !== 0) continue;
    const step = samplingStep([...dims, perRow / chunk], Math.ceil(perRow / budget));
    if (step * chunk <= spatial) return { perRow, chunk, start: Math.floor(step / 2), step };
  }
  // The budget would skip channels even one value at a time: the widest step that does not.
  for (let step = Math.floor(spatial); step >= 3; step--) {
    if (samplingStep([...dims, perRow], step) === step) return { perRow, chunk: 1, start: Math.floor(step / 2), step };
  }
  return whole;
}

/** The least odd prime >= `least` that divides none of `dims`. */
export function samplingStep(dims: number[], least: number): number {
  const isPrime = (k: number): boolean => {
    for (let d = 2; d * d <= k; d++) if (k % d === 0) return false;
    return k > 1;
  };
  for (let k = Math.max(3, least); ; k++) if (isPrime(k) && dims.every((d) => d % k !== 0)) return k;
}

/** Operators of one data input, elementwise: their output's sample is the operator applied to the input's. */
const ELEMENTWISE_UNARY = new Set(['Sigmoid', 'Relu', 'Clip', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Exp', 'Softplus', 'Erf', 'Abs', 'Neg', 'Elu', 'Selu', 'Gelu']);

/** Whether `node` maps its first input elementwise, its other inputs constants (`constant`), so it can be applied to a sample of it. */
export function appliesToSample(node: Node | undefined, constant: (name: string) => boolean): node is Node {
  return !!node && !node.domain && ELEMENTWISE_UNARY.has(node.opType) && node.input.slice(1).every((i) => !i || constant(i));
}

/** The sample of one row read whole, taken as the calibration model takes it (a fresh array). */
export function sampleRow(row: Float32Array, s: Pick<SampledValue, 'chunk' | 'start' | 'step'>): Float32Array {
  const runs = row.length / s.chunk;
  const out = new Float32Array(Math.max(0, Math.ceil((runs - s.start) / s.step)) * s.chunk);
  let o = 0;
  for (let r = s.start; r < runs; r += s.step) {
    out.set(row.subarray(r * s.chunk, (r + 1) * s.chunk), o);
    o += s.chunk;
  }
  return out;
}
