// `dataset.mnist`: the bundled digits with the canonical split.
import { datasetHandler } from './dataset-common.ts';

export const datasetMnist = datasetHandler('dataset.mnist');
