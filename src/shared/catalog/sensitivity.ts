// `sensitivity`: prune (or cluster) each layer alone at several ratios (or k) and chart the
// accuracy it costs; propose per-layer ratios (or k) that reach a target with the least loss.
import type { NodeKindSpec } from './types.ts';

export const SENSITIVITY: NodeKindSpec = {
  kind: 'sensitivity',
  version: 2,
  title: 'Sensitivity',
  category: 'Evaluate',
  description: 'Prune (or cluster) one layer at a time at several ratios (or k), measure accuracy (or agreement with the original), chart it per layer, and propose per-layer ratios (or k) that reach a target with the least loss. Outputs the model pruned (or shared) with that proposal.',
  inputs: [
    { name: 'model', type: 'model', label: 'Model', help: 'The model to analyse.' },
    { name: 'dataset', type: 'dataset', label: 'Dataset', help: 'Samples to score each variant on (a few thousand are plenty).' },
  ],
  outputs: [
    { name: 'model', type: 'model', label: 'Compressed model', help: 'The model pruned with the proposed per-layer ratios, or (weight sharing) clustered with the proposed per-layer k as codebook + indices.' },
    { name: 'metrics', type: 'metrics', label: 'Proposal', help: 'Proposed ratio (or k) per layer.' },
  ],
  params: {
    method: {
      type: 'enum', label: 'Method', default: 'magnitude', help: 'What is varied per layer.',
      options: [
        { value: 'magnitude', label: 'Unstructured pruning (magnitude)' },
        { value: 'channels', label: 'Structured pruning (channel groups)' },
        { value: 'share', label: 'Weight sharing (k per layer)', help: 'Cluster one layer at a time into each k tried and propose a k per layer (fewer clusters where the layer tolerates it), like per-layer sparsity for pruning.' },
      ],
    },
    ratios: {
      type: 'string', label: 'Ratios to try', default: '0.25, 0.5, 0.75, 0.9',
      help: 'Comma-separated fractions, each at least 0 and below 1.', visibleWhen: { param: 'method', equals: ['magnitude', 'channels'] },
      pattern: { regex: '^\\s*0?\\.\\d+(\\s*,\\s*0?\\.\\d+)*\\s*$', message: 'Give fractions below 1 separated by commas, e.g. 0.25, 0.5, 0.75.' },
    },
    metric: {
      type: 'enum', label: 'Metric', default: 'accuracy', help: 'Accuracy needs labels; agreement compares top-1 with the unpruned model.',
      options: [{ value: 'accuracy', label: 'Accuracy' }, { value: 'agreement', label: 'Agreement with original' }],
    },
    target: { type: 'number', label: 'Target', default: 0.5, min: 0, max: 1, exclusiveMax: true, step: 0.05, help: 'Overall fraction of weights (or channels) the proposal removes; met within 0.01 (the last layer\'s ratio may fall between the ratios tried).', visibleWhen: { param: 'method', equals: ['magnitude', 'channels'] } },
    kValues: {
      type: 'string', label: 'k values to try', default: '2, 4, 8, 16', visibleWhen: { param: 'method', equals: ['share'] },
      help: 'Comma-separated cluster counts, each 2..256. Per index width (1 bit: k=2, 2 bits: 4, 3 bits: 8, 4 bits: 16 ...) only the largest k counts: a smaller k of the same width saves no bits.',
      pattern: { regex: '^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$', message: 'Give whole numbers separated by commas, e.g. 2, 4, 8, 16.' },
    },
    targetBits: {
      type: 'number', label: 'Target bits per weight', default: 3, min: 1, max: 8, step: 0.5, unit: 'bits', visibleWhen: { param: 'method', equals: ['share'] },
      help: 'Mean index width over the clustered weights the proposal may use (4 = k 16 everywhere). The proposal settles on the k values tried, so it lands at or just under this.',
    },
    limit: { type: 'number', label: 'Samples', default: 2000, min: 1, integer: true, help: 'Score each variant on at most this many samples.' },
    skip: { type: 'string-list', label: 'Layers to skip', default: [], help: 'Layer names to leave out of the analysis.', advanced: true },
  },
};
