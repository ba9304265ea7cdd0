// `train`: fine-tune or train a model with cross-entropy; live loss/accuracy per epoch.
import type { NodeHandler } from '../handler.ts';
import { optionsFromParams, readDatasetInput, readModelInput, runTraining, trainResult } from '../../train/node-run.ts';

export const train: NodeHandler = async (ctx) => {
  const { model, value } = readModelInput(ctx, 'model', 'Model');
  ctx.progress(0, 1, 'Loading the dataset');
  const ds = await readDatasetInput(ctx);
  const batchSize = Number(ctx.params.batchSize ?? 64);
  const opts = optionsFromParams(ctx, Math.max(1, Math.floor(ds.size / batchSize)));
  ctx.progress(0, 1, 'Building the training graph');
  const r = await runTraining(ctx, model, ds, opts, 'Training');
  return trainResult(ctx, r, `${value.label} · trained`, 'Training');
};
