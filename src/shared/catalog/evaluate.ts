// `evaluate`: run a model over a dataset; accuracy against labels, agreement and SQNR against a reference.
import type { NodeKindSpec } from './types.ts';

const YOLO = { param: 'task', equals: ['detection-yolo'] };

export const EVALUATE: NodeKindSpec = {
  kind: 'evaluate',
  version: 1,
  title: 'Evaluate',
  category: 'Evaluate',
  description: 'Runs the model on a dataset with ONNX Runtime (CPU) in batches. With labels: top-1 and top-5 accuracy. With a reference model (e.g. the original before compression): top-1 agreement and SQNR of the outputs in dB.',
  inputs: [
    { name: 'model', type: 'model', label: 'Model', help: 'The model to evaluate; its first output is read as class scores [N, classes].' },
    { name: 'dataset', type: 'dataset', label: 'Dataset', help: 'Samples whose shape matches the model input (without the batch axis).' },
    { name: 'reference', type: 'model', label: 'Reference', optional: true, help: 'Optional: a model with the same outputs to compare against (usually the uncompressed original).' },
  ],
  outputs: [{ name: 'metrics', type: 'metrics', label: 'Metrics', help: 'samples, top1, top5, agreement, sqnrDb, samplesPerSec.' }],
  face: {
    params: [{ param: 'task', unlessDefault: true }, { param: 'limit', label: 'Samples', unlessDefault: true }],
    metrics: [
      { metric: 'top1', label: 'top-1', format: 'percent', deltaFrom: { metric: 'referenceTop1', label: 'vs ref' } },
      { metric: 'map50', label: 'mAP@0.5', format: 'percent' },
      { metric: 'map', label: 'mAP@0.5:0.95', format: 'percent' },
      { metric: 'agreement', label: 'agreement', format: 'percent' },
      { metric: 'sqnrDb', label: 'SQNR', format: 'db' },
      { metric: 'top5', label: 'top-5', format: 'percent' },
    ],
  },
  params: {
    task: {
      type: 'enum', label: 'Task', default: 'classification',
      help: 'Classification reads class scores. Detection (YOLO) decodes YOLOv8-style heads (DFL boxes + classes per stride) with NMS and scores COCO mAP@0.5 and mAP@0.5:0.95 on a COCO dataset. Outputs compares every output with the reference (arg-max agreement over axis 1 and SQNR), for models without a decoder.',
      options: [{ value: 'classification', label: 'Classification' }, { value: 'detection-yolo', label: 'Detection (YOLO, COCO mAP)' }, { value: 'outputs', label: 'Outputs against a reference' }],
    },
    scoreThreshold: { type: 'number', label: 'Score threshold', default: 0.001, min: 0, max: 1, visibleWhen: YOLO, help: 'Boxes scoring less are dropped before NMS (0.001 as Ultralytics validates: mAP needs the low-score tail).' },
    iouThreshold: { type: 'number', label: 'NMS IoU', default: 0.7, min: 0.01, max: 1, visibleWhen: YOLO, help: 'A box overlapping a better box of the same class by more than this is suppressed (0.7 as Ultralytics validates).' },
    regMax: { type: 'number', label: 'DFL bins', default: 16, min: 1, max: 64, integer: true, advanced: true, visibleWhen: YOLO, help: 'Bins per box side in the head (reg_max; 16 in YOLOv8): the first 4 x bins channels of each head are box distances, the rest class logits.' },
    batchSize: { type: 'number', label: 'Batch size', default: 64, min: 1, max: 4096, integer: true, help: 'Samples per ONNX Runtime run. A model that fixes its batch axis uses its own size.' },
    limit: { type: 'number', label: 'Sample limit', default: 0, min: 0, max: 10_000_000, integer: true, help: 'Evaluate at most this many samples (the first ones); 0 evaluates the whole dataset.' },
    threads: { type: 'number', label: 'Threads', default: 0, min: 0, max: 256, integer: true, advanced: true, help: 'ONNX Runtime intra-op threads; 0 lets it use every core.' },
    inputName: { type: 'string', label: 'Input name', default: '', advanced: true, help: 'Model input the dataset feeds; empty uses the only input.' },
    outputName: { type: 'string', label: 'Output name', default: '', advanced: true, help: 'Model output holding the class scores; empty uses the first output.' },
  },
};
