// `pack`: the storage stage — the smallest standard ONNX file ONNX Runtime loads as it is.
import type { NodeKindSpec } from './types.ts';

export const PACK: NodeKindSpec = {
  kind: 'pack',
  version: 1,
  title: 'Pack (smallest file)',
  category: 'Compress',
  description: 'Stores every weight in the smallest form the target runtime loads unchanged, measured per tensor: 4-bit cluster indices (UINT4 -> Cast -> Gather), 2- and 1-bit indices for k <= 4 and k = 2 (packed into bytes, unpacked by BitShift), INT4 with DequantizeLinear, sparse initializers, uint8 codebooks or dense. Only forms that hold the values exactly are used, and the packed model is run in ONNX Runtime against the unpacked one. With a test set and the fp32 / pruned models connected, reports the size and accuracy waterfall of the recipe.',
  inputs: [
    { name: 'model', type: 'model', label: 'Model', help: 'The model to pack (usually pruned, shared and fine-tuned).' },
    { name: 'dataset', type: 'dataset', label: 'Test data', optional: true, help: 'Optional: samples to compare outputs on, and labels for the accuracy of each stage.' },
    { name: 'original', type: 'model', label: 'fp32 model', optional: true, help: 'Optional: the uncompressed model, the first stage of the waterfall and the base of the ratios.' },
    { name: 'pruned', type: 'model', label: 'Pruned model', optional: true, help: 'Optional: the pruned (and fine-tuned) model, a middle stage of the waterfall.' },
  ],
  outputs: [{ name: 'model', type: 'model', label: 'Packed model', help: 'Standard ONNX (opset 21 when a 4-bit form is used); metadata `whittle.pack` counts the forms chosen.' }],
  face: {
    params: [{ param: 'target' }, { param: 'objective', unlessDefault: true }],
    metrics: [
      { metric: 'sizeRatio', label: 'size', format: 'ratio' },
      { metric: 'gzipRatio', label: 'gzipped', format: 'ratio' },
      { metric: 'top1', label: 'top-1', format: 'percent' },
    ],
  },
  params: {
    target: {
      type: 'enum', label: 'Target runtime', default: 'onnxruntime',
      help: 'Which runtime must load the file; forms it cannot parse are never chosen.',
      options: [
        { value: 'onnxruntime', label: 'ONNX Runtime (CPU)', help: 'onnxruntime-node and onnxruntime 1.20+: every form.' },
        { value: 'tensorrt', label: 'TensorRT (Jetson)', help: 'Dense forms only: no 4-bit, sparse or codebook storage.' },
      ],
    },
    objective: {
      type: 'enum', label: 'Smallest by', default: 'gzip',
      help: 'Which size each tensor\'s form minimizes.',
      options: [
        { value: 'gzip', label: 'gzip size', help: 'What a download or an over-the-air update costs.' },
        { value: 'raw', label: 'File size', help: 'What the file takes on disk uncompressed.' },
      ],
    },
    minElements: { type: 'number', label: 'Minimum tensor size', default: 16, min: 1, integer: true, unit: 'elements', help: 'Smaller tensors stay as they are.', advanced: true },
    compareSamples: { type: 'number', label: 'Samples compared', default: 256, min: 0, max: 100000, integer: true, help: 'Test samples on which packed and unpacked outputs are compared in ONNX Runtime (besides a random batch).', advanced: true },
  },
};
