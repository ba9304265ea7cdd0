// The training loop: seeded shuffling and augmentation, a validation split with early
// stopping, the best checkpoint kept, cancellation and NaN losses ending with a good model.
import type { Model } from '../onnx/model.ts';
import { tensorToFloat32 } from '../onnx/tensor.ts';
import { valueInfoDims } from '../onnx/graph.ts';
import { WhittleError } from '../../shared/errors.ts';
import { seededRandom, shuffledIndices, subset, sampleSize, type Dataset } from '../data/dataset.ts';
import { buildTrainGraph } from './training-graph.ts';
import { lossNeedsLabels, lossNeedsTeacher, type LossSpec } from './losses.ts';
import { checkOptimizer, learningRate, type OptimizerSpec, type ScheduleSpec } from './optimizers.ts';
import { augmentImages, type AugmentSpec } from './augment.ts';
import { findMasks } from './constraints.ts';
import { exportModel, restoreSnapshot, takeSnapshot, type Snapshot } from './checkpoint.ts';
import { LiveEvaluator, type LiveTensor } from './evaluate.ts';
import { TrainStep, type StepTiming } from './step.ts';
import { separateRunningStats } from './aliases.ts';
import { checkTeacher, teacherFeatureTerms, type FeaturePair } from './teacher.ts';
import type { EpochRecord } from '../../shared/reports/train.ts';

export type { EpochRecord };

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  seed?: number;
  optimizer: OptimizerSpec;
  schedule?: ScheduleSpec & { warmupEpochs?: number };
  /** Clip the global gradient norm to this (0 = off). */
  clipNorm?: number;
  augment?: AugmentSpec;
  loss?: LossSpec;
  teacher?: Model;
  features?: FeaturePair[];
  /** Fraction of the training set held out for validation, early stopping and the best checkpoint. */
  valFraction?: number;
  /** Stop after this many epochs without a better validation score (0 = never). */
  patience?: number;
  /** Also evaluate on this set after every epoch (reported, never used to choose). */
  testSet?: Dataset;
  batchNorm?: 'train' | 'frozen';
  dropout?: boolean;
  frozen?: string[];
  threads?: number;
  signal?: AbortSignal;
  onEpoch?: (record: EpochRecord) => void;
  onStep?: (step: number, totalSteps: number) => void;
}


export type StopReason = 'completed' | 'early-stopped' | 'cancelled' | 'diverged';

export interface TrainResult {
  model: Model;
  history: EpochRecord[];
  /** Epoch (1-based) of the kept checkpoint; 0 when the input model was kept. */
  bestEpoch: number;
  stopReason: StopReason;
  message?: string;
  /** Things the user should know that did not stop training. */
  warnings: string[];
  timing: StepTiming;
  trainableParams: number;
}

export async function trainModel(input: Model, dataset: Dataset, opts: TrainOptions): Promise<TrainResult> {
  // Running statistics each get their own tensor; everything else keeps the input's layout.
  const source = separateRunningStats(input);
  const loss = opts.loss ?? { kind: 'cross-entropy' };
  checkOptimizer(opts.optimizer);
  checkClassOutput(source, loss);
  if (lossNeedsLabels(loss) && !dataset.labels) {
    throw new WhittleError('train.needs-labels', `The dataset '${dataset.name}' has no labels, but the ${loss.kind} loss needs them.`, 'Use a labelled dataset, or distill from a teacher with alpha = 1 (soft targets only).');
  }
  if (lossNeedsTeacher(loss) && !opts.teacher) {
    throw new WhittleError('train.needs-teacher', `The ${loss.kind} loss needs a teacher model.`, 'Connect a teacher model.');
  }
  const seed = opts.seed ?? 0;
  const { train, val } = splitValidation(dataset, opts.valFraction ?? 0, seed);
  const batchSize = Math.min(opts.batchSize, train.size);
  const features = opts.teacher ? await checkTeacher(opts.teacher, source, dataset, opts.features ?? []) : [];
  const dense = denseShared(source);
  const graph = await buildTrainGraph(source, {
    batchSize, loss, features: teacherFeatureTerms(features, batchSize), batchNorm: opts.batchNorm, dropout: opts.dropout,
    frozen: [...(opts.frozen ?? []), ...dense],
    dataInput: dataset.inputName, extraInputs: dataset.extraInputs?.map((x) => ({ name: x.name, sampleShape: x.sampleShape })),
  });
  if (graph.sampleShape.join() !== dataset.sampleShape.join()) {
    throw new WhittleError('train.shape-mismatch', `The model takes samples of shape [${graph.sampleShape.join(', ')}] but the dataset has [${dataset.sampleShape.join(', ')}].`, 'Choose a dataset matching the model input.');
  }
  const runningStats = new Map<string, LiveTensor>();
  const inits = new Map(source.graph.initializer.map((t) => [t.name, t] as const));
  for (const s of graph.bnStats) {
    for (const name of [s.runningMean, s.runningVar]) runningStats.set(name, { dims: inits.get(name)!.dims.map(Number), values: tensorToFloat32(inits.get(name)!) });
  }
  const masks = findMasks(source, new Map(graph.params.map((p) => [p.name, p.values])));
  const step = await TrainStep.create(graph, {
    optimizer: opts.optimizer, masks, clipNorm: opts.clipNorm, threads: opts.threads, teacher: opts.teacher,
    teacherFeatures: features.map((f) => f.teacher), runningStats,
  });
  const exported = new Map([...step.live].filter(([name]) => !graph.params.find((p) => p.name === name)?.lossOnly));
  const evaluator = await LiveEvaluator.create(source, exported, opts.threads);
  try {
    const result = await loop(source, train, val, step, evaluator, exported, { ...opts, loss, batchSize, seed });
    if (wantsAugment(opts.augment) && !isImage(dataset.sampleShape)) result.warnings.push(`Augmentation was skipped: samples of shape [${dataset.sampleShape.join(', ')}] are not images.`);
    if (dense.length) result.warnings.push(`Shared weights stored densely (${dense.join(', ')}) were kept frozen so they stay clustered; store them as codebooks to fine-tune them.`);
    return result;
  } finally {
    await step.release();
    await evaluator.release();
  }
}

