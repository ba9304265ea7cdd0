// `dataset.synthetic`: seeded random inputs of a given shape, for speed-only work.
import { DATASET_OUTPUT } from './dataset-common.ts';
import type { NodeKindSpec } from './types.ts';

export const DATASET_SYNTHETIC: NodeKindSpec = {
  kind: 'dataset.synthetic',
  version: 1,
  title: 'Synthetic inputs',
  category: 'Input',
  description: 'Random inputs of a given shape from a seeded generator: for latency and throughput work where accuracy does not matter. Accuracy on it means nothing.',
  inputs: [],
  outputs: [DATASET_OUTPUT],
  face: {
    params: [{ param: 'shape' }, { param: 'count' }],
    metrics: [{ metric: 'samples', label: 'samples', format: 'integer' }],
  },
  params: {
    shape: {
      type: 'string', label: 'Sample shape', default: '3, 224, 224',
      pattern: { regex: '^\\s*[1-9][0-9]*(\\s*[,x ]\\s*[1-9][0-9]*)*\\s*$', message: 'Write whole sizes separated by commas, e.g. 3, 224, 224.' },
      help: 'Shape of one sample without the batch axis, e.g. 3, 224, 224 or 1, 28, 28.',
    },
    count: { type: 'number', label: 'Samples', default: 64, min: 1, max: 100_000, integer: true, help: 'How many samples to generate.' },
    distribution: {
      type: 'enum', label: 'Distribution', default: 'uniform', help: 'Uniform in [0, 1), or standard normal.',
      options: [{ value: 'uniform', label: 'Uniform [0, 1)' }, { value: 'normal', label: 'Normal (0, 1)' }],
    },
    numClasses: { type: 'number', label: 'Random labels', default: 0, min: 0, max: 100_000, integer: true, advanced: true, help: 'When above 0, each sample gets a random label in [0, this): lets pipelines that need labels run end to end.' },
    seed: { type: 'number', label: 'Seed', default: 0, min: 0, max: 2 ** 32 - 1, integer: true, help: 'The same seed gives the same values.' },
  },
};
