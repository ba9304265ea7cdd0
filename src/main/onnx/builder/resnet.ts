// ResNets with basic blocks (He et al. 2016): ResNet-18 as in torchvision (11.7 M
// parameters, 1.8 G MACs at 224x224) and a small CIFAR-style ResNet for tests and examples.
import { WhittleError } from '../../../shared/errors.ts';
import type { Model } from '../model.ts';
import { GraphBuilder, type SampleShape } from './graph-builder.ts';

export interface ResNetOptions {
  /** 18: torchvision's ResNet-18; 'small': 3x3 stem, stages 16-32-64 of one block each. */
  depth?: 18 | 'small';
  classes?: number;
  inputSize?: number;
  inputChannels?: number;
  /** Conv -> BatchNormalization when true (default), Conv with bias when false. */
  batchNorm?: boolean;
  /** Channels of the first stage; default 64 (ResNet-18) or 16 (small). */
  baseWidth?: number;
  seed?: number;
}

export function buildResNet(options: ResNetOptions = {}): Model {
  const depth = options.depth ?? 18;
  const small = depth === 'small';
  const classes = options.classes ?? (small ? 10 : 1000);
  const inputSize = options.inputSize ?? (small ? 32 : 224);
  const inputChannels = options.inputChannels ?? 3;
  const useBn = options.batchNorm ?? true;
  const base = options.baseWidth ?? (small ? 16 : 64);
  if (depth !== 18 && depth !== 'small') {
    throw new WhittleError('builder.bad-options', `ResNet depth ${String(depth)} is not built; choose 18 or 'small'.`);
  }
  if (inputSize < 8 || classes < 1 || base < 1) {
    throw new WhittleError('builder.bad-options', `ResNet needs input size >= 8, a positive base width and at least one class.`);
  }
  const b = new GraphBuilder(options.seed ?? 0);
  const convBn = (x: string, shape: SampleShape, outChannels: number, kernel: number, stride: number, prefix: string): [string, SampleShape] => {
    const [convOut, s] = b.conv(x, shape, { outChannels, kernel, stride, pad: Math.floor(kernel / 2), bias: !useBn }, prefix);
    let y = convOut;
    if (useBn) y = b.batchNorm(y, outChannels, `${prefix}.bn`);
    return [y, s];
  };

  let shape: SampleShape = [inputChannels, inputSize, inputSize];
  let x = 'input';
  if (small) {
    [x, shape] = convBn(x, shape, base, 3, 1, 'stem');
    x = b.relu(x);
  } else {
    [x, shape] = convBn(x, shape, base, 7, 2, 'stem');
    x = b.relu(x);
    [x, shape] = b.maxPool(x, shape, 3, 2, 1);
  }
  const stages = small ? [base, base * 2, base * 4] : [base, base * 2, base * 4, base * 8];
  const blocksPerStage = small ? 1 : 2;
  stages.forEach((channels, stageIndex) => {
    for (let blockIndex = 0; blockIndex < blocksPerStage; blockIndex++) {
      const stride = stageIndex > 0 && blockIndex === 0 ? 2 : 1;
      const prefix = `layer${stageIndex + 1}.${blockIndex}`;
      const identityIn = x;
      const inShape = shape;
      let [y, yShape] = convBn(x, shape, channels, 3, stride, `${prefix}.conv1`);
      y = b.relu(y);
      [y, yShape] = convBn(y, yShape, channels, 3, 1, `${prefix}.conv2`);
      let shortcut = identityIn;
      if (stride !== 1 || inShape[0] !== channels) {
        [shortcut] = convBn(identityIn, inShape, channels, 1, stride, `${prefix}.downsample`);
      }
      x = b.relu(b.add(y, shortcut));
      shape = yShape;
    }
  });
  x = b.flatten(b.globalAveragePool(x));
  b.gemm(x, shape[0], classes, 'fc');
  const label = small ? 'ResNet-small' : 'ResNet-18';
  return b.finish([inputChannels, inputSize, inputSize], classes, `${label}, ${inputSize}x${inputSize}, ${classes} classes${useBn ? ', BatchNormalization' : ''}`, small ? 'resnet-small' : 'resnet18');
}
