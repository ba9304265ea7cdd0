// `dataset.tensors`: samples (and labels) from NumPy .npy/.npz files.
import { COMMON_DATASET_PARAMS, DATASET_OUTPUT } from './dataset-common.ts';
import type { NodeKindSpec } from './types.ts';

export const DATASET_TENSORS: NodeKindSpec = {
  kind: 'dataset.tensors',
  version: 1,
  title: 'Tensors (.npy/.npz)',
  category: 'Input',
  description: 'Samples stacked along the first axis of a NumPy array ([N, ...sample shape]), with optional integer labels [N]. Little-endian float32, float64, uint8, int8, int32 or int64 in C order.',
  inputs: [],
  outputs: [DATASET_OUTPUT],
  face: {
    params: [{ param: 'path', label: 'File', format: 'file' }, { param: 'labelsPath', label: 'Labels', format: 'file' }],
    metrics: [{ metric: 'samples', label: 'samples', format: 'integer' }, { metric: 'sampleShape', label: 'shape', format: 'text' }],
  },
  params: {
    path: { type: 'path', label: 'Inputs file', default: '', mode: 'open-file', extensions: ['npy', 'npz'], help: 'A .npy holding the inputs, or a .npz holding inputs (and labels) as named arrays; relative to the pipeline file.' },
    labelsPath: { type: 'path', label: 'Labels file', default: '', mode: 'open-file', extensions: ['npy'], optional: true, help: 'A .npy of class indices, one per sample. Leave empty for an .npz that holds labels, or for unlabelled data.' },
    inputsKey: { type: 'string', label: 'Inputs array (.npz)', default: '', advanced: true, help: "Name of the inputs array inside an .npz; empty uses 'x' when present, else the first array." },
    labelsKey: { type: 'string', label: 'Labels array (.npz)', default: '', advanced: true, help: "Name of the labels array inside an .npz; empty uses 'y' when present (else no labels)." },
    extraInputKeys: {
      type: 'string-list', label: 'Extra inputs (.npz)', default: [], advanced: true, placeholder: 'mask',
      help: 'For models with several data inputs: .npz arrays (one row per sample) fed to the model inputs of the same names. The inputs array feeds the first model input.',
    },
    scale: { type: 'number', label: 'Scale', default: 1, min: 0, max: 1e6, help: 'Every input value is multiplied by this (e.g. 0.00392157 = 1/255 for uint8 images).' },
    ...COMMON_DATASET_PARAMS,
  },
};
