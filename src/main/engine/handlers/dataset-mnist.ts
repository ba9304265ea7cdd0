// `dataset.mnist`: the bundled digits with the canonical split.
import type { NodeHandler } from '../handler.ts';
import { commonOptions, datasetNode } from './dataset-common.ts';

export const datasetMnist: NodeHandler = async (ctx) => {
  const split = String(ctx.params.split ?? 'test');
  return datasetNode(ctx, 'mnist', { split, ...commonOptions(ctx.params) }, `MNIST (${split})`);
};
