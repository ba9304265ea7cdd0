// Top-1 accuracy and agreement of a classifier on a dataset, for the sensitivity scan
// (hundreds of small evaluations in one process: one session per model, big batches).
import type { Model } from '../../onnx/model.ts';
import { encodeModel } from '../../onnx/model.ts';
import { createSession, ort } from '../../runtime/session.ts';
import { batches, type Dataset } from '../../data/dataset.ts';
import { GraphIndex } from '../../onnx/graph.ts';

export interface Score {
  /** Top-1 accuracy against labels, when the dataset has them. */
  accuracy?: number;
  /** Top-1 agreement with the reference predictions, when given. */
  agreement?: number;
  /** Predicted class per sample. */
  predictions: Int32Array;
}

export interface ScoreOptions {
  reference?: Int32Array;
  batchSize?: number;
  limit?: number;
  threads?: number;
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
    for (const b of batches(ds, opts.batchSize ?? 256, { limit: total })) {
      const feeds = { [inputName]: new ort.Tensor('float32', b.inputs, [b.count, ...ds.sampleShape]) };
      const out = (await session.run(feeds))[outputName];
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
    };
  } finally {
    await session.release();
  }
}

/** Name of the model's first real input (for building feeds outside scoreModel). */
export function firstInputName(model: Model): string {
  return new GraphIndex(model.graph).realInputs()[0]?.name ?? 'input';
}
