// Fidelity of a compressing pass: its output model against its input model on the same
// samples (output SQNR, top-1 agreement, and per-layer SQNR to find where they part). Every
// compressing pass measures this before it reports done (DESIGN.md §9).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { sampleSize, type Dataset } from '../data/dataset.ts';
import { concreteShape, randomTensor, sessionInputs } from '../runtime/io.ts';
import { createSession, getAutoThreads, ort } from '../runtime/session.ts';
import { decodeModel, encodeModel, type Model } from '../onnx/model.ts';
import { sqnrDb } from './quantize/params.ts';
import { withExtraOutputs } from './quantize/probe.ts';
import { top1Match } from './quantize/sqnr.ts';

/** Below either figure a result no longer computes what its input did. */
export const FIDELITY_FLOOR = { sqnrDb: 15, agreement: 0.9 } as const;

export interface FidelityFigures {
  /** Output SQNR of the result against its input, over every output value, dB. */
  sqnrDb: number;
  /** Share of samples with the same top-1 class (first output of shape [N, C]); undefined otherwise. */
  agreement?: number;
  samples: number;
  /** What the samples were, for the label: e.g. "32 samples of 'MNIST train'" or "16 random inputs". */
  on: string;
}

/** The floor figures a result misses, as a phrase ("output SQNR 3.1 dB < 15 dB"), or undefined. */
export function fidelityMiss(f: Pick<FidelityFigures, 'sqnrDb' | 'agreement'>): string | undefined {
  const misses: string[] = [];
  if (!(f.sqnrDb >= FIDELITY_FLOOR.sqnrDb)) misses.push(`output SQNR ${formatDb(f.sqnrDb)} < ${FIDELITY_FLOOR.sqnrDb} dB`);
  if (f.agreement !== undefined && f.agreement < FIDELITY_FLOOR.agreement) misses.push(`top-1 agreement ${(100 * f.agreement).toFixed(1)}% < ${100 * FIDELITY_FLOOR.agreement}%`);
  return misses.length > 0 ? misses.join(', ') : undefined;
}

export function formatDb(db: number): string {
  return Number.isFinite(db) ? `${db.toFixed(1)} dB` : db > 0 ? 'inf dB' : '-inf dB';
}

/** One batch of feeds: `samples` spread over a dataset (its first input), or seeded random inputs. */
export interface FidelityFeeds {
  feeds: Record<string, ort.Tensor>;
  samples: number;
  on: string;
}

export async function fidelityFeeds(model: Uint8Array, ds: Dataset | undefined, samples: number): Promise<FidelityFeeds> {
  const session = await createSession(model, { threads: 1, optimization: 'disabled' });
  try {
    const inputs = sessionInputs(session);
    const fixed = inputs.length > 0 && typeof inputs[0].shape[0] === 'number' && inputs[0].shape[0] > 0 ? inputs[0].shape[0] : undefined;
    if (ds && inputs.length === 1 && ds.size > 0 && (fixed === undefined || fixed <= ds.size)) {
      const count = fixed ?? Math.min(samples, ds.size);
      const per = sampleSize(ds);
      const data = new Float32Array(count * per);
      for (let i = 0; i < count; i++) {
        const at = Math.floor((i * ds.size) / count);
        data.set(ds.inputs.subarray(at * per, (at + 1) * per), i * per);
      }
      return { feeds: { [inputs[0].name]: new ort.Tensor('float32', data, [count, ...ds.sampleShape]) }, samples: count, on: `${count} samples of '${ds.name}'` };
    }
    const feeds: Record<string, ort.Tensor> = {};
    const count = fixed ?? samples;
    inputs.forEach((input, i) => { feeds[input.name] = randomTensor(input, concreteShape(input, count), i + 1); });
    return { feeds, samples: count, on: `${count} random inputs (connect validation data for real samples)` };
  } finally {
    await session.release();
  }
}

/** Values of `names` (default: the graph outputs) for one batch of feeds. */
export async function runValues(model: Uint8Array, feeds: Record<string, ort.Tensor>, names?: string[]): Promise<Map<string, ort.Tensor>> {
  const session = await createSession(model, { optimization: 'basic' });
  try {
    const out = await session.run(feeds, names ?? session.outputNames);
    // Copies: an output's buffer may belong to the session and be reused once it is released.
    return new Map((names ?? session.outputNames).map((n) => [n, new ort.Tensor(out[n].type as 'float32', (out[n].data as Float32Array).slice(), out[n].dims)]));
  } finally {
    await session.release();
  }
}

