// Evaluation of a model on a dataset in batches: top-1/top-5 against labels, and top-1
// agreement and SQNR (dB) against a reference model's outputs on the same samples.
import { WhittleError } from '../../shared/errors.ts';
import type { Dataset } from '../data/dataset.ts';
import { sampleSize } from '../data/dataset.ts';
import { checkSampleShape, formatShape, pickDatasetInput, sessionInputs, sessionOutputs } from './io.ts';
import { createSession, ort } from './session.ts';

export type ModelSource = Uint8Array | string | ort.InferenceSession;

export interface EvaluateOptions {
  /** Samples per run; a model that fixes its batch axis overrides it. Default 64. */
  batchSize?: number;
  /** Evaluate at most this many samples (the first ones). */
  limit?: number;
  /** Intra-op threads for sessions created here; 0 lets ONNX Runtime decide. */
  threads?: number;
  /** Model input the dataset feeds; default the only input. */
  inputName?: string;
  /** Output holding class scores; default the first output. */
  outputName?: string;
  /** A model whose outputs the evaluated one is compared with (agreement, SQNR). */
  reference?: ModelSource;
  signal?: AbortSignal;
  onProgress?: (doneSamples: number, totalSamples: number) => void;
}

export interface EvaluationResult {
  samples: number;
  /** Width of the score vector per sample. */
  numClasses: number;
  /** Fraction of samples whose arg-max is the label (present when the dataset has labels). */
  top1?: number;
  /** Fraction whose label is among the 5 highest scores (all scores when there are fewer). */
  top5?: number;
  /** Top-1 per class index (labels the model has a score for). */
  perClass?: { label: number; samples: number; top1: number }[];
  /** Fraction of samples where arg-max equals the reference's arg-max. */
  agreement?: number;
  /** The reference's own top-1 on the same samples (labels and a reference both present). */
  referenceTop1?: number;
  /** 10*log10(sum ref^2 / sum (out - ref)^2) over every output value; Infinity when identical. */
  sqnrDb?: number;
  durationMs: number;
  samplesPerSec: number;
}

interface Runner {
  session: ort.InferenceSession;
  owned: boolean;
  inputName: string;
  outputName: string;
  /** Batch size the model fixes, if any. */
  fixedBatch?: number;
}

function isSession(source: ModelSource): source is ort.InferenceSession {
  return typeof source === 'object' && !(source instanceof Uint8Array) && 'run' in source;
}

async function openRunner(source: ModelSource, ds: Dataset, opts: EvaluateOptions, role: string): Promise<Runner> {
  const owned = !isSession(source);
  const session = isSession(source) ? source : await createSession(source, { threads: opts.threads ?? 0 });
  try {
    const input = pickDatasetInput(sessionInputs(session), role === 'model' ? opts.inputName : undefined);
    const fixedBatch = checkSampleShape(input, ds.sampleShape, ds.name);
    const outputs = sessionOutputs(session);
    const output = opts.outputName && role === 'model' ? outputs.find((o) => o.name === opts.outputName) : outputs[0];
    if (!output) {
      throw new WhittleError('runtime.missing-output', `The ${role} has no output named '${opts.outputName}' (its outputs: ${outputs.map((o) => o.name).join(', ')}).`);
    }
    if (output.type !== 'float32') {
      throw new WhittleError('runtime.output-type', `The ${role} output '${output.name}' holds ${output.type} values; evaluation reads float32 scores.`);
    }
    return { session, owned, inputName: input.name, outputName: output.name, fixedBatch };
  } catch (err) {
    if (owned) await session.release();
    throw err;
  }
}

async function runBatch(r: Runner, inputs: Float32Array, count: number, ds: Dataset): Promise<Float32Array> {
  let data = inputs;
  let n = count;
  if (r.fixedBatch !== undefined && r.fixedBatch !== count) {
    // A model with a fixed batch axis gets a zero-padded last batch; the padding rows are ignored.
    data = new Float32Array(r.fixedBatch * sampleSize(ds));
    data.set(inputs);
    n = r.fixedBatch;
  }
  const feeds = { [r.inputName]: new ort.Tensor('float32', data, [n, ...ds.sampleShape]) };
  const out = await r.session.run(feeds, [r.outputName]);
  const t = out[r.outputName];
  const values = t.data as Float32Array;
  if (t.dims[0] !== n || values.length % n !== 0) {
    throw new WhittleError('runtime.bad-output', `The output '${r.outputName}' has shape ${formatShape(t.dims)}, which does not start with the batch size ${n}.`, 'Evaluation needs a model whose first output axis is the batch.');
  }
  return n === count ? values : values.subarray(0, (values.length / n) * count);
}

