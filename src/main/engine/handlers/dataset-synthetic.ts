// `dataset.synthetic`: seeded random samples of a given shape.
import { datasetHandler } from './dataset-common.ts';

export const datasetSynthetic = datasetHandler('dataset.synthetic');
