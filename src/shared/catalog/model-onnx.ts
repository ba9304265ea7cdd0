// `model.onnx`: the source of most pipelines — load an .onnx file from disk.
import type { NodeKindSpec } from './types.ts';

export const MODEL_ONNX: NodeKindSpec = {
  kind: 'model.onnx',
  version: 1,
  title: 'ONNX model',
  category: 'Input',
  description: 'Load an ONNX model file. Reports its inputs and outputs, opset, parameter count and file size.',
  inputs: [],
  outputs: [{ name: 'model', type: 'model', label: 'Model', help: 'The loaded model, unchanged.' }],
  face: {
    params: [{ param: 'path', label: 'File', format: 'file' }],
    metrics: [
      { metric: 'sizeBytes', label: 'size', format: 'bytes' },
      { metric: 'parameters', label: 'params', format: 'count' },
      { metric: 'macs', label: 'MACs', format: 'count' },
    ],
  },
  params: {
    path: {
      type: 'path',
      label: 'Model file',
      help: 'The .onnx file to load, relative to the pipeline file.',
      default: '',
      mode: 'open-file',
      extensions: ['onnx'],
    },
  },
};
