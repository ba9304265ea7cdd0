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
  /** Session creation (where ORT folds the storage chains back into weights), unpacked vs packed. */
  loadMs: { unpacked: number; packed: number };
  /** Time both models spent in run() on the compared inputs (one thread). */
  runMs: { unpacked: number; packed: number };
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
  let t0 = performance.now();
  const ref = await createSession(unpacked, { threads: 1 });
  const refLoadMs = performance.now() - t0;
  let out: ort.InferenceSession | undefined;
  try {
    t0 = performance.now();
    out = await createSession(packed, { threads: 1 });
    const packedLoadMs = performance.now() - t0;
    const acc = { maxAbsDiff: 0, maxAbsRef: 0, identical: true, compared: 0, refRunMs: 0, packedRunMs: 0 };
    for (const feed of feeds(ref, ds, samples)) {
      t0 = performance.now();
      const a = await ref.run(feed);
      acc.refRunMs += performance.now() - t0;
      t0 = performance.now();
      const b = await out.run(feed);
      acc.packedRunMs += performance.now() - t0;
      for (const o of sessionOutputs(ref)) compareTensor(a[o.name].data as Float32Array, b[o.name]?.data as Float32Array | undefined, acc);
      acc.compared += firstDim(feed);
    }
    return {
      maxAbsDiff: acc.maxAbsDiff, maxAbsRef: acc.maxAbsRef, identical: acc.identical, comparedSamples: acc.compared,
      loadMs: { unpacked: refLoadMs, packed: packedLoadMs }, runMs: { unpacked: acc.refRunMs, packed: acc.packedRunMs },
    };
  } finally {
    await ref.release();
    await out?.release();
  }
}

function compareTensor(x: Float32Array, y: Float32Array | undefined, acc: { maxAbsDiff: number; maxAbsRef: number; identical: boolean }): void {
  if (!y || y.length !== x.length) { acc.identical = false; acc.maxAbsDiff = Infinity; return; }
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(Number(x[i]) - Number(y[i]));
    if (d !== 0 || Number.isNaN(d)) acc.identical = false;
    if (d > acc.maxAbsDiff || Number.isNaN(d)) acc.maxAbsDiff = Number.isNaN(d) ? Infinity : d;
    acc.maxAbsRef = Math.max(acc.maxAbsRef, Math.abs(Number(x[i])));
  }
}