/** SQNR of `got` against `ref`, both lists of float tensors of the same shapes. */
export function tensorsSqnr(ref: Float32Array[], got: Float32Array[]): number {
  let signal = 0;
  let noise = 0;
  ref.forEach((a, k) => {
    const b = got[k];
    for (let j = 0; j < a.length; j++) {
      signal += a[j] * a[j];
      noise += (a[j] - b[j]) ** 2;
    }
  });
  return sqnrDb(signal, noise);
}

/** What the kept outputs may hold together (a classifier's 64 x 1000 scores are 256 kB); a larger set is not kept. */
const REFERENCE_KEEP_BYTES = 64 * 1024 * 1024;
/**
 * The reference's outputs, kept per engine process: the siblings of a sweep (every share of one
 * pruned model, every quantize mode of one shared model) check against the same input on the
 * same feeds, and running it again gives the same values. Keyed by the bytes of both and the
 * threads (ORT's float sums depend on them).
 */
const referenceOutputs = new LRUCache<string, Map<string, ort.Tensor>>({
  maxSize: REFERENCE_KEEP_BYTES,
  sizeCalculation: (values) => Math.max(1, [...values.values()].reduce((a, t) => a + (t.data as ArrayBufferView).byteLength, 0)),
});

function feedsKey(model: Uint8Array, feeds: Record<string, ort.Tensor>): string {
  const h = createHash('sha256').update(`threads:${getAutoThreads()}:`).update(model);
  for (const name of Object.keys(feeds).sort()) {
    const t = feeds[name];
    const data = t.data as ArrayBufferView;
    h.update(`${name}:${t.type}:${t.dims.join(',')}:`).update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return h.digest('hex');
}

async function referenceValues(reference: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Map<string, ort.Tensor>> {
  const key = feedsKey(reference, feeds);
  const kept = referenceOutputs.get(key);
  if (kept) return kept;
  const values = await runValues(reference, feeds);
  referenceOutputs.set(key, values);
  return values;
}

/** Output SQNR and top-1 agreement of `candidate` against `reference` on the same feeds. */
export async function measureFidelity(reference: Uint8Array, candidate: Uint8Array, f: FidelityFeeds): Promise<FidelityFigures> {
  const ref = await referenceValues(reference, f.feeds);
  const got = await runValues(candidate, f.feeds);
  const names = [...ref.keys()].filter((n) => got.has(n) && ref.get(n)!.type === 'float32' && sameShape(ref.get(n)!, got.get(n)!));
  const a = names.map((n) => ref.get(n)!.data as Float32Array);
  const b = names.map((n) => got.get(n)!.data as Float32Array);
  const first = names.length > 0 ? ref.get(names[0])! : undefined;
  const agreement = first && first.dims.length === 2 && first.dims[0] === f.samples ? top1Match(a[0], b[0], f.samples) : undefined;
  return { sqnrDb: names.length > 0 ? tensorsSqnr(a, b) : Number.NEGATIVE_INFINITY, agreement, samples: f.samples, on: f.on };
}

/**
 * SQNR of every named value (present with the same shape in both models) against the
 * reference, on the same feeds: where along the graph the result parts from its input.
 */
export async function layerSqnr(reference: Uint8Array, candidate: Uint8Array, names: string[], f: FidelityFeeds): Promise<Map<string, number>> {
  const [r, c] = [decodeModel(reference), decodeModel(candidate)];
  const produced = (m: Model): Set<string> => new Set(m.graph.node.flatMap((n) => n.output));
  const [inR, inC] = [produced(r), produced(c)];
  const common = names.filter((n) => inR.has(n) && inC.has(n));
  if (common.length === 0) return new Map();
  const ref = await runValues(encodeModel(withExtraOutputs(r, common)), f.feeds, common);
  const got = await runValues(encodeModel(withExtraOutputs(c, common)), f.feeds, common);
  const out = new Map<string, number>();
  for (const n of common) {
    const a = ref.get(n);
    const b = got.get(n);
    if (a && b && a.type === 'float32' && sameShape(a, b)) out.set(n, tensorsSqnr([a.data as Float32Array], [b.data as Float32Array]));
  }
  return out;
}

function sameShape(a: ort.Tensor, b: ort.Tensor): boolean {
  return a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i]);
}
