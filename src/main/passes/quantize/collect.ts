// Calibration: run the float model on the calibration set in batches, with per-sample ranges of
// the wanted values reduced inside ONNX Runtime, and fold every batch into per-tensor statistics.
import { WhittleError } from '../../../shared/errors.ts';
import { sampleSize, subset, type Dataset } from '../../data/dataset.ts';
import { encodeModel, type Model } from '../../onnx/model.ts';
import { createSession, ort } from '../../runtime/session.ts';
import { TensorStats } from './calibrate.ts';
import { withExtraOutputs, type ValueType } from './probe.ts';
import { siluRange, withRangeOutputs, type CalibrationGraph, type RangeOutputs } from './calibration-graph.ts';
import { calibrationSession } from './blocked-reductions.ts';
import type { PassContext } from './types.ts';

/**
 * Activation values the histogram methods hold per batch (floats, 64 MB), so calibration memory
 * stays near the model's own inference peak. (Buffers given to ORT for its outputs would not
 * save a copy: onnxruntime-node 1.30 writes into them and still returns a fresh copy of every
 * output, and they cost their size in peak memory: EfficientNet-B0-style went from 1.8x to 2.1x
 * the inference peak. Its run is synchronous on this thread, so binning cannot overlap it; half
 * the values binned in a worker thread after each run measured no faster on 2 cores. Detaching
 * each batch's outputs right after binning, so their memory is freed at once rather than by the
 * collector, cut RSS (EfficientNet-B0-style entropy: 457 vs 523 MB) but cost time: 5.9 vs 4.2 s
 * for 32 samples, as every batch then unmaps and maps its outputs again on this thread.)
 */
const VALUE_BUDGET_FLOATS = 16 * 1024 * 1024;

/**
 * Values per calibration sample the histogram methods bin of each activation when they sample
 * (histogramValues 'sampled'; see histogram-sample.ts): 2.1 M values per activation at 256 samples.
 */
export const HISTOGRAM_SAMPLE_VALUES = 8192;

export interface CollectOptions {
  samples: number;
  batchSize?: number;
  histograms: boolean;
  /**
   * Histogram methods: values per sample binned of each activation; one that holds more is
   * sampled (a strided sample taken inside ORT, its exact range reduced there). Undefined: every value.
   */
  histogramSample?: number;
  /** Copy every value into JS and reduce it there: the reference the ORT-side reductions are checked against. */
  reduceInJs?: boolean;
}