/**
 * Cross-entropy and softened-class distillation read the first output as class logits [N, C]:
 * a detector's feature maps or a sequence output would train on a meaningless loss (or not
 * build at all), so they are refused by name with the loss that does fit.
 */
function checkClassOutput(model: Model, loss: LossSpec): void {
  if (loss.kind !== 'cross-entropy' && loss.kind !== 'distill') return;
  const out = model.graph.output[0];
  const dims = out ? valueInfoDims(out) : undefined;
  if (!dims || dims.length === 2) return;
  throw new WhittleError('train.not-class-logits',
    `The model's first output '${out.name}' has shape [${dims.join(', ')}], not class logits [N, C], so the ${loss.kind === 'distill' ? 'softened-class distillation' : 'cross-entropy'} loss cannot be applied to it.`,
    'Detectors and other models without class logits train by distillation against a teacher: use the Distill node with output loss "Raw outputs (MSE)".');
}

/** What one epoch of steps needs, built once per run. */
interface EpochEnv {
  train: Dataset;
  step: TrainStep;
  opts: TrainOptions & { loss: LossSpec; seed: number };
  schedule: ScheduleSpec;
  stepsPerEpoch: number;
  totalSteps: number;
  rand: () => number;
  labels?: Int32Array;
  raw: Float32Array;
}

interface EpochOutcome {
  lossSum: number;
  correct: number;
  lr: number;
  cancelled: boolean;
  /** Set when a step's loss was not finite. */
  diverged?: { step: number; loss: number; lr: number };
}

async function trainEpoch(env: EpochEnv, epoch: number, firstStep: number): Promise<EpochOutcome> {
  const { train, step, opts } = env;
  const per = sampleSize(train);
  const order = shuffledIndices(train.size, opts.seed + epoch);
  const augmenting = wantsAugment(opts.augment) && isImage(train.sampleShape);
  const out: EpochOutcome = { lossSum: 0, correct: 0, lr: 0, cancelled: false };
  for (let b = 0; b < env.stepsPerEpoch; b++) {
    if (opts.signal?.aborted) return { ...out, cancelled: true };
    const started = performance.now();
    const target = augmenting ? env.raw : step.dataBuffer;
    for (let i = 0; i < opts.batchSize; i++) {
      const s = order[b * opts.batchSize + i];
      target.set(train.inputs.subarray(s * per, (s + 1) * per), i * per);
      if (env.labels) env.labels[i] = train.labels![s];
      for (const x of train.extraInputs ?? []) {
        const size = sampleSize(x);
        step.extraBuffers.get(x.name)?.set(x.values.subarray(s * size, (s + 1) * size), i * size);
      }
    }
    if (augmenting) augmentImages(env.raw, step.dataBuffer, opts.batchSize, train.sampleShape, opts.augment!, env.rand);
    out.lr = learningRate(opts.optimizer.lr, env.schedule, firstStep + b, env.totalSteps);
    const outcome = await step.run(env.labels, out.lr);
    step.timing.totalMs += performance.now() - started;
    if (!Number.isFinite(outcome.loss)) return { ...out, diverged: { step: b + 1, loss: outcome.loss, lr: out.lr } };
    out.lossSum += outcome.loss;
    out.correct += outcome.correct;
    opts.onStep?.(firstStep + b + 1, env.totalSteps);
  }
  return out;
}