/** Scores of one batch against labels: adds to the top-1 and top-5 hit counts. */
interface Hits { top1: number; top5: number; classTotal: number[]; classCorrect: number[] }

function scoreLabels(scores: Float32Array, labels: Int32Array, width: number, hits: Hits): void {
  const k = Math.min(5, width);
  for (let i = 0; i < labels.length; i++) {
    const row = i * width;
    const label = labels[i];
    const target = label >= 0 && label < width ? scores[row + label] : Number.NaN;
    let above = 0;
    let best = 0;
    for (let c = 0; c < width; c++) {
      const v = scores[row + c];
      if (v > target) above++;
      if (v > scores[row + best]) best = c;
    }
    if (Number.isNaN(target)) continue;
    hits.classTotal[label] = (hits.classTotal[label] ?? 0) + 1;
    if (best === label) { hits.top1++; hits.classCorrect[label] = (hits.classCorrect[label] ?? 0) + 1; }
    if (above < k) hits.top5++;
  }
}

function argmax(scores: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (scores[row + c] > scores[row + best]) best = c;
  return best;
}

export async function evaluateModel(model: ModelSource, ds: Dataset, opts: EvaluateOptions = {}): Promise<EvaluationResult> {
  const batchSize = opts.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new WhittleError('runtime.bad-batch-size', `Batch size must be a whole number of at least 1 (got ${batchSize}).`);
  }
  const total = Math.min(ds.size, opts.limit && opts.limit > 0 ? opts.limit : ds.size);
  if (total === 0) throw new WhittleError('data.empty', `The dataset '${ds.name}' has no samples to evaluate.`, 'Check the dataset path, its filters and the sample limit.');
  const runner = await openRunner(model, ds, opts, 'model');
  let reference: Runner | undefined;
  try {
    if (opts.reference !== undefined) reference = await openRunner(opts.reference, ds, opts, 'reference model');
    const step = runner.fixedBatch ?? reference?.fixedBatch ?? batchSize;
    if (reference?.fixedBatch !== undefined && runner.fixedBatch !== undefined && reference.fixedBatch !== runner.fixedBatch) {
      throw new WhittleError('runtime.fixed-batch', `The model fixes its batch size to ${runner.fixedBatch} and the reference to ${reference.fixedBatch}.`, 'Export both models with a free batch axis.');
    }
    const per = sampleSize(ds);
    const hits: Hits = { top1: 0, top5: 0, classTotal: [], classCorrect: [] };
    let agree = 0;
    let referenceHits = 0;
    let signalEnergy = 0;
    let noiseEnergy = 0;
    let width = 0;
    const started = performance.now();
    for (let start = 0; start < total; start += step) {
      opts.signal?.throwIfAborted();
      const count = Math.min(step, total - start);
      // Samples are contiguous, so a batch is a view: no copy on the hot path.
      const inputs = ds.inputs.subarray(start * per, (start + count) * per);
      const scores = await runBatch(runner, inputs, count, ds);
      width = scores.length / count;
      if (ds.labels) scoreLabels(scores, ds.labels.subarray(start, start + count), width, hits);
      if (reference) {
        const ref = await runBatch(reference, inputs, count, ds);
        if (ref.length !== scores.length) {
          throw new WhittleError('runtime.reference-mismatch', `The model gives ${width} values per sample but the reference gives ${ref.length / count}.`, 'Compare a model with a reference that has the same outputs (e.g. its uncompressed original).');
        }
        for (let i = 0; i < count; i++) {
          const refClass = argmax(ref, i * width, width);
          if (argmax(scores, i * width, width) === refClass) agree++;
          if (ds.labels && ds.labels[start + i] === refClass) referenceHits++;
        }
        for (let j = 0; j < ref.length; j++) {
          const d = scores[j] - ref[j];
          signalEnergy += ref[j] * ref[j];
          noiseEnergy += d * d;
        }
      }
      opts.onProgress?.(start + count, total);
    }
    const durationMs = performance.now() - started;
    const result: EvaluationResult = { samples: total, numClasses: width, durationMs, samplesPerSec: total / (durationMs / 1000) };
    if (ds.labels) {
      result.top1 = hits.top1 / total;
      result.top5 = hits.top5 / total;
      result.perClass = Array.from(hits.classTotal, (n, c) => ({ label: c, samples: n ?? 0, top1: n ? (hits.classCorrect[c] ?? 0) / n : 0 }));
    }
    if (reference) {
      result.agreement = agree / total;
      if (ds.labels) result.referenceTop1 = referenceHits / total;
      result.sqnrDb = noiseEnergy === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(signalEnergy / noiseEnergy);
    }
    return result;
  } finally {
    if (runner.owned) await runner.session.release();
    if (reference?.owned) await reference.session.release();
  }
}
