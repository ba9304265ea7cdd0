// `dataset.synthetic`: seeded random samples of a given shape.
import { parseNumberList } from '../../data/open.ts';
import type { NodeHandler } from '../handler.ts';
import { datasetNode } from './dataset-common.ts';

export const datasetSynthetic: NodeHandler = async (ctx) => {
  const p = ctx.params;
  const shape = parseNumberList(String(p.shape ?? ''), 'sample shape');
  const options = {
    shape, count: Number(p.count ?? 64), seed: Number(p.seed ?? 0),
    distribution: String(p.distribution ?? 'uniform'), numClasses: Number(p.numClasses ?? 0),
  };
  return datasetNode(ctx, 'synthetic', options, `synthetic [${shape.join(', ')}]`);
};
