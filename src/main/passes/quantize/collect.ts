// Calibration: run the float model on the calibration set in batches with the wanted
// intermediate values exposed as outputs, and fold every batch into per-tensor statistics.
import { WhittleError } from '../../../shared/errors.ts';
import { sampleSize, subset, type Dataset } from '../../data/dataset.ts';
import { encodeModel, type Model } from '../../onnx/model.ts';
import { createSession, ort } from '../../runtime/session.ts';
import { TensorStats } from './calibrate.ts';
import { withExtraOutputs, type ValueType } from './probe.ts';
import { makeNode } from '../../onnx/graph.ts';
import { tensorToFloat32 } from '../../onnx/tensor.ts';
import { onnx } from '../../onnx/proto.ts';
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

export async function collectStats(model: Model, tensors: string[], types: Map<string, ValueType>, all: Dataset, opts: CollectOptions, ctx: PassContext): Promise<CollectResult> {
  const input = checkDatasetFits(model, types, all);
  const total = Math.min(all.size, opts.samples);
  const ds = spreadSamples(all, total);
  const names = tensors.filter((t) => t !== input.name);
  // MinMax needs two numbers per tensor: ReduceMin/ReduceMax run inside ORT, so activations
  // never cross into JS. Histograms need the values themselves.
  const inGraph = !opts.histograms;
  const perSample = inGraph ? 0 : names.reduce((acc, t) => acc + elementsPerSample(types.get(t)), 0);
  const batchSize = input.fixedBatch ?? opts.batchSize ?? (inGraph ? 16 : Math.max(1, Math.min(64, Math.floor(BATCH_BUDGET_FLOATS / Math.max(1, perSample)))));
  // Relu/Clip(0, ..) outputs are >= 0 by construction and ranges always include 0: their max suffices.
  const nonNegative = nonNegativeValues(model);
  const probe = inGraph ? withReductions(model, names, nonNegative) : withExtraOutputs(model, names);
  const fetches = inGraph ? names.flatMap((n) => (nonNegative.has(n) ? [`${n}__max`] : [`${n}__min`, `${n}__max`])) : names;
  const session = await createSession(encodeModel(probe), { optimization: 'all' });
  let valueSession: ort.InferenceSession | undefined;
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
      const out = fetches.length > 0 ? await runOrExplain(session, feeds, fetches, ds) : {};
      stats.get(input.name)?.update(data.subarray(0, count * per));
      const needValues: string[] = [];
      for (const name of names) {
        if (inGraph) {
          const lo = nonNegative.has(name) ? 0 : (out[`${name}__min`].data as Float32Array)[0];
          const hi = (out[`${name}__max`].data as Float32Array)[0];
          // A NaN/Inf poisons the reduction: fetch that tensor's values to count them.
          if (Number.isFinite(lo) && Number.isFinite(hi) && n === count) stats.get(name)!.updateRange(lo, hi, count);
          else needValues.push(name);
          continue;
        }
        updateFrom(stats.get(name)!, out[name], n, count);
      }
      if (needValues.length > 0) {
        valueSession ??= await createSession(encodeModel(withExtraOutputs(model, names)), { optimization: 'all' });
        const full = await valueSession.run(feeds, needValues);
        for (const name of needValues) updateFrom(stats.get(name)!, full[name], n, count);
      }
      ctx.progress?.(start + count, total, `calibrating on ${total} samples`);
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await session.release();
    await valueSession?.release();
  }
  const warnings: string[] = [];
  for (const [name, s] of stats) {
    if (s.nonFinite > 0) {
      if (s.count === 0) {
        throw new WhittleError('quantize.non-finite', `Calibration saw only NaN/Inf values in '${name}'.`, 'Check the calibration data and the model: a quantization range cannot be computed from NaN or Inf.');
      }
      warnings.push(`'${name}': ${s.nonFinite} NaN/Inf values in calibration were ignored; the range uses the finite values only. Check the data and the ops that produce this value.`);
    }
  }
  return { stats, samples: total, batchSize, durationMs: performance.now() - started, warnings };
}

async function runOrExplain(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, fetches: string[], ds: Dataset): Promise<Record<string, ort.Tensor>> {
  try {
    return await session.run(feeds, fetches);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new WhittleError('quantize.calibration-failed', `ONNX Runtime could not run the model on the calibration data '${ds.name}' (samples of shape [${ds.sampleShape.join(', ')}]): ${reason}`, 'Check that the dataset matches the model input (shape, layout, preprocessing).');
  }
}

/**
 * `count` samples evenly spread over the dataset rather than the first ones: datasets are
 * often sorted by class (the bundled MNIST split is), and the first ones would be one class.
 */
export function spreadSamples(ds: Dataset, count: number): Dataset {
  if (count >= ds.size) return ds;
  return subset(ds, Array.from({ length: count }, (_, i) => Math.floor((i * ds.size) / count)));
}

function updateFrom(stats: TensorStats, t: ort.Tensor, n: number, count: number): void {
  const values = t.data as Float32Array;
  stats.update(n === count ? values : values.subarray(0, (values.length / n) * count));
}

/** A copy whose outputs include ReduceMin/ReduceMax (over all axes) of each named value. */
function withReductions(model: Model, names: string[], maxOnly: Set<string>): Model {
  const copy = withExtraOutputs(model, []);
  for (const name of names) {
    for (const op of maxOnly.has(name) ? ['Max'] : ['Min', 'Max']) {
      const out = `${name}__${op.toLowerCase()}`;
      copy.graph.node.push(makeNode(`Reduce${op}`, [name], [out], { name: out, attrs: { keepdims: 0 } }));
      copy.graph.output.push(onnx.ValueInfoProto.create({ name: out }));
    }
  }
  return copy;
}

/** Outputs of Relu, and of Clip with a constant minimum >= 0. */
function nonNegativeValues(model: Model): Set<string> {
  const inits = new Map(model.graph.initializer.map((t) => [t.name, t]));
  const out = new Set<string>();
  for (const n of model.graph.node) {
    if (n.opType === 'Relu') out.add(n.output[0]);
    if (n.opType === 'Clip' && n.input[1] && inits.has(n.input[1]) && tensorToFloat32(inits.get(n.input[1])!)[0] >= 0) out.add(n.output[0]);
  }
  return out;
}

function elementsPerSample(t: ValueType | undefined): number {
  if (!t) return 0;
  return t.shape.slice(1).reduce<number>((a, d) => a * (typeof d === 'number' && d > 0 ? d : 64), 1);
}
