// The model builder: small, seeded, valid ONNX models (opset 17, IR 8, float32, input
// 'input' with batch dim 'N', output 'logits') for examples, tests and the model.zoo node.
import { WhittleError } from '../../../shared/errors.ts';
import type { Model } from '../model.ts';
import { buildMlp, buildLeNet5 } from './mlp.ts';
import { buildMobileNetV2Style } from './mobilenetv2.ts';
import { buildResNet } from './resnet.ts';
import { buildVit } from './vit.ts';

export { buildMlp, buildLeNet5, type MlpOptions, type LeNet5Options } from './mlp.ts';
export { buildMobileNetV2Style, makeDivisible, type MobileNetV2Options } from './mobilenetv2.ts';
export { buildResNet, type ResNetOptions } from './resnet.ts';
export { buildVit, type VitOptions } from './vit.ts';
export { GraphBuilder, BUILDER_OPSET, BUILDER_IR_VERSION, INPUT_NAME, OUTPUT_NAME } from './graph-builder.ts';

export const ARCHITECTURES = ['mlp', 'lenet5', 'mobilenetv2', 'resnet18', 'resnet-small', 'vit'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export interface BuildOptions {
  seed?: number;
  classes?: number;
  /** Square input side for the convolutional nets (mobilenetv2, resnet*). */
  inputSize?: number;
  inputChannels?: number;
  /** MobileNetV2 channel multiplier. */
  width?: number;
  /** MLP hidden layer widths (input 784 and output `classes` are added). */
  hidden?: number[];
  /** ResNet first-stage channels. */
  baseWidth?: number;
  batchNorm?: boolean;
}

/** Build one of the zoo's architectures; options that do not apply to `arch` are ignored. */
export function buildModel(arch: Architecture | string, options: BuildOptions = {}): Model {
  const seed = options.seed ?? 0;
  switch (arch) {
    case 'mlp':
      return buildMlp({ sizes: [784, ...(options.hidden ?? [64, 64]), options.classes ?? 10], seed });
    case 'lenet5':
      return buildLeNet5({ classes: options.classes, seed });
    case 'mobilenetv2':
      return buildMobileNetV2Style({ width: options.width, classes: options.classes, inputSize: options.inputSize, inputChannels: options.inputChannels, batchNorm: options.batchNorm, seed });
    case 'resnet18':
    case 'resnet-small':
      return buildResNet({ depth: arch === 'resnet18' ? 18 : 'small', classes: options.classes, inputSize: options.inputSize, inputChannels: options.inputChannels, batchNorm: options.batchNorm, baseWidth: options.baseWidth, seed });
    case 'vit':
      return buildVit({ classes: options.classes, seed });
    default:
      throw new WhittleError('builder.unknown-arch', `The model zoo has no architecture '${arch}'.`, `Choose one of: ${ARCHITECTURES.join(', ')}.`);
  }
}
