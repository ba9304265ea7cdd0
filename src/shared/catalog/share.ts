// `share`: weight sharing by k-means clustering, stored as codebook + uint8 indices.
import type { NodeKindSpec } from './types.ts';

export const SHARE: NodeKindSpec = {
  kind: 'share',
  version: 2,
  title: 'Share weights',
  category: 'Compress',
  description: 'Cluster each layer\'s weights into k shared values (k-means). Stored as a small codebook plus one byte per weight, which ONNX Runtime folds back at load time, so the file shrinks and speed is unchanged. Also stores identical tensors once.',
  inputs: [
    { name: 'model', type: 'model', label: 'Model', help: 'The model whose weights to cluster.' },
    { name: 'validation', type: 'dataset', label: 'Validation data', optional: true, help: 'Samples the shared model is checked on against its input (output SQNR, top-1 agreement). Without it the check runs on random inputs.' },
  ],
  outputs: [{ name: 'model', type: 'model', label: 'Shared model', help: 'Layout in metadata `whittle.share` (codebook and indices per layer).' }],
  face: {
    params: [{ param: 'k', label: 'k' }, { param: 'storage', unlessDefault: true }, { param: 'perChannel', unlessDefault: true }],
    metrics: [
      { metric: 'sizeRatio', label: 'size', format: 'ratio' },
      { metric: 'top1Agreement', label: 'agreement', format: 'percent' },
      { metric: 'outputSqnrDb', label: 'SQNR', format: 'db' },
    ],
  },
  params: {
    k: { type: 'number', label: 'Clusters (k)', default: 16, min: 2, max: 256, integer: true, help: 'Distinct values per layer (per channel when that is on). k = 2..16 needs 1..4-bit indices, which the Pack node stores in 4 bits (UINT4); up to 256 fit one byte.' },
    kPerLayer: {
      type: 'number-map', label: 'Per-layer k', default: {}, min: 2, max: 256,
      help: 'Layer or weight name -> clusters for that layer, overriding k (e.g. fewer for large, robust fully connected layers).', advanced: true,
    },
    biases: { type: 'boolean', label: 'Cluster biases too', default: false, help: 'Also cluster each layer\'s bias into at most its k values, stored the same way: float biases barely compress, so in a tiny packed file they weigh more than the weights.', advanced: true },
    init: {
      type: 'enum', label: 'Initialization', default: 'kmeans++',
      help: 'Where the centroids start, as in TensorFlow Model Optimization.',
      options: [
        { value: 'kmeans++', label: 'k-means++' },
        { value: 'linear', label: 'Linear', help: 'Evenly spaced between the smallest and largest weight; keeps large weights well represented.' },
        { value: 'density', label: 'Density-based', help: 'Evenly spaced along the cumulative distribution.' },
      ],
    },
    perChannel: { type: 'boolean', label: 'Per output channel', default: false, help: 'One codebook per output channel: more accurate, slightly larger.' },
    storage: {
      type: 'enum', label: 'Storage', default: 'codebook',
      help: 'How the clustered weights are written.',
      options: [
        { value: 'codebook', label: 'Codebook + indices', help: 'uint8 indices -> Gather(codebook): the file really shrinks.' },
        { value: 'dense', label: 'Dense (snapped)', help: 'Plain float weights snapped to the centroids; compresses well with gzip, runs anywhere.' },
      ],
    },
    keepZeros: { type: 'boolean', label: 'Keep zeros as a cluster', default: true, help: 'Pruned (zero) weights get their own cluster at exactly 0, so sparsity survives.' },
    dedupe: { type: 'boolean', label: 'Store identical tensors once', default: true, help: 'Cross-layer sharing: initializers with identical contents are stored once.' },
    skip: { type: 'string-list', label: 'Layers to skip', default: [], help: 'Layer (node) or weight names to leave unclustered.', advanced: true },
    minSize: { type: 'number', label: 'Minimum layer size', default: 0, min: 0, integer: true, unit: 'weights', help: 'Layers with fewer weights stay unclustered.', advanced: true },
  },
};
