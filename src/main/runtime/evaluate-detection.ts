// Detection evaluation: run a YOLO-style model over a COCO dataset, decode its heads (DFL +
// NMS), map boxes back through the letterbox, and score COCO mAP. For models without a
// decoder, per-output agreement and SQNR against a reference model on the same samples.
import { WhittleError } from '../../shared/errors.ts';
import type { Dataset } from '../data/dataset.ts';
import { sampleSize } from '../data/dataset.ts';
import type { CocoDataset } from '../data/coco.ts';
import { checkSampleShape, pickDatasetInput, sessionInputs } from './io.ts';
import { createSession, ort } from './session.ts';
import { cocoMap, type CocoMapResult, type DetectionBox } from './coco-map.ts';
import { decodeHeads, nonMaxSuppression, type DecodeOptions, type HeadMap } from './yolo-decode.ts';

export interface DetectionRunOptions extends DecodeOptions {
  batchSize?: number;
  /** Evaluate the first this many images only (0 = all). */
  limit?: number;
  threads?: number;
  inputName?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface DetectionResult extends CocoMapResult {
  images: number;
  detections: number;
  /** Head outputs read, with their strides. */
  heads: { output: string; stride: number; classes: number }[];
  durationMs: number;
  imagesPerSec: number;
}

export interface OutputAgreement {
  output: string;
  /** Fraction of (sample, position) whose arg-max over axis 1 equals the reference's. */
  agreement: number;
  /** 10*log10(sum ref^2 / sum (out - ref)^2); Infinity when identical. */
  sqnrDb: number;
}

interface Opened { session: ort.InferenceSession; input: string; fixedBatch?: number }

async function open(path: string, ds: Dataset, opts: DetectionRunOptions): Promise<Opened> {
  const session = await createSession(path, { threads: opts.threads ?? 0 });
  try {
    const input = pickDatasetInput(sessionInputs(session), opts.inputName);
    return { session, input: input.name, fixedBatch: checkSampleShape(input, ds.sampleShape, ds.name) };
  } catch (err) {
    await session.release();
    throw err;
  }
}

/** Every output of one batch (a fixed-batch model gets zero padding, trimmed again here). */
async function runAll(m: Opened, ds: Dataset, start: number, count: number): Promise<Record<string, ort.Tensor>> {
  const per = sampleSize(ds);
  const n = m.fixedBatch ?? count;
  const data = new Float32Array(n * per);
  data.set(ds.inputs.subarray(start * per, (start + count) * per));
  return m.session.run({ [m.input]: new ort.Tensor('float32', data, [n, ...ds.sampleShape]) });
}

function* spans(total: number, step: number): Generator<[number, number]> {
  for (let s = 0; s < total; s += step) yield [s, Math.min(step, total - s)];
}

/** The outputs shaped [N, 4*regMax + classes, H, W]: the heads, strongest resolution first. */
function findHeads(out: Record<string, ort.Tensor>, inputSize: number, regMax: number): DetectionResult['heads'] {
  const heads = Object.entries(out)
    .filter(([, t]) => t.dims.length === 4 && t.type === 'float32' && Number(t.dims[1]) > 4 * regMax)
    .map(([output, t]) => ({ output, stride: inputSize / Number(t.dims[3]), classes: Number(t.dims[1]) - 4 * regMax }));
  if (heads.length === 0) {
    const shapes = Object.entries(out).map(([k, t]) => `${k} [${t.dims.join(', ')}]`).join(', ');
    throw new WhittleError('evaluate.no-detection-head', `No output looks like a YOLO head of ${4 * regMax} DFL channels plus classes per cell (outputs: ${shapes}).`, 'The "Detection (YOLO)" task reads raw YOLOv8-style heads [N, 64 + classes, H, W]; for other models use the "Outputs against a reference" task.');
  }
  return heads.sort((a, b) => a.stride - b.stride);
}

export async function evaluateDetection(modelPath: string, ds: CocoDataset, opts: DetectionRunOptions = {}): Promise<DetectionResult> {
  const regMax = opts.regMax ?? 16;
  const total = Math.min(ds.size, opts.limit && opts.limit > 0 ? opts.limit : ds.size);
  const { annotations, categories } = ds.detection;
  const images = ds.detection.images.slice(0, total);
  const m = await open(modelPath, ds, opts);
  const detections: DetectionBox[] = [];
  let heads: DetectionResult['heads'] = [];
  const started = performance.now();
  try {
    for (const [start, count] of spans(total, m.fixedBatch ?? opts.batchSize ?? 8)) {
      opts.signal?.throwIfAborted();
      const out = await runAll(m, ds, start, count);
      if (heads.length === 0) heads = findHeads(out, ds.sampleShape[2], regMax);
      for (let i = 0; i < count; i++) {
        const maps: HeadMap[] = heads.map((h) => {
          const t = out[h.output];
          const [, c, hh, ww] = t.dims.map(Number);
          return { data: (t.data as Float32Array).subarray(i * c * hh * ww, (i + 1) * c * hh * ww), channels: c, height: hh, width: ww, stride: h.stride };
        });
        const im = images[start + i];
        for (const d of nonMaxSuppression(decodeHeads(maps, opts), opts)) {
          const category = categories[d.classIndex];
          if (!category) continue;
          // Back through the letterbox, clipped to the original image.
          const [x1, y1, x2, y2] = d.box.map((v, k) => Math.max(0, Math.min(k % 2 ? im.height : im.width, (v - (k % 2 ? im.padY : im.padX)) / im.scale)));
          detections.push({ imageId: im.id, categoryId: category.id, bbox: [x1, y1, x2 - x1, y2 - y1], score: d.score });
        }
      }
      opts.onProgress?.(start + count, total);
    }
  } finally {
    await m.session.release();
  }
  const durationMs = performance.now() - started;
  const scored = cocoMap(annotations, detections, { imageIds: images.map((im) => im.id), categoryIds: categories.map((c) => c.id), maxDets: 100 });
  return { ...scored, images: total, detections: detections.length, heads, durationMs, imagesPerSec: total / (durationMs / 1000) };
}

/** Arg-max agreement over axis 1 and SQNR of every output the model and reference share. */
export async function compareOutputs(modelPath: string, referencePath: string, ds: Dataset, opts: DetectionRunOptions = {}): Promise<OutputAgreement[]> {
  const total = Math.min(ds.size, opts.limit && opts.limit > 0 ? opts.limit : ds.size);
  const a = await open(modelPath, ds, opts);
  let b: Opened | undefined;
  const acc = new Map<string, { agree: number; positions: number; signal: number; noise: number }>();
  try {
    b = await open(referencePath, ds, { ...opts, inputName: undefined });
    if (a.fixedBatch !== undefined && b.fixedBatch !== undefined && a.fixedBatch !== b.fixedBatch) {
      throw new WhittleError('runtime.fixed-batch', `The model fixes its batch size to ${a.fixedBatch} and the reference to ${b.fixedBatch}.`, 'Export both models with a free batch axis.');
    }
    const step = a.fixedBatch ?? b.fixedBatch ?? opts.batchSize ?? 8;
    for (const [start, count] of spans(total, step)) {
      opts.signal?.throwIfAborted();
      const [oa, ob] = [await runAll(a, ds, start, count), await runAll(b, ds, start, count)];
      for (const [name, t] of Object.entries(oa)) {
        const r = ob[name];
        if (!r || t.type !== 'float32' || r.type !== 'float32' || t.dims.join() !== r.dims.join()) continue;
        const s = acc.get(name) ?? { agree: 0, positions: 0, signal: 0, noise: 0 };
        accumulate(s, t.data as Float32Array, r.data as Float32Array, t.dims.map(Number), count);
        acc.set(name, s);
      }
      opts.onProgress?.(start + count, total);
    }
  } finally {
    await a.session.release();
    await b?.session.release();
  }
  if (acc.size === 0) throw new WhittleError('evaluate.no-common-output', 'The model and the reference share no float output of the same name and shape.', 'Connect a reference with the same outputs (usually the uncompressed original).');
  return [...acc].map(([output, s]) => ({
    output, agreement: s.positions ? s.agree / s.positions : 1,
    sqnrDb: s.noise === 0 ? Infinity : 10 * Math.log10(s.signal / s.noise),
  }));
}

function accumulate(s: { agree: number; positions: number; signal: number; noise: number }, out: Float32Array, ref: Float32Array, dims: number[], count: number): void {
  const width = dims.length > 1 ? dims[1] : 1;
  const inner = dims.slice(2).reduce((p, q) => p * q, 1);
  const rows = Math.min(count, dims[0] ?? 1);
  for (let n = 0; n < rows; n++) {
    const base = n * width * inner;
    for (let p = 0; p < inner; p++) {
      let ba = 0;
      let bb = 0;
      for (let c = 0; c < width; c++) {
        const i = base + c * inner + p;
        const d = out[i] - ref[i];
        s.signal += ref[i] * ref[i];
        s.noise += d * d;
        if (out[i] > out[base + ba * inner + p]) ba = c;
        if (ref[i] > ref[base + bb * inner + p]) bb = c;
      }
      if (ba === bb) s.agree++;
      s.positions++;
    }
  }
}
