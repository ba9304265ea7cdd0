// Params every dataset node shares (how many samples, in which order) and its one output port.
import type { ParamSpec, PortSpec } from './types.ts';

export const DATASET_OUTPUT: PortSpec = { name: 'dataset', type: 'dataset', label: 'Dataset', help: 'A description of the dataset; each consumer loads it.' };

export const COMMON_DATASET_PARAMS: Record<string, ParamSpec> = {
  limit: {
    type: 'number', label: 'Sample limit', default: 0, min: 0, max: 10_000_000, integer: true,
    help: 'Use at most this many samples (after shuffling); 0 uses them all. Small limits make quick trial runs.',
  },
  shuffle: {
    type: 'boolean', label: 'Shuffle', default: false,
    help: 'Shuffle the samples with the seed below before the limit applies (the same seed gives the same order everywhere).',
  },
  seed: {
    type: 'number', label: 'Seed', default: 0, min: 0, max: 2 ** 32 - 1, integer: true, advanced: true,
    help: 'Seed of the shuffle.',
    visibleWhen: { param: 'shuffle', equals: [true] },
  },
};
