// `dataset.images`: an image folder (one sub-folder per class).
import { datasetHandler } from './dataset-common.ts';

export const datasetImages = datasetHandler('dataset.images');
