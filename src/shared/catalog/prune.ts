// `prune`: magnitude (unstructured), 2:4 semi-structured, or structured channel pruning.
import type { NodeKindSpec } from './types.ts';

export const PRUNE: NodeKindSpec = {
  kind: 'prune',
  version: 2,
  title: 'Prune',
  category: 'Compress',
  description: 'Zero small weights (unstructured or the 2:4 pattern of sparse tensor cores) or remove whole channels, which really shrinks tensors and MACs. Reports size, sparsity and MACs per layer before and after.',
  inputs: [
    { name: 'model', type: 'model', label: 'Model', help: 'The model to prune.' },
    { name: 'validation', type: 'dataset', label: 'Validation data', optional: true, help: 'Samples the pruned model is checked on against its input (output SQNR, top-1 agreement). Without it the check runs on random inputs.' },
  ],
  outputs: [{ name: 'model', type: 'model', label: 'Pruned model', help: 'Unstructured and 2:4 masks travel as metadata `whittle.prune.mask` (zeros are the mask).' }],
  face: {
    params: [{ param: 'method' }, { param: 'sparsity', label: 'Remove', format: 'percent' }],
    metrics: [
      { metric: 'sparsity', label: 'sparsity', format: 'percent', when: { param: 'method', equals: ['magnitude', '2:4'] } },
      { metric: 'macsRatio', label: 'MACs', format: 'ratio', when: { param: 'method', equals: ['channels'] } },
      { metric: 'sizeRatio', label: 'size', format: 'ratio', when: { param: 'method', equals: ['channels'] } },
      { metric: 'gzipRatio', label: 'gzipped', format: 'ratio', when: { param: 'method', equals: ['magnitude', '2:4'] } },
      { metric: 'top1Agreement', label: 'agreement', format: 'percent' },
      { metric: 'outputSqnrDb', label: 'SQNR', format: 'db' },
    ],
  },
  params: {
    method: {
      type: 'enum', label: 'Method', default: 'magnitude',
      help: 'How weights are removed.',
      options: [
        { value: 'magnitude', label: 'Unstructured (magnitude)', help: 'Zero the smallest weights; shrinks the file after gzip or sparse storage, not the MACs.' },
        { value: '2:4', label: '2:4 semi-structured', help: 'Two zeros in every four weights along input channels; TensorRT sparse kernels (Jetson Orin) run it faster.' },
        { value: 'channels', label: 'Structured (channels)', help: 'Remove filters and the channels that depend on them; fewer MACs and lower latency everywhere.' },
      ],
    },
    sparsity: {
      type: 'number', label: 'Sparsity / channel ratio', default: 0.5, min: 0, max: 1, exclusiveMax: true, step: 0.05,
      help: 'Fraction of weights (unstructured) or of channels per group (structured) to remove.',
      visibleWhen: { param: 'method', equals: ['magnitude', 'channels'] },
    },
    scope: {
      type: 'enum', label: 'Threshold', default: 'global',
      help: 'Per layer: every layer loses the same fraction. Global: one ranking over the whole model.',
      options: [{ value: 'layer', label: 'Per layer (uniform)' }, { value: 'global', label: 'Global' }],
      visibleWhen: { param: 'method', equals: ['magnitude', 'channels'] },
    },
    importance: {
      type: 'enum', label: 'Channel importance', default: 'l1',
      help: 'How channels are ranked: L1 or L2 norm of their filters, or |gamma| of the following BatchNormalization.',
      options: [{ value: 'l1', label: 'L1 norm' }, { value: 'l2', label: 'L2 norm' }, { value: 'bn', label: 'BatchNorm |gamma|' }],
      visibleWhen: { param: 'method', equals: ['channels'] },
    },
    channelMultiple: {
      type: 'number', label: 'Channel multiple', default: 8, min: 1, max: 64, integer: true,
      help: 'Kept channel counts are rounded to a multiple of this. 8 suits x86 (ONNX Runtime\'s blocked NCHWc layouts) and ARM NEON; 16 or 32 suit TensorRT int8 tensor cores; 1 keeps the exact ratio, which can leave layers slower than before.',
      visibleWhen: { param: 'method', equals: ['channels'] },
    },
    minChannels: {
      type: 'number', label: 'Fewest channels', default: 8, min: 1, max: 1024, integer: true, advanced: true,
      help: 'No layer is pruned below this many channels (layers this narrow are left whole). Layers left with a handful of channels run off the fast kernels.',
      visibleWhen: { param: 'method', equals: ['channels'] },
    },
    overrides: {
      type: 'number-map', label: 'Per-layer sparsity', default: {}, min: 0, max: 1, exclusiveMax: true,
      help: 'Layer name -> fraction, overriding the sparsity for that layer (or its channel group).', advanced: true,
      visibleWhen: { param: 'method', equals: ['magnitude', 'channels'] },
    },
    skip: {
      type: 'string-list', label: 'Layers to skip', default: [], placeholder: '/c1/Conv',
      help: 'Layer (node) or weight names to leave intact.', advanced: true,
    },
    minSize: {
      type: 'number', label: 'Minimum layer size', default: 0, min: 0, integer: true, unit: 'weights',
      help: 'Layers with fewer weights are left intact (small layers are often sensitive and save little).', advanced: true,
      visibleWhen: { param: 'method', equals: ['magnitude', '2:4'] },
    },
  },
};
