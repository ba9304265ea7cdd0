// `export`: the end of a pipeline — write the model it receives to a chosen path.
import type { NodeKindSpec } from './types.ts';

export const EXPORT: NodeKindSpec = {
  kind: 'export',
  version: 1,
  title: 'Export',
  category: 'Output',
  description: 'Write the incoming model to an .onnx file (relative paths are relative to the pipeline file, or to --out on the command line).',
  inputs: [{ name: 'model', type: 'model', label: 'Model', help: 'The model to write.' }],
  cache: false,
  outputs: [],
  face: {
    params: [{ param: 'path', label: 'File', format: 'file' }],
    metrics: [{ metric: 'sizeBytes', label: 'size', format: 'bytes' }],
  },
  params: {
    path: {
      type: 'path',
      label: 'Output file',
      help: 'Where to write the model, relative to the pipeline file.',
      default: 'out/model.onnx',
      mode: 'save-file',
      extensions: ['onnx'],
    },
    overwrite: {
      type: 'boolean',
      label: 'Overwrite',
      help: 'Replace an existing file at that path; when off, an existing file fails the node.',
      default: true,
    },
  },
};
