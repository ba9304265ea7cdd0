// `dataset.coco`: a COCO detection set (annotation JSON + image folder), letterboxed for YOLO-style models.
import { DATASET_OUTPUT } from './dataset-common.ts';
import type { NodeKindSpec } from './types.ts';

export const DATASET_COCO: NodeKindSpec = {
  kind: 'dataset.coco',
  version: 1,
  title: 'COCO detection',
  category: 'Input',
  description: 'Images and boxes in COCO format: an annotation JSON (images, annotations, categories) and the folder of its images. Each image is letterboxed like Ultralytics does (scaled to fit the square input, centred, padded with grey 114), RGB in [0, 1], NCHW. Evaluate it with the task "Detection (YOLO)" for mAP; model class i is the i-th category by id.',
  inputs: [],
  outputs: [DATASET_OUTPUT],
  face: {
    params: [{ param: 'images', label: 'Images', format: 'file' }, { param: 'size', label: 'Size' }],
    metrics: [{ metric: 'samples', label: 'images', format: 'integer' }],
  },
  params: {
    annotations: { type: 'path', label: 'Annotations', default: '', mode: 'open-file', extensions: ['json'], help: 'COCO detection JSON (e.g. instances_val2017.json), relative to the pipeline file.' },
    images: { type: 'path', label: 'Image folder', default: '', mode: 'open-folder', help: 'Folder holding the files named by the images\' file_name.' },
    size: { type: 'number', label: 'Input size', default: 640, min: 32, max: 4096, integer: true, unit: 'px', help: 'Side of the square model input each image is letterboxed to (640 for YOLOv8 exports).' },
    limit: { type: 'number', label: 'Image limit', default: 0, min: 0, max: 10_000_000, integer: true, help: 'Use the first this many images of the file; 0 uses them all. mAP is then over those images only.' },
  },
};
