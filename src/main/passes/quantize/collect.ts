// Calibration: run the float model on the calibration set in batches with the wanted
// intermediate values exposed as outputs, and fold every batch into per-tensor statistics.
import { WhittleError } from '../../../shared/errors.ts';
import { sampleSize, type Dataset } from '../../data/dataset.ts';
import { encodeModel, type Model } from '../../onnx/model.ts';
import { createSession, ort } from '../../runtime/session.ts';
import { TensorStats } from './calibrate.ts';
import { withExtraOutputs, type ValueType } from './probe.ts';
import type { PassContext } from './types.ts';

/** Activation values held in memory per calibration batch (floats): bounds the batch size. */
const BATCH_BUDGET_FLOATS = 48 * 1024 * 1024;

export interface CollectOptions {
  samples: number;
  batchSize?: number;
  histograms: boolean;
}

export interface CollectResult {
  stats: Map<string, TensorStats>;
  samples: number;
  batchSize: number;
  durationMs: number;
  warnings: string[];
}

export interface ModelInput {
  name: string;
  /** Fixed batch size the model declares, if any. */
  fixedBatch?: number;
}

/** The single float input a dataset feeds, checked against the dataset's sample shape. */
export function checkDatasetFits(model: Model, types: Map<string, ValueType>, ds: Dataset, role = 'calibration'): ModelInput {
  const inits = new Set(model.graph.initializer.map((t) => t.name));
  const inputs = model.graph.input.filter((v) => !inits.has(v.name));
  if (inputs.length !== 1) {
    throw new WhittleError('quantize.inputs', `The model has ${inputs.length} inputs; ${role} feeds one input from one dataset.`, 'Quantize a single-input model, or fold the extra inputs into initializers.');
  }
  if (ds.size === 0) {
    throw new WhittleError('quantize.empty-dataset', `The ${role} dataset '${ds.name}' has no samples.`, 'Connect a dataset with samples (a few hundred are enough for calibration).');
  }
  const name = inputs[0].name;
  const t = types.get(name);
  const shape = t?.shape ?? [];
  const fits = shape.length === ds.sampleShape.length + 1
    && ds.sampleShape.every((d, i) => typeof shape[i + 1] !== 'number' || (shape[i + 1] as number) <= 0 || shape[i + 1] === d);
  if (shape.length > 0 && !fits) {
    throw new WhittleError('quantize.shape-mismatch', `The ${role} dataset '${ds.name}' has samples of shape [${ds.sampleShape.join(', ')}], but the model input '${name}' expects [${shape.join(', ')}] (batch first).`, 'Pick a dataset whose samples match the model input.');
  }
  if (t && t.type !== 'float32') {
    throw new WhittleError('quantize.input-type', `The model input '${name}' takes ${t.type}; calibration feeds float32 samples.`);
  }
  const b = shape[0];
  return { name, fixedBatch: typeof b === 'number' && b > 0 ? b : undefined };
}

export async function collectStats(model: Model, tensors: string[], types: Map<string, ValueType>, ds: Dataset, opts: CollectOptions, ctx: PassContext): Promise<CollectResult> {
  const input = checkDatasetFits(model, types, ds);
  const total = Math.min(ds.size, opts.samples);
  const perSample = tensors.reduce((acc, t) => acc + elementsPerSample(types.get(t)), 0);
  const batchSize = input.fixedBatch ?? opts.batchSize ?? Math.max(1, Math.min(64, Math.floor(BATCH_BUDGET_FLOATS / Math.max(1, perSample))));
  const names = tensors.filter((t) => t !== input.name);
  const probe = withExtraOutputs(model, names);
  // Level 'basic' keeps every exposed value (they are graph outputs) and still folds constants.
  const session = await createSession(encodeModel(probe), { optimization: 'basic' });
  const stats = new Map<string, TensorStats>(tensors.map((t) => [t, new TensorStats(opts.histograms)]));
  const per = sampleSize(ds);
  const started = performance.now();
  try {
    for (let start = 0; start < total; start += batchSize) {
      if (ctx.signal?.aborted) throw new WhittleError('cancelled', 'Calibration was cancelled.');
      const count = Math.min(batchSize, total - start);
      const n = input.fixedBatch ?? count;
      const data = new Float32Array(n * per);
      data.set(ds.inputs.subarray(start * per, (start + count) * per));
      const feeds = { [input.name]: new ort.Tensor('float32', data, [n, ...ds.sampleShape]) };
      const out = names.length > 0 ? await session.run(feeds, names) : {};
      stats.get(input.name)?.update(data.subarray(0, count * per));
      for (const name of names) {
        const t = out[name];
        const values = t.data as Float32Array;
        const used = n === count ? values : values.subarray(0, (values.length / n) * count);
        stats.get(name)!.update(used);
        t.dispose?.();
      }
      ctx.progress?.(start + count, total, `calibrating on ${total} samples`);
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await session.release();
  }
  const warnings: string[] = [];
  for (const [name, s] of stats) {
    if (s.nonFinite > 0) {
      const share = s.nonFinite / (s.nonFinite + s.count);
      if (s.count === 0) {
        throw new WhittleError('quantize.non-finite', `Calibration saw only NaN/Inf values in '${name}'.`, 'Check the calibration data and the model: a quantization range cannot be computed from NaN or Inf.');
      }
      warnings.push(`'${name}': ${s.nonFinite} NaN/Inf values (${(share * 100).toPrecision(2)}%) in calibration were ignored; the range uses the finite values only.`);
    }
  }
  return { stats, samples: total, batchSize, durationMs: performance.now() - started, warnings };
}

function elementsPerSample(t: ValueType | undefined): number {
  if (!t) return 0;
  return t.shape.slice(1).reduce<number>((a, d) => a * (typeof d === 'number' && d > 0 ? d : 64), 1);
}
