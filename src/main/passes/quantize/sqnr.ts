// Per-tensor SQNR between the float model's activations and the quantized model's
// dequantized activations, on the first few calibration samples.
import { sampleSize, type Dataset } from '../../data/dataset.ts';
import { encodeModel, type Model } from '../../onnx/model.ts';
import { createSession, ort } from '../../runtime/session.ts';
import { sqnrDb } from './params.ts';
import { withExtraOutputs } from './probe.ts';

/** tensor (float model name) -> name of the same value in the quantized model. */
export async function activationSqnr(
  floatModel: Model, quantModel: Model, pairs: Map<string, string>, inputName: string, ds: Dataset, samples: number, fixedBatch?: number,
): Promise<Map<string, number>> {
  const floatNames = [...pairs.keys()].filter((n) => n !== inputName);
  const quantNames = floatNames.map((n) => pairs.get(n)!);
  if (floatNames.length === 0) return new Map();
  const count = Math.min(samples, ds.size, fixedBatch ?? samples);
  const per = sampleSize(ds);
  const data = ds.inputs.slice(0, count * per);
  const feeds = { [inputName]: new ort.Tensor('float32', data, [count, ...ds.sampleShape]) };
  const run = async (model: Model, names: string[]): Promise<Record<string, ort.Tensor>> => {
    const s = await createSession(encodeModel(withExtraOutputs(model, names)), { optimization: 'basic' });
    try {
      return await s.run(feeds, names);
    } finally {
      await s.release();
    }
  };
  const ref = await run(floatModel, floatNames);
  const got = await run(quantModel, quantNames);
  const result = new Map<string, number>();
  floatNames.forEach((name, i) => {
    const a = ref[name].data as Float32Array;
    const b = got[quantNames[i]].data as Float32Array;
    let signal = 0;
    let noise = 0;
    for (let j = 0; j < a.length; j++) {
      signal += a[j] * a[j];
      const d = a[j] - b[j];
      noise += d * d;
    }
    result.set(name, sqnrDb(signal, noise));
  });
  return result;
}

export interface OutputCheck {
  /** Fused int8 model (ORT level 'all') vs the float model, over every output value. */
  int8VsFloatDb: number;
  /** Fused int8 kernels vs the same QDQ model run unfused (its reference arithmetic). */
  fusedVsQdqDb: number;
  /** Share of samples whose top-1 class (first output, [N, C]) matches the float model's. */
  top1Agreement?: number;
  samples: number;
}

/**
 * Runs the quantized model with and without ORT's int8 fusion: a fused kernel that computes
 * something else than the QDQ graph (e.g. a kernel assuming fixed output scales) shows here.
 */
export async function checkOutputs(floatModel: Model, quantModel: Model, inputName: string, ds: Dataset, samples: number, fixedBatch?: number): Promise<OutputCheck> {
  const count = Math.min(samples, ds.size, fixedBatch ?? samples);
  const per = sampleSize(ds);
  const feeds = { [inputName]: new ort.Tensor('float32', ds.inputs.slice(0, count * per), [count, ...ds.sampleShape]) };
  let firstDims: readonly number[] = [];
  const outputs = async (model: Model, level: 'disabled' | 'all'): Promise<Float32Array[]> => {
    const s = await createSession(encodeModel(model), { optimization: level });
    try {
      const out = await s.run(feeds);
      firstDims = out[s.outputNames[0]].dims;
      // Copies: an output's buffer may belong to the session and be reused once it is released.
      return s.outputNames.map((n) => (out[n].data as Float32Array).slice());
    } finally {
      await s.release();
    }
  };
  const ref = await outputs(floatModel, 'all');
  const fused = await outputs(quantModel, 'all');
  const qdq = await outputs(quantModel, 'disabled');
  const top1Agreement = firstDims.length === 2 && firstDims[0] === count ? top1Match(ref[0], fused[0], count) : undefined;
  const db = (a: Float32Array[], b: Float32Array[]): number => {
    let signal = 0;
    let noise = 0;
    a.forEach((x, k) => {
      for (let j = 0; j < x.length; j++) {
        signal += x[j] * x[j];
        noise += (x[j] - b[k][j]) ** 2;
      }
    });
    return sqnrDb(signal, noise);
  };
  return { int8VsFloatDb: db(ref, fused), fusedVsQdqDb: db(qdq, fused), top1Agreement, samples: count };
}

/** Share of rows of two [rows, C] score arrays whose argmax agrees; undefined when C < 2. */
export function top1Match(a: Float32Array, b: Float32Array, rows: number): number | undefined {
  const classes = a.length / rows;
  if (!Number.isInteger(classes) || classes < 2 || rows === 0) return undefined;
  const argmax = (x: Float32Array, r: number): number => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (x[r * classes + c] > x[r * classes + best]) best = c;
    return best;
  };
  let same = 0;
  for (let r = 0; r < rows; r++) if (argmax(a, r) === argmax(b, r)) same++;
  return same / rows;
}
