// What the `train` and `distill` handlers share: params -> TrainOptions, the live
// 'train.curve' report per epoch, writing the kept model, and the result's metrics.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { NodeContext } from '../engine/handler.ts';
import type { ModelValue, NodeResult } from '../../shared/catalog/types.ts';
import { WhittleError } from '../../shared/errors.ts';
import { encodeModel, type Model } from '../onnx/model.ts';
import { loadModelFile, saveModelFile } from '../onnx/file.ts';
import { openDataset } from '../data/open.ts';
import type { Dataset } from '../data/dataset.ts';
import { trainModel, type EpochRecord, type TrainOptions, type TrainResult } from './trainer.ts';
import type { StepTiming } from './step.ts';
import { TRAIN_CURVE_KIND, type TrainCurveData } from '../../shared/reports/train.ts';


function p<T>(ctx: NodeContext, name: string, fallback: T): T {
  const v = ctx.params[name];
  return (v === undefined ? fallback : v) as T;
}

/** Training options from the shared TRAINING_PARAMS (see shared/catalog/train.ts). */
export function optionsFromParams(ctx: NodeContext, stepsPerEpoch: number): TrainOptions {
  const schedule = p(ctx, 'schedule', 'cosine') as 'cosine' | 'step' | 'constant';
  return {
    epochs: p(ctx, 'epochs', 10),
    batchSize: p(ctx, 'batchSize', 64),
    seed: p(ctx, 'seed', 0),
    optimizer: {
      kind: p(ctx, 'optimizer', 'adam') as 'adam' | 'adamw' | 'sgd',
      lr: p(ctx, 'lr', 0.001), momentum: p(ctx, 'momentum', 0.9), nesterov: p(ctx, 'nesterov', false), weightDecay: p(ctx, 'weightDecay', 0),
    },
    schedule: { kind: schedule, warmupEpochs: p(ctx, 'warmupEpochs', 0), stepSize: p(ctx, 'stepEpochs', 5) * stepsPerEpoch, gamma: p(ctx, 'gamma', 0.1) },
    clipNorm: p(ctx, 'clipNorm', 0),
    augment: { shiftPx: p(ctx, 'shiftPx', 2), flip: p(ctx, 'flip', false) },
    valFraction: p(ctx, 'valFraction', 0.1),
    patience: p(ctx, 'patience', 0),
    batchNorm: p(ctx, 'batchNorm', 'train') as 'train' | 'frozen',
    frozen: p<string[]>(ctx, 'freeze', []),
    threads: p(ctx, 'threads', 0),
    signal: ctx.signal,
  };
}

export function readModelInput(ctx: NodeContext, port: string, what: string): { model: Model; value: ModelValue } {
  const value = ctx.inputs[port];
  if (!value || value.type !== 'model') {
    throw new WhittleError('node.missing-input', `The ${what} input is not connected.`, `Connect a model to the "${what}" input.`, ctx.nodeId);
  }
  return { model: loadModelFile(value.path), value };
}

export async function readDatasetInput(ctx: NodeContext): Promise<Dataset> {
  const value = ctx.inputs.dataset;
  if (!value || value.type !== 'dataset') {
    throw new WhittleError('node.missing-input', 'The training data input is not connected.', 'Connect a dataset node (e.g. MNIST, split "train").', ctx.nodeId);
  }
  return openDataset(value, ctx.documentDir, { signal: ctx.signal });
}

/** Train with live per-epoch reports; errors carry the node id. */
export async function runTraining(ctx: NodeContext, model: Model, ds: Dataset, opts: TrainOptions, title: string): Promise<TrainResult> {
  const epochs: EpochRecord[] = [];
  try {
    return await trainModel(model, ds, {
      ...opts,
      onEpoch: (r) => {
        epochs.push(r);
        ctx.report(TRAIN_CURVE_KIND, title, { epochs: [...epochs], totalEpochs: opts.epochs } satisfies TrainCurveData);
        ctx.log(`epoch ${r.epoch}: loss ${r.trainLoss.toFixed(4)}, train accuracy ${(100 * r.trainAccuracy).toFixed(2)}%${r.valAccuracy !== undefined ? `, validation ${(100 * r.valAccuracy).toFixed(2)}%` : ''}`);
      },
      onStep: (step, total) => { if (step % 20 === 0 || step === total) ctx.progress(step, total, `Training: step ${step} of ${total}`); },
    });
  } catch (err) {
    if (err instanceof WhittleError && !err.nodeId) err.nodeId = ctx.nodeId;
    throw err;
  }
}

export function trainResult(ctx: NodeContext, r: TrainResult, label: string, title: string, extra: NodeResult['metrics'] = {}): NodeResult {
  const bytes = encodeModel(r.model);
  const path = join(ctx.workDir, 'model.onnx');
  saveModelFile(r.model, path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const last = r.history[r.history.length - 1];
  const best = r.history.find((e) => e.epoch === r.bestEpoch);
  const metrics: NodeResult['metrics'] = {
    epochs: r.history.length, bestEpoch: r.bestEpoch, stopReason: r.stopReason, trainableParams: r.trainableParams,
    samplesPerSec: samplesPerSec(r.timing),
    ...extra,
  };
  if (last) metrics.trainLoss = last.trainLoss;
  if (best?.valAccuracy !== undefined) metrics.valAccuracy = best.valAccuracy;
  const warnings: string[] = [...r.warnings];
  if (r.message) warnings.push(r.message);
  if (r.stopReason === 'cancelled') warnings.push(`Training was cancelled after ${r.history.length} epoch(s); the best model so far was kept.`);
  return {
    outputs: { model: { type: 'model', path, sha256, sizeBytes: bytes.length, label } },
    metrics,
    reports: [{ kind: TRAIN_CURVE_KIND, title, data: { epochs: r.history, totalEpochs: r.history.length, bestEpoch: r.bestEpoch, stopReason: r.stopReason } satisfies TrainCurveData }],
    warnings,
  };
}

/** Samples actually trained per second of step time, to four significant digits (a large network trains < 1/s). */
export function samplesPerSec(t: StepTiming): number {
  return t.totalMs > 0 ? Number((t.samples / (t.totalMs / 1000)).toPrecision(4)) : 0;
}
