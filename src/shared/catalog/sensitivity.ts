// `sensitivity`: prune each layer alone at several ratios and chart the accuracy it costs.
import type { NodeKindSpec } from './types.ts';

export const SENSITIVITY: NodeKindSpec = {
  kind: 'sensitivity',
  version: 2,
  title: 'Pruning sensitivity',
  category: 'Evaluate',
  description: 'Prune one layer at a time at several ratios, measure accuracy (or agreement with the original), chart it per layer, and propose per-layer ratios that reach a target with the least loss. Outputs the model pruned with that proposal.',
  inputs: [
    { name: 'model', type: 'model', label: 'Model', help: 'The model to analyse.' },
    { name: 'dataset', type: 'dataset', label: 'Dataset', help: 'Samples to score each variant on (a few thousand are plenty).' },
  ],
  outputs: [
    { name: 'model', type: 'model', label: 'Pruned model', help: 'The model pruned with the proposed per-layer ratios.' },
    { name: 'metrics', type: 'metrics', label: 'Proposal', help: 'Proposed ratio per layer.' },
  ],
  params: {
    method: {
      type: 'enum', label: 'Method', default: 'magnitude', help: 'What is pruned per layer.',
      options: [{ value: 'magnitude', label: 'Unstructured (magnitude)' }, { value: 'channels', label: 'Structured (channel groups)' }],
    },
    ratios: {
      type: 'string', label: 'Ratios to try', default: '0.25, 0.5, 0.75, 0.9',
      help: 'Comma-separated fractions, each at least 0 and below 1.',
      pattern: { regex: '^\\s*0?\\.\\d+(\\s*,\\s*0?\\.\\d+)*\\s*$', message: 'Give fractions below 1 separated by commas, e.g. 0.25, 0.5, 0.75.' },
    },
    metric: {
      type: 'enum', label: 'Metric', default: 'accuracy', help: 'Accuracy needs labels; agreement compares top-1 with the unpruned model.',
      options: [{ value: 'accuracy', label: 'Accuracy' }, { value: 'agreement', label: 'Agreement with original' }],
    },
    target: { type: 'number', label: 'Target', default: 0.5, min: 0, max: 1, exclusiveMax: true, step: 0.05, help: 'Overall fraction of weights (or channels) the proposal removes; met within 0.01 (the last layer\'s ratio may fall between the ratios tried).' },
    limit: { type: 'number', label: 'Samples', default: 2000, min: 1, integer: true, help: 'Score each variant on at most this many samples.' },
    skip: { type: 'string-list', label: 'Layers to skip', default: [], help: 'Layer names to leave out of the analysis.', advanced: true },
  },
};