async function loop(
  source: Model, train: Dataset, val: Dataset | undefined, step: TrainStep, evaluator: LiveEvaluator,
  exported: Map<string, LiveTensor>, opts: TrainOptions & { loss: LossSpec; seed: number },
): Promise<TrainResult> {
  const stepsPerEpoch = Math.floor(train.size / opts.batchSize);
  const schedule: ScheduleSpec = { kind: 'constant', ...opts.schedule };
  if (opts.schedule?.warmupEpochs) schedule.warmupSteps = Math.round(opts.schedule.warmupEpochs * stepsPerEpoch);
  const env: EpochEnv = {
    train, step, opts, schedule, stepsPerEpoch, totalSteps: stepsPerEpoch * opts.epochs, rand: seededRandom(opts.seed ^ 0x5eed),
    labels: train.labels ? new Int32Array(opts.batchSize) : undefined, raw: new Float32Array(opts.batchSize * sampleSize(train)),
  };
  const history: EpochRecord[] = [];
  let best: { score: number; epoch: number; snap: Snapshot } = { score: -Infinity, epoch: 0, snap: takeSnapshot(exported) };
  let lastGood = best.snap;
  let stale = 0;
  let stopReason: StopReason = 'completed';
  let message: string | undefined;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const started = performance.now();
    const r = await trainEpoch(env, epoch, (epoch - 1) * stepsPerEpoch);
    if (r.cancelled) { stopReason = 'cancelled'; break; }
    if (r.diverged) {
      stopReason = 'diverged';
      const kept = best.epoch > 0 ? `the best model so far (epoch ${best.epoch})` : 'the last good model';
      message = `Training stopped at epoch ${epoch}, step ${r.diverged.step}: the loss became ${r.diverged.loss} (learning rate ${r.diverged.lr.toPrecision(3)} is probably too high). Kept ${kept}.`;
      break;
    }
    const record: EpochRecord = {
      epoch, trainLoss: r.lossSum / Math.max(1, stepsPerEpoch), trainAccuracy: r.correct / Math.max(1, stepsPerEpoch * opts.batchSize),
      lr: r.lr, seconds: (performance.now() - started) / 1000,
    };
    if (val?.labels) Object.assign(record, renameEval(await evaluator.evaluate(val, 256)));
    if (opts.testSet) record.testAccuracy = (await evaluator.evaluate(opts.testSet, 256)).accuracy;
    history.push(record);
    opts.onEpoch?.(record);
    lastGood = takeSnapshot(exported);
    // Unlabelled data (distillation with alpha = 1) has no validation accuracy: the training loss decides.
    const score = val?.labels ? record.valAccuracy! : -record.trainLoss;
    if (score > best.score) { best = { score, epoch, snap: lastGood }; stale = 0; } else stale++;
    if (opts.patience && stale >= opts.patience) { stopReason = 'early-stopped'; break; }
  }
  // With a labelled validation split the best checkpoint wins; without one, the last completed epoch.
  const keep = val?.labels || stopReason === 'diverged' ? best : { epoch: history.length, snap: lastGood };
  restoreSnapshot(exported, keep.snap);
  const summary = { epochs: history.length, bestEpoch: keep.epoch, stopReason, loss: opts.loss.kind, optimizer: opts.optimizer.kind };
  return {
    model: exportModel(source, keep.snap, summary), history, bestEpoch: keep.epoch, stopReason, message, warnings: [],
    timing: step.timing, trainableParams: step.graph.params.filter((p) => !p.lossOnly).reduce((a, p) => a + p.values.length, 0),
  };
}

function wantsAugment(a: AugmentSpec | undefined): boolean {
  return (a?.shiftPx ?? 0) > 0 || !!a?.flip;
}

/** [C, H, W] or [H, W] samples; shifting a flat feature vector would scramble it. */
function isImage(sampleShape: number[]): boolean {
  return sampleShape.length === 3 || sampleShape.length === 2;
}

function renameEval(r: { accuracy: number; loss: number }): Partial<EpochRecord> {
  return { valAccuracy: r.accuracy, valLoss: r.loss };
}

/** A seeded split: the last `fraction` of a shuffled order validates. */
export function splitValidation(ds: Dataset, fraction: number, seed: number): { train: Dataset; val?: Dataset } {
  if (!(fraction > 0)) return { train: ds };
  const order = shuffledIndices(ds.size, seed ^ 0xa11);
  const cut = Math.max(1, Math.round(ds.size * (1 - fraction)));
  return { train: subset(ds, order.subarray(0, cut), `${ds.name} (train)`), val: subset(ds, order.subarray(cut), `${ds.name} (validation)`) };
}

/** Shared layers stored densely (values snapped in place) are frozen so they stay clustered. */
function denseShared(model: Model): string[] {
  const raw = model.metadataProps.find((p) => p.key === 'whittle.share')?.value;
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as { layers?: { weight: string; storage?: string }[] };
    return (parsed.layers ?? []).filter((l) => l.storage === 'dense').map((l) => l.weight);
  } catch {
    return [];
  }
}
