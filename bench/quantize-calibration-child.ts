// One measured task in its own process, so its peak RSS is its own: plain fp32 inference over
// the calibration samples, or static-int8 calibration of the same model on the same samples.
// Run by bench/quantize.bench.ts; prints one JSON line. For an A/B by hand, e.g.:
//   npx tsx bench/quantize-calibration-child.ts '{"model":"efficientnet","samples":64,"task":"calibrate","method":"entropy"}'
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { MOBILENET_FIXTURE } from '../test/fixtures-path.ts';
import { seededRandom, type Dataset } from '../src/main/data/dataset.ts';
import { decodeModel, encodeModel, type Model } from '../src/main/onnx/model.ts';
import { createSession, ort } from '../src/main/runtime/session.ts';
import { calibrateModel } from '../src/main/passes/quantize/static.ts';
import type { CalibrationMethod } from '../src/main/passes/quantize/calibrate.ts';
import { buildEfficientNetB0Style } from './train-models.ts';

export interface ChildTask {
  model: 'mobilenetv2' | 'efficientnet';
  samples: number;
  task: 'forward' | 'calibrate';
  method?: CalibrationMethod;
  /** Samples per run: forward's, or calibration's in place of its own choice. */
  batchSize?: number;
  /** Histogram methods: bin every value (default) or a sample of each activation. */
  histogramValues?: 'all' | 'sampled';
}

export interface ChildResult {
  maxRssMb: number;
  /** Everything the task does, session creation included. */
  totalMs: number;
  /** The runs over the samples only. */
  loopMs: number;
  /** CPU time of the whole task (all threads): steadier than wall time on a shared machine. */
  cpuMs: number;
  batchSize: number;
}

export function benchModel(name: ChildTask['model']): Model {
  return name === 'mobilenetv2' ? decodeModel(readFileSync(MOBILENET_FIXTURE)) : buildEfficientNetB0Style();
}

/** Uniform [-1, 1) images, seeded: every child sees the same samples. */
export function benchSamples(count: number): Dataset {
  const shape = [3, 224, 224];
  const per = shape.reduce((a, b) => a * b, 1);
  const rand = seededRandom(11);
  const inputs = new Float32Array(count * per);
  for (let i = 0; i < inputs.length; i++) inputs[i] = rand() * 2 - 1;
  return { name: 'synthetic', size: count, sampleShape: shape, inputs };
}

async function forward(model: Model, ds: Dataset, batchSize: number): Promise<Omit<ChildResult, 'maxRssMb' | 'cpuMs'>> {
  const started = performance.now();
  const session = await createSession(encodeModel(model), { optimization: 'all' });
  const per = ds.inputs.length / ds.size;
  const loopStarted = performance.now();
  for (let start = 0; start < ds.size; start += batchSize) {
    const count = Math.min(batchSize, ds.size - start);
    const data = ds.inputs.slice(start * per, (start + count) * per);
    await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, [count, ...ds.sampleShape]) });
  }
  const loopMs = performance.now() - loopStarted;
  await session.release();
  return { totalMs: performance.now() - started, loopMs, batchSize };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2]) as ChildTask;
  const model = benchModel(task.model);
  const ds = benchSamples(task.samples);
  let result: Omit<ChildResult, 'maxRssMb' | 'cpuMs'>;
  const cpu = process.cpuUsage();
  if (task.task === 'forward') {
    result = await forward(model, ds, task.batchSize ?? 1);
  } else {
    const started = performance.now();
    const cal = await calibrateModel(model, ds, { method: task.method, calibrationSamples: task.samples, batchSize: task.batchSize, histogramValues: task.histogramValues }, {}, {});
    result = { totalMs: performance.now() - started, loopMs: cal.collect.durationMs, batchSize: cal.collect.batchSize };
  }
  const used = process.cpuUsage(cpu);
  const out: ChildResult = { ...result, cpuMs: (used.user + used.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  console.log(JSON.stringify(out));
}

// Imported for its helpers (bench/quantize.bench.ts) it does nothing; run as a script it measures.
if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
