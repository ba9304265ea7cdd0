// `dataset.coco`: COCO annotation JSON + image folder, letterboxed.
import { datasetHandler } from './dataset-common.ts';

export const datasetCoco = datasetHandler('dataset.coco');
