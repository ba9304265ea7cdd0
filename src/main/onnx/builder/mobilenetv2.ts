// A MobileNetV2-style network (Sandler et al. 2018): inverted residual blocks with a
// depthwise 3x3 conv, ReLU6 as Clip, linear bottlenecks. width 1, 224x224, 1000 classes
// reproduces torchvision's mobilenet_v2 layout (3.5 M parameters, ~300 M MACs).
import { WhittleError } from '../../../shared/errors.ts';
import type { Model } from '../model.ts';
import { GraphBuilder, type SampleShape } from './graph-builder.ts';

export interface MobileNetV2Options {
  /** Channel multiplier (torchvision's width_mult). Default 1. */
  width?: number;
  classes?: number;
  /** Square input side; default 224. */
  inputSize?: number;
  inputChannels?: number;
  /** Conv -> BatchNormalization (no conv bias) when true (default), Conv with bias when false. */
  batchNorm?: boolean;
  /** Channels of the last 1x1 conv; default 1280 * max(1, width) as in torchvision. */
  lastChannels?: number;
  seed?: number;
}

/** [expansion t, channels c, repeats n, first stride s] per stage, from the paper. */
const STAGES: [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

/** torchvision's _make_divisible: round to a multiple of 8 without dropping below 90%. */
export function makeDivisible(v: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor(v + divisor / 2) - (Math.floor(v + divisor / 2) % divisor));
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

export function buildMobileNetV2Style(options: MobileNetV2Options = {}): Model {
  const width = options.width ?? 1;
  const classes = options.classes ?? 1000;
  const inputSize = options.inputSize ?? 224;
  const inputChannels = options.inputChannels ?? 3;
  const useBn = options.batchNorm ?? true;
  if (!(width > 0) || inputSize < 8 || classes < 1) {
    throw new WhittleError('builder.bad-options', `MobileNetV2 needs width > 0, input size >= 8 and at least one class (got width ${width}, size ${inputSize}, ${classes} classes).`);
  }
  const b = new GraphBuilder(options.seed ?? 0);
  const convBnAct = (x: string, shape: SampleShape, outChannels: number, kernel: number, stride: number, group: number, act: boolean): [string, SampleShape] => {
    const prefix = b.name('conv');
    const [convOut, s] = b.conv(x, shape, { outChannels, kernel, stride, pad: (kernel - 1) / 2, group, bias: !useBn }, prefix);
    let y = convOut;
    if (useBn) y = b.batchNorm(y, outChannels, `${prefix}.bn`);
    if (act) y = b.relu6(y);
    return [y, s];
  };

  let shape: SampleShape = [inputChannels, inputSize, inputSize];
  let x = 'input';
  [x, shape] = convBnAct(x, shape, makeDivisible(32 * width), 3, 2, 1, true);
  for (const [t, c, n, s] of STAGES) {
    const outChannels = makeDivisible(c * width);
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const inChannels = shape[0];
      const hidden = Math.round(inChannels * t);
      const blockInput = x;
      let y = x;
      let yShape = shape;
      if (t !== 1) [y, yShape] = convBnAct(y, yShape, hidden, 1, 1, 1, true);
      [y, yShape] = convBnAct(y, yShape, hidden, 3, stride, hidden, true);
      [y, yShape] = convBnAct(y, yShape, outChannels, 1, 1, 1, false);
      x = stride === 1 && inChannels === outChannels ? b.add(blockInput, y) : y;
      shape = yShape;
    }
  }
  const last = options.lastChannels ?? makeDivisible(1280 * Math.max(1, width));
  [x, shape] = convBnAct(x, shape, last, 1, 1, 1, true);
  x = b.flatten(b.globalAveragePool(x));
  b.gemm(x, last, classes, 'classifier');
  return b.finish([inputChannels, inputSize, inputSize], classes, `MobileNetV2-style, width ${width}, ${inputSize}x${inputSize}, ${classes} classes${useBn ? ', BatchNormalization' : ''}`, 'mobilenetv2');
}
