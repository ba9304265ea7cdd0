// MLP and LeNet-5 from the builder. Both take MNIST-shaped input [N,1,28,28] by default,
// so they run on the bundled MNIST dataset with no reshaping in the pipeline.
import { WhittleError } from '../../../shared/errors.ts';
import type { Model } from '../model.ts';
import { GraphBuilder } from './graph-builder.ts';

export interface MlpOptions {
  /** Layer widths, input features first: [784, 64, 64, 10]. */
  sizes: number[];
  /**
   * Sample shape of the graph input (batch excluded); its product must equal sizes[0].
   * Default [1, 28, 28] when sizes[0] is 784 (MNIST images, flattened by a leading
   * Flatten node), else [sizes[0]] (no Flatten).
   */
  inputShape?: number[];
  seed?: number;
}

/** Gemm + ReLU layers, no activation after the last one (it emits logits). */
export function buildMlp(options: MlpOptions): Model {
  const { sizes } = options;
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new WhittleError('builder.bad-options', `An MLP needs at least two positive integer layer sizes; got [${sizes.join(', ')}].`, 'Give sizes such as [784, 64, 64, 10].');
  }
  const inputShape = options.inputShape ?? (sizes[0] === 784 ? [1, 28, 28] : [sizes[0]]);
  if (inputShape.reduce((a, b) => a * b, 1) !== sizes[0]) {
    throw new WhittleError('builder.bad-options', `The MLP input shape [${inputShape.join(', ')}] does not hold ${sizes[0]} features.`, 'Make the input shape multiply to the first layer size.');
  }
  const b = new GraphBuilder(options.seed ?? 0);
  let x = 'input';
  if (inputShape.length > 1) x = b.flatten(x);
  for (let i = 1; i < sizes.length; i++) {
    x = b.gemm(x, sizes[i - 1], sizes[i], `fc${i}`);
    if (i < sizes.length - 1) x = b.relu(x);
  }
  return b.finish(inputShape, sizes[sizes.length - 1], `MLP ${sizes.join('-')}`, 'mlp');
}

export interface LeNet5Options {
  classes?: number;
  seed?: number;
}

/**
 * LeNet-5 laid out like the trained fixture (same initializer names c1/c2/f1/f2/f3):
 * conv 6@5x5 pad 2, ReLU, maxpool 2, conv 16@5x5, ReLU, maxpool 2, flatten, 120, 84, classes.
 */
export function buildLeNet5(options: LeNet5Options = {}): Model {
  const classes = options.classes ?? 10;
  const b = new GraphBuilder(options.seed ?? 0);
  let shape = [1, 28, 28];
  let x: string;
  [x, shape] = b.conv('input', shape, { outChannels: 6, kernel: 5, pad: 2 }, 'c1');
  x = b.relu(x);
  [x, shape] = b.maxPool(x, shape, 2, 2);
  [x, shape] = b.conv(x, shape, { outChannels: 16, kernel: 5 }, 'c2');
  x = b.relu(x);
  [x, shape] = b.maxPool(x, shape, 2, 2);
  x = b.flatten(x);
  const features = shape[0] * shape[1] * shape[2];
  x = b.relu(b.gemm(x, features, 120, 'f1'));
  x = b.relu(b.gemm(x, 120, 84, 'f2'));
  b.gemm(x, 84, classes, 'f3');
  return b.finish([1, 28, 28], classes, 'LeNet-5 (conv 6@5x5 pad 2, conv 16@5x5, fc 120-84)', 'lenet5');
}
