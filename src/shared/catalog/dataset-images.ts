// `dataset.images`: an image folder (one sub-folder per class), decoded, resized, cropped, normalized.
import { COMMON_DATASET_PARAMS, DATASET_OUTPUT } from './dataset-common.ts';
import type { NodeKindSpec } from './types.ts';

const NUMBER_LIST = { regex: '^\\s*-?[0-9.eE+-]+(\\s*[, ]\\s*-?[0-9.eE+-]+)*\\s*$', message: 'Write one number, or one per channel separated by commas.' };

export const DATASET_IMAGES: NodeKindSpec = {
  kind: 'dataset.images',
  version: 1,
  title: 'Image folder',
  category: 'Input',
  description: 'Images from a folder with one sub-folder per class (folder names sorted give the class indices). PNG and JPEG; the shorter side is resized, a centered square cut out, values scaled to [0, 1] then normalized.',
  inputs: [],
  outputs: [DATASET_OUTPUT],
  face: {
    params: [{ param: 'path', label: 'Folder', format: 'file' }, { param: 'crop', label: 'Crop' }],
    metrics: [{ metric: 'samples', label: 'samples', format: 'integer' }, { metric: 'classes', label: 'classes', format: 'integer' }],
  },
  params: {
    path: { type: 'path', label: 'Folder', default: '', mode: 'open-folder', help: 'Folder holding one sub-folder of images per class, relative to the pipeline file.' },
    resize: { type: 'number', label: 'Resize (shorter side)', default: 256, min: 1, max: 4096, integer: true, unit: 'px', help: 'The shorter side of each image is scaled to this many pixels, keeping the aspect ratio.' },
    crop: { type: 'number', label: 'Center crop', default: 224, min: 1, max: 4096, integer: true, unit: 'px', help: 'Side of the centered square cut from the resized image: the model input size. At most the resize value.' },
    color: {
      type: 'enum', label: 'Color', default: 'rgb', help: 'RGB gives 3 channels; grayscale gives 1.',
      options: [{ value: 'rgb', label: 'RGB' }, { value: 'grayscale', label: 'Grayscale' }],
    },
    layout: {
      type: 'enum', label: 'Layout', default: 'NCHW', help: 'Axis order of each sample: channels first (PyTorch exports) or channels last (TensorFlow exports).',
      options: [{ value: 'NCHW', label: 'NCHW (channels first)' }, { value: 'NHWC', label: 'NHWC (channels last)' }],
    },
    mean: { type: 'string', label: 'Mean', default: '0.485, 0.456, 0.406', pattern: NUMBER_LIST, help: 'Subtracted per channel from values in [0, 1] (ImageNet defaults). One value applies to every channel; 0 for none.' },
    std: { type: 'string', label: 'Std', default: '0.229, 0.224, 0.225', pattern: NUMBER_LIST, help: 'Each channel is divided by this after the mean is subtracted (ImageNet defaults). 1 for none.' },
    perClassLimit: { type: 'number', label: 'Images per class', default: 0, min: 0, max: 1_000_000, integer: true, advanced: true, help: 'Read at most this many images of each class (in file-name order); 0 reads all.' },
    ...COMMON_DATASET_PARAMS,
  },
};
