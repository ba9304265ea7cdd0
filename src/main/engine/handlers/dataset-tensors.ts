// `dataset.tensors`: samples and labels from NumPy .npy/.npz files.
import { datasetHandler } from './dataset-common.ts';

export const datasetTensors = datasetHandler('dataset.tensors');
