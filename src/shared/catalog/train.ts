// `train`: train a model from scratch or fine-tune it (keeping pruning masks and codebooks).
// TRAINING_PARAMS are shared with `distill`.
import type { NodeKindSpec, ParamSpec } from './types.ts';

export const TRAINING_PARAMS: Record<string, ParamSpec> = {
  epochs: { type: 'number', label: 'Epochs', default: 10, min: 1, max: 1000, integer: true, help: 'Passes over the training set.' },
  batchSize: { type: 'number', label: 'Batch size', default: 64, min: 1, max: 4096, integer: true, help: 'Samples per step; the last incomplete batch of an epoch is skipped.' },
  optimizer: {
    type: 'enum', label: 'Optimizer', default: 'adam', help: 'How gradients update the weights.',
    options: [
      { value: 'adam', label: 'Adam' },
      { value: 'adamw', label: 'AdamW', help: 'Adam with decoupled weight decay.' },
      { value: 'sgd', label: 'SGD', help: 'With momentum (and Nesterov) below.' },
    ],
  },
  lr: { type: 'number', label: 'Learning rate', default: 0.001, min: 0, max: 10, step: 0.0001, help: 'Peak learning rate (after warm-up). 0.001 suits Adam; 0.05 suits SGD with momentum.' },
  momentum: { type: 'number', label: 'Momentum', default: 0.9, min: 0, max: 1, exclusiveMax: true, help: 'SGD momentum.', visibleWhen: { param: 'optimizer', equals: ['sgd'] } },
  nesterov: { type: 'boolean', label: 'Nesterov', default: false, help: 'Nesterov momentum.', visibleWhen: { param: 'optimizer', equals: ['sgd'] } },
  weightDecay: { type: 'number', label: 'Weight decay', default: 0, min: 0, max: 1, help: 'L2 penalty (SGD, Adam) or decoupled decay (AdamW).', advanced: true },
  schedule: {
    type: 'enum', label: 'Schedule', default: 'cosine', help: 'How the learning rate changes over the run.',
    options: [{ value: 'cosine', label: 'Cosine to zero' }, { value: 'step', label: 'Step decay' }, { value: 'constant', label: 'Constant' }],
  },
  warmupEpochs: { type: 'number', label: 'Warm-up', default: 0, min: 0, max: 100, unit: 'epochs', help: 'Linear warm-up from zero to the peak rate.', advanced: true },
  stepEpochs: { type: 'number', label: 'Step every', default: 5, min: 1, integer: true, unit: 'epochs', help: 'Epochs between decays.', visibleWhen: { param: 'schedule', equals: ['step'] }, advanced: true },
  gamma: { type: 'number', label: 'Decay factor', default: 0.1, min: 0, max: 1, help: 'Multiplier at each decay.', visibleWhen: { param: 'schedule', equals: ['step'] }, advanced: true },
  clipNorm: { type: 'number', label: 'Gradient clipping', default: 0, min: 0, help: 'Clip the global gradient norm to this value (0 = off).', advanced: true },
  shiftPx: { type: 'number', label: 'Random shift', default: 2, min: 0, max: 16, integer: true, unit: 'px', help: 'Shift images by up to this many pixels (zero fill) each step; 0 turns augmentation off.' },
  flip: { type: 'boolean', label: 'Horizontal flip', default: false, help: 'Mirror images at random. Leave off for digits and text, where a mirror image is another symbol.' },
  valFraction: { type: 'number', label: 'Validation split', default: 0.1, min: 0, max: 0.5, step: 0.05, help: 'Fraction of the dataset held out to pick the best epoch and stop early (0 = keep the last epoch).' },
  patience: { type: 'number', label: 'Early stopping patience', default: 0, min: 0, integer: true, unit: 'epochs', help: 'Stop after this many epochs without a better validation accuracy (0 = never).' },
  batchNorm: {
    type: 'enum', label: 'BatchNorm', default: 'train', help: 'Training uses batch statistics and updates the running ones; frozen keeps the running statistics.', advanced: true,
    options: [{ value: 'train', label: 'Train (batch statistics)' }, { value: 'frozen', label: 'Frozen (running statistics)' }],
  },
  freeze: {
    type: 'string-list', label: 'Frozen tensors', default: [], placeholder: 'c1.*',
    help: 'Initializers kept fixed (e.g. early layers when fine-tuning); end a name with * to match a prefix.', advanced: true,
  },
  threads: { type: 'number', label: 'Threads', default: 0, min: 0, max: 256, integer: true, advanced: true, help: 'CPU threads ONNX Runtime trains with; 0 uses every core.' },
  seed: { type: 'number', label: 'Seed', default: 0, min: 0, integer: true, help: 'Seeds shuffling, augmentation and the validation split.', advanced: true },
};

export const TRAIN: NodeKindSpec = {
  kind: 'train',
  version: 1,
  title: 'Train / fine-tune',
  category: 'Train',
  description: 'Train a model with cross-entropy, from scratch or to recover accuracy after pruning or weight sharing (pruned weights stay zero; shared layers train their codebooks and stay clustered). Runs on ONNX Runtime; shows loss and accuracy per epoch; keeps the best epoch.',
  inputs: [
    { name: 'model', type: 'model', label: 'Model', help: 'The model to train (its output must be class logits).' },
    { name: 'dataset', type: 'dataset', label: 'Training data', help: 'A labelled dataset whose samples match the model input.' },
  ],
  outputs: [{ name: 'model', type: 'model', label: 'Trained model', help: 'Plain inference ONNX in the same layout as the input model.' }],
  face: {
    params: [{ param: 'epochs' }, { param: 'optimizer', unlessDefault: true }],
    metrics: [
      { metric: 'valAccuracy', label: 'best accuracy', format: 'percent' },
      { metric: 'bestEpoch', label: 'best epoch', format: 'integer', of: 'epochs' },
    ],
  },
  params: TRAINING_PARAMS,
};
