// Top-1 accuracy and agreement of a classifier on a dataset, for the sensitivity scan
// (hundreds of small evaluations in one process: one session per model, big batches); for
// models without class logits, output fidelity against the unchanged model's outputs.
import type { Model } from '../../onnx/model.ts';
import { encodeModel } from '../../onnx/model.ts';
import { createSession, ort } from '../../runtime/session.ts';
import { batches, type Dataset } from '../../data/dataset.ts';
import { GraphIndex, valueInfoDims } from '../../onnx/graph.ts';

export interface Score {
  /** Top-1 accuracy against labels, when the dataset has them. */
  accuracy?: number;
  /** Top-1 agreement with the reference predictions, when given. */
  agreement?: number;
  /** Predicted class per sample. */
  predictions: Int32Array;
  /** 1 - noise/signal of every output against `referenceOutputs` (floored at 0), when given. */
  fidelity?: number;
  /** Every output's values over all samples, in batch order, when `keepOutputs`. */
  outputs?: Float32Array[];
}

export interface ScoreOptions {
  reference?: Int32Array;
  /** Outputs of the reference model on the same samples (`outputs` of its score). */
  referenceOutputs?: Float32Array[];
  keepOutputs?: boolean;
  batchSize?: number;
  limit?: number;
  threads?: number;
}

/** Models whose first output is not [N, C] class logits (detectors, feature maps) are scored on at most this many samples: their outputs are kept whole. */
export const FIDELITY_SAMPLES = 64;

/** True when the model's first output is declared [N, C]: arg-max agreement means something. */
export function hasClassLogits(model: Model): boolean {
  const dims = model.graph.output[0] ? valueInfoDims(model.graph.output[0]) : undefined;
  return !dims || dims.length === 2;
}

/** Output values gathered batch by batch, and their distance from a reference. */
class OutputTally {
  readonly parts: Float32Array[][];
  private signal = 0;
  private noise = 0;
  private offsets: number[];

  constructor(outputs: number, private readonly reference?: Float32Array[]) {
    this.parts = Array.from({ length: outputs }, () => []);
    this.offsets = Array.from({ length: outputs }, () => 0);
  }

  add(k: number, values: Float32Array): void {
    this.parts[k].push(values.slice());
    const ref = this.reference?.[k];
    if (!ref) return;
    const at = this.offsets[k];
    for (let i = 0; i < values.length; i++) {
      const r = ref[at + i];
      this.signal += r * r;
      this.noise += (values[i] - r) ** 2;
    }
    this.offsets[k] += values.length;
  }

  fidelity(): number {
    return this.signal > 0 ? Math.max(0, 1 - this.noise / this.signal) : this.noise === 0 ? 1 : 0;
  }

  joined(): Float32Array[] {
    return this.parts.map((list) => {
      const out = new Float32Array(list.reduce((n, a) => n + a.length, 0));
      let at = 0;
      for (const a of list) { out.set(a, at); at += a.length; }
      return out;
    });
  }
}

export async function scoreModel(model: Model | Uint8Array, ds: Dataset, opts: ScoreOptions = {}): Promise<Score> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  const session = await createSession(bytes, { threads: opts.threads ?? 1 });
  try {
    const inputName = session.inputNames[0];
    const outputName = session.outputNames[0];
    const total = Math.min(ds.size, opts.limit ?? ds.size);
    const predictions = new Int32Array(total);
    let correct = 0;
    let agree = 0;
    const tally = opts.keepOutputs || opts.referenceOutputs ? new OutputTally(session.outputNames.length, opts.referenceOutputs) : undefined;
    for (const b of batches(ds, opts.batchSize ?? 256, { limit: total })) {
      const feeds = { [inputName]: new ort.Tensor('float32', b.inputs, [b.count, ...ds.sampleShape]) };
      const results = await session.run(feeds);
      session.outputNames.forEach((n, k) => tally?.add(k, results[n].data as Float32Array));
      const out = results[outputName];
      const logits = out.data as Float32Array;
      const classes = logits.length / b.count;
      for (let i = 0; i < b.count; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
        const idx = b.indices[i];
        predictions[idx] = best;
        if (ds.labels && ds.labels[idx] === best) correct++;
        if (opts.reference && opts.reference[idx] === best) agree++;
      }
    }
    return {
      accuracy: ds.labels ? correct / total : undefined,
      agreement: opts.reference ? agree / total : undefined,
      predictions,
      fidelity: opts.referenceOutputs ? tally!.fidelity() : undefined,
      outputs: opts.keepOutputs ? tally!.joined() : undefined,
    };
  } finally {
    await session.release();
  }
}

/** Name of the model's first real input (for building feeds outside scoreModel). */
export function firstInputName(model: Model): string {
  return new GraphIndex(model.graph).realInputs()[0]?.name ?? 'input';
}