export interface CollectResult {
  stats: Map<string, TensorStats>;
  samples: number;
  batchSize: number;
  durationMs: number;
  /** Batches whose ranges came from the values because a reduction or an output held NaN/Inf (MinMax). */
  valueBatches: number;
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
  const perSampleFloats = names.reduce((acc, t) => acc + elementsPerSample(types.get(t)), 0);
  // MinMax reads [N]-sized reductions only; histograms read the values (or their samples), VALUE_BUDGET_FLOATS at a time.
  const readFloats = opts.histogramSample === undefined ? perSampleFloats : names.reduce((acc, t) => acc + Math.min(opts.histogramSample!, elementsPerSample(types.get(t))), 0);
  const batchSize = input.fixedBatch ?? opts.batchSize ?? (opts.histograms ? Math.max(1, Math.min(16, Math.floor(VALUE_BUDGET_FLOATS / Math.max(1, readFloats)))) : 16);
  const stats = new Map<string, TensorStats>(tensors.map((t) => [t, new TensorStats(opts.histograms)]));
  const folder = await StatsFolder.open(model, names, types, stats, opts, ds);
  const per = sampleSize(ds);
  const started = performance.now();
  try {
    for (let start = 0; start < total; start += batchSize) {
      if (ctx.signal?.aborted) throw new WhittleError('cancelled', 'Calibration was cancelled.');
      const count = Math.min(batchSize, total - start);
      const n = input.fixedBatch ?? count;
      const data = new Float32Array(n * per);
      data.set(ds.inputs.subarray(start * per, (start + count) * per));
      foldRows(stats.get(input.name), data, count, count, opts.histograms);
      await folder.fold({ [input.name]: new ort.Tensor('float32', data, [n, ...ds.sampleShape]) }, n, count);
      ctx.progress?.(start + count, total, `calibrating on ${total} samples`);
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await folder.close();
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
  return { stats, samples: total, batchSize, durationMs: performance.now() - started, valueBatches: folder.valueBatches, warnings };
}

/**
 * Runs the calibration model batch by batch and folds what comes out into the stats:
 * MinMax takes the per-sample ranges reduced inside ORT (a batch whose reductions or outputs
 * show NaN/Inf is redone from the values, which counts them). Histogram methods take the same
 * exact ranges and bin a strided sample of each large value taken inside ORT (with
 * `histogramSample`), or read every value and take its range and bins in the histogram kernel;
 * either way sample by sample, so the histogram does not depend on the batch size.
 */
class StatsFolder {
  private valueSession: ort.InferenceSession | undefined;
  valueBatches = 0;

  private constructor(private readonly model: Model, private readonly graph: CalibrationGraph | undefined, private readonly session: ort.InferenceSession,
    private readonly releaseSession: () => Promise<void>, private readonly stats: Map<string, TensorStats>, private readonly names: string[], private readonly opts: CollectOptions, private readonly ds: Dataset) {}

  static async open(model: Model, names: string[], types: Map<string, ValueType>, stats: Map<string, TensorStats>, opts: CollectOptions, ds: Dataset): Promise<StatsFolder> {
    if (opts.reduceInJs || (opts.histograms && opts.histogramSample === undefined)) {
      // Ranges (and bins) come from the values themselves: the model with the values as outputs.
      const session = await createSession(encodeModel(withExtraOutputs(model, names)), { optimization: 'all' });
      return new StatsFolder(model, undefined, session, () => session.release(), stats, names, opts, ds);
    }
    const graph = withRangeOutputs(model, names, types, opts.histograms ? { budget: opts.histogramSample! } : undefined);
    const { session, release } = await calibrationSession(graph);
    return new StatsFolder(model, graph, session, release, stats, names, opts, ds);
  }

  async fold(feeds: Record<string, ort.Tensor>, n: number, count: number): Promise<void> {
    if (!this.graph) return this.foldValues(await runOrExplain(this.session, feeds, this.names, this.ds), n, count);
    const out = await runOrExplain(this.session, feeds, this.graph.fetches, this.ds);
    const finite = this.graph.checks.every((c) => Number.isFinite(scalarOf(out[c])));
    if (finite && (this.opts.histograms ? this.foldSampled(out, n, count) : this.foldRanges(out, n, count))) return;
    this.valueSession ??= await createSession(encodeModel(withExtraOutputs(this.model, this.names)), { optimization: 'all' });
    this.valueBatches++;
    this.foldValues(await runOrExplain(this.valueSession, feeds, this.names, this.ds), n, count);
  }

  /** MinMax: the batch's ranges, or false (nothing folded) when one is not finite. */
  private foldRanges(out: Record<string, ort.Tensor>, n: number, count: number): boolean {
    const graph = this.graph!;
    const batchRanges = graph.ranges.map((r) => batchRange(out, r, n, count));
    if (!batchRanges.every((r) => r && Number.isFinite(r.min) && Number.isFinite(r.max))) return false;
    graph.ranges.forEach((r, i) => this.stats.get(r.tensor)!.updateRange(batchRanges[i]!.min, batchRanges[i]!.max, count));
    return true;
  }

  /**
   * Histogram methods: each sampled value's rows with their exact ranges, and the values read
   * whole; or false (nothing folded) when a sampled value's range is not finite.
   */
  private foldSampled(out: Record<string, ort.Tensor>, n: number, count: number): boolean {
    const graph = this.graph!;
    const rangeOf = new Map(graph.ranges.map((r) => [r.tensor, r]));
    const rows = graph.samples.map((s) => {
      const { min, max } = rowRanges(out, rangeOf.get(s.tensor)!);
      const used = usedRowsOf(min.length, n, count);
      const finite = used > 0 && min.slice(0, used).every(Number.isFinite) && max.slice(0, used).every(Number.isFinite);
      return finite ? { min: min.slice(0, used), max: max.slice(0, used) } : undefined;
    });
    if (!rows.every((r) => r)) return false;
    graph.samples.forEach((s, i) => {
      const used = rows[i]!.min.length;
      const sample = out[s.output].data as Float32Array;
      this.stats.get(s.tensor)!.updateSampled(sample.subarray(0, (sample.length / rowsIn(out, rangeOf.get(s.tensor)!)) * used), rows[i]!.min, rows[i]!.max, s.perRow);
    });
    for (const name of graph.wholes) this.foldValue(name, out[name], n, count);
    return true;
  }

  async close(): Promise<void> {
    await this.releaseSession();
    if (this.valueSession !== this.session) await this.valueSession?.release();
  }

  /** Values of every name in `out`, split into the samples of the batch. */
  private foldValues(out: Record<string, ort.Tensor>, n: number, count: number): void {
    const sampled = new Map(this.graph?.samples.map((s) => [s.tensor, s]));
    for (const name of this.names) {
      const s = sampled.get(name);
      if (!s) {
        this.foldValue(name, out[name], n, count);
        continue;
      }
      // A value sampled in the other batches keeps the same sample here, with its range from every value.
      const values = out[name].data as Float32Array;
      const rows = out[name].dims.length >= 2 ? out[name].dims[0] : 1;
      const used = usedRowsOf(rows, n, count);
      for (let r = 0; r < used; r++) this.stats.get(name)!.updateStrided(values.subarray(r * s.perRow, (r + 1) * s.perRow), s);
    }
  }

  /** One value's rows that are samples (or a fixed share of them), one by one; padding rows of a fixed-batch model are left out. */
  private foldValue(name: string, value: ort.Tensor, n: number, count: number): void {
    const rows = value.dims.length >= 2 ? value.dims[0] : 1;
    foldRows(this.stats.get(name), value.data as Float32Array, rows, usedRowsOf(rows, n, count), this.opts.histograms);
  }
}

/** Rows of a batch's value that hold real samples: `n` rows in the batch, the first `count` real. */
function usedRowsOf(rows: number, n: number, count: number): number {
  return rows % n === 0 ? (rows / n) * count : n === count ? rows : 0;
}

/** The first `usedRows` of `rows` equal rows of `values` into `stats`: one histogram update per row, one range update without histograms. */
function foldRows(stats: TensorStats | undefined, values: Float32Array, rows: number, usedRows: number, histograms: boolean): void {
  if (!stats || usedRows === 0) return;
  const per = values.length / rows;
  if (!histograms) return stats.update(values.subarray(0, usedRows * per));
  for (let i = 0; i < usedRows; i++) stats.update(values.subarray(i * per, (i + 1) * per));
}

/** Rows of a batch's value: the length of its per-row reductions. */
function rowsIn(out: Record<string, ort.Tensor>, r: RangeOutputs): number {
  return out[r.max].data.length;
}

/** Per-row min and max of one value from the calibration model's outputs. */
function rowRanges(out: Record<string, ort.Tensor>, r: RangeOutputs): { min: number[]; max: number[] } {
  const max = Array.from(out[r.max].data as Float32Array);
  if (!r.min) return { min: max.map(() => 0), max };
  const min = Array.from(out[r.min].data as Float32Array);
  if (r.of !== 'silu') return { min, max };
  const silu = min.map((lo, i) => siluRange(lo, max[i]));
  return { min: silu.map((s) => s.min), max: silu.map((s) => s.max) };
}

/** min and max over the batch's real samples, or undefined when the reduction has no sample axis and the batch is padded. */
function batchRange(out: Record<string, ort.Tensor>, r: RangeOutputs, n: number, count: number): { min: number; max: number } | undefined {
  const { min, max } = rowRanges(out, r);
  const used = usedRowsOf(max.length, n, count);
  if (used === 0) return undefined;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < used; i++) {
    if (!(min[i] >= lo)) lo = min[i]; // NaN propagates
    if (!(max[i] <= hi)) hi = max[i];
  }
  return { min: lo, max: hi };
}

function scalarOf(t: ort.Tensor): number {
  const d = t.data as Float32Array;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  return s;
}

async function runOrExplain(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, fetches: ort.InferenceSession.FetchesType, ds: Dataset): Promise<Record<string, ort.Tensor>> {
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

function elementsPerSample(t: ValueType | undefined): number {
  if (!t) return 0;
  return t.shape.slice(1).reduce<number>((a, d) => a * (typeof d === 'number' && d > 0 ? d : 64), 1);
}
