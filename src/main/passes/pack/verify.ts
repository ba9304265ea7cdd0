// The packed model against the unpacked one in ONNX Runtime: both load, and their outputs
// on the same inputs (seeded random, plus dataset samples when given) agree.
import { sampleSize, type Dataset } from '../../data/dataset.ts';
import { concreteShape, randomTensor, sessionInputs, sessionOutputs } from '../../runtime/io.ts';
import { createSession, ort } from '../../runtime/session.ts';

export interface Comparison {
  maxAbsDiff: number;
  /** Largest |output| of the unpacked model, to judge maxAbsDiff against. */
  maxAbsRef: number;
  identical: boolean;
  comparedSamples: number;
}

const RANDOM_BATCH = 8;

function feeds(session: ort.InferenceSession, ds: Dataset | undefined, samples: number): Record<string, ort.Tensor>[] {
  const inputs = sessionInputs(session);
  const batches: Record<string, ort.Tensor>[] = [];
  const fixed = inputs.map((i) => (typeof i.shape[0] === 'number' && i.shape[0] > 0 ? i.shape[0] : undefined));
  batches.push(Object.fromEntries(inputs.map((i, n) => [i.name, randomTensor(i, concreteShape(i, fixed[n] ?? RANDOM_BATCH), 7)])));
  if (ds && inputs.length === 1 && inputs[0].type === 'float32' && fixed[0] === undefined) {
    const count = Math.min(samples, ds.size);
    const data = ds.inputs.slice(0, count * sampleSize(ds));
    if (count > 0) batches.push({ [inputs[0].name]: new ort.Tensor('float32', data, [count, ...ds.sampleShape]) });
  }
  return batches;
}

function firstDim(feed: Record<string, ort.Tensor>): number {
  return Object.values(feed)[0]?.dims[0] ?? 0;
}

/** Run both models on the same inputs; throws (runtime.session-failed) when either does not load. */
export async function compareOutputs(unpacked: Uint8Array, packed: Uint8Array, ds?: Dataset, samples = 64): Promise<Comparison> {
  const ref = await createSession(unpacked, { threads: 1 });
  const out = await createSession(packed, { threads: 1 });
  try {
    let maxAbsDiff = 0;
    let maxAbsRef = 0;
    let identical = true;
    let compared = 0;
    for (const feed of feeds(ref, ds, samples)) {
      const a = await ref.run(feed);
      const b = await out.run(feed);
      for (const o of sessionOutputs(ref)) {
        const x = a[o.name].data as Float32Array;
        const y = b[o.name]?.data as Float32Array | undefined;
        if (!y || y.length !== x.length) { identical = false; maxAbsDiff = Infinity; continue; }
        for (let i = 0; i < x.length; i++) {
          const d = Math.abs(Number(x[i]) - Number(y[i]));
          if (d !== 0 || Number.isNaN(d)) identical = false;
          if (d > maxAbsDiff || Number.isNaN(d)) maxAbsDiff = Number.isNaN(d) ? Infinity : d;
          maxAbsRef = Math.max(maxAbsRef, Math.abs(Number(x[i])));
        }
      }
      compared += firstDim(feed);
    }
    return { maxAbsDiff, maxAbsRef, identical, comparedSamples: compared };
  } finally {
    await ref.release();
    await out.release();
  }
}
