// The in-memory dataset every consumer (evaluation, calibration, training) reads:
// samples stacked in one Float32Array, optional integer labels, seeded batching.
import { WhittleError } from '../../shared/errors.ts';
import { seededRandom } from '../../shared/random.ts';

export { seededRandom };

export interface Dataset {
  name: string;
  /** Number of samples. */
  size: number;
  /** Shape of one sample, without the batch axis (e.g. [1, 28, 28]). */
  sampleShape: number[];
  /** size * prod(sampleShape) values, sample-major. */
  inputs: Float32Array;
  /** One class index per sample, when the dataset has labels. */
  labels?: Int32Array;
  numClasses?: number;
  /** Class names by index, when known. */
  classNames?: string[];
  /** Model input that `inputs` feeds; default the model's first input. */
  inputName?: string;
  /** Further model inputs, by name, for models with several data inputs (sample-major like `inputs`). */
  extraInputs?: NamedInput[];
}

/** One more data input of a sample: `size * prod(sampleShape)` values for the model input `name`. */
export interface NamedInput {
  name: string;
  sampleShape: number[];
  values: Float32Array;
}

export interface Batch {
  /** Values for `count` samples, sample-major. */
  inputs: Float32Array;
  labels?: Int32Array;
  count: number;
  /** Indices of the samples in the dataset. */
  indices: Int32Array;
  /** Values of the dataset's extra inputs for these samples, by input name. */
  extras?: Record<string, Float32Array>;
}

export function sampleSize(ds: Pick<Dataset, 'sampleShape'>): number {
  return ds.sampleShape.reduce((a, b) => a * b, 1);
}

/** Fisher-Yates permutation of 0..n-1 driven by `seed`. */
export function shuffledIndices(n: number, seed: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const rand = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = idx[i]; idx[i] = idx[j]; idx[j] = t;
  }
  return idx;
}

export interface BatchOptions {
  shuffle?: boolean;
  seed?: number;
  /** Drop a last batch smaller than batchSize (training); keep it for evaluation. */
  dropLast?: boolean;
  /** Use at most this many samples (after shuffling). */
  limit?: number;
}

export function* batches(ds: Dataset, batchSize: number, opts: BatchOptions = {}): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new WhittleError('data.bad-batch-size', `Batch size must be a whole number of at least 1 (got ${batchSize}).`);
  }
  if (ds.size === 0) {
    throw new WhittleError('data.empty', `The dataset '${ds.name}' has no samples.`, 'Check the dataset path or its filters.');
  }
  const order = opts.shuffle ? shuffledIndices(ds.size, opts.seed ?? 0) : Int32Array.from({ length: ds.size }, (_, i) => i);
  const total = Math.min(ds.size, opts.limit ?? ds.size);
  const per = sampleSize(ds);
  for (let start = 0; start < total; start += batchSize) {
    const count = Math.min(batchSize, total - start);
    if (count < batchSize && opts.dropLast) return;
    const indices = order.subarray(start, start + count);
    const inputs = new Float32Array(count * per);
    const labels = ds.labels ? new Int32Array(count) : undefined;
    for (let i = 0; i < count; i++) {
      const s = indices[i];
      inputs.set(ds.inputs.subarray(s * per, (s + 1) * per), i * per);
      if (labels) labels[i] = ds.labels![s];
    }
    const extras = ds.extraInputs?.length ? Object.fromEntries(ds.extraInputs.map((x) => [x.name, gatherSamples(x, indices)])) : undefined;
    yield { inputs, labels, count, indices: Int32Array.from(indices), extras };
  }
}

/** A new dataset holding the given samples (used for splits and subsets). */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
  const per = sampleSize(ds);
  const inputs = new Float32Array(indices.length * per);
  const labels = ds.labels ? new Int32Array(indices.length) : undefined;
  for (let i = 0; i < indices.length; i++) {
    const s = indices[i];
    inputs.set(ds.inputs.subarray(s * per, (s + 1) * per), i * per);
    if (labels) labels[i] = ds.labels![s];
  }
  const extraInputs = ds.extraInputs?.map((x) => ({ ...x, values: gatherSamples(x, indices) }));
  return { ...ds, name, size: indices.length, inputs, labels, extraInputs };
}

/** The values of samples `indices` of one extra input, stacked. */
export function gatherSamples(input: NamedInput, indices: ArrayLike<number>): Float32Array {
  const per = sampleSize(input);
  const out = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) out.set(input.values.subarray(indices[i] * per, (indices[i] + 1) * per), i * per);
  return out;
}
