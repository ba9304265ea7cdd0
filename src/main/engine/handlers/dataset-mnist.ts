// `dataset.mnist`: the bundled 10,000-digit MNIST subset with Whittle's 7,996/2,004 split.
import { datasetHandler } from './dataset-common.ts';

export const datasetMnist = datasetHandler('dataset.mnist');
