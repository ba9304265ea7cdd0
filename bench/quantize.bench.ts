// Quantization figures: int8 vs fp32 host latency (batch 1, 2 threads) for MobileNetV2 and
// a builder ResNet; calibration cost (time and peak RSS, each in its own process) against fp32
// inference on the same samples for MobileNetV2 and an EfficientNet-B0-style network;
// LeNet-5 accuracy and file size for fp32 / int8 / fp16; the CPU and whether it has VNNI.
// Filters (environment), so one section runs alone in a few minutes:
//   BENCH_QUANTIZE_ONLY=latency,calibration,sampling,split,histogram-in-ort,lenet   sections to run (default: all)
//   BENCH_QUANTIZE_MODEL=mobilenetv2|efficientnet   calibration (and split) rows of one model
//   BENCH_QUANTIZE_METHOD=minmax|percentile|entropy|mse|percentile-all|entropy-all   calibration rows of one method (-all: every value binned)
//   BENCH_QUANTIZE_ROUNDS=N                                            calibration rounds (default 2)
// e.g. BENCH_QUANTIZE_ONLY=calibration BENCH_QUANTIZE_MODEL=efficientnet npm run bench quantize
import { readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR, fixtureModel, type FixtureName } from '../test/fixtures-path.ts';
import { loadMnist } from '../src/main/data/mnist.ts';
import { seededRandom, subset, type Dataset } from '../src/main/data/dataset.ts';
import { decodeModel, encodeModel, type Model } from '../src/main/onnx/model.ts';
import { buildResNet } from '../src/main/onnx/builder/index.ts';
import { createSession, ort } from '../src/main/runtime/session.ts';
import { evaluateModel } from '../src/main/runtime/evaluate.ts';
import { measureLatency } from '../src/main/runtime/latency.ts';
import { quantizeStatic } from '../src/main/passes/quantize/static.ts';
import { convertFp16 } from '../src/main/passes/quantize/fp16.ts';
import { detectHostCpu } from '../src/main/passes/quantize/presets.ts';
import { benchModel, benchSamples, type ChildResult, type ChildTask } from './quantize-calibration-child.ts';
import { checkOutputs } from '../src/main/passes/quantize/sqnr.ts';
import type { CalibrationMethod } from '../src/main/passes/quantize/calibrate.ts';
import { histogramInOrtRows } from './histogram-in-ort.ts';
import { calibrationSplitRows } from './quantize-calibration-split.ts';

const FIXTURES = FIXTURES_DIR;

function synthetic(count: number, shape: number[]): Dataset {
  const per = shape.reduce((a, b) => a * b, 1);
  const rand = seededRandom(11);
  const inputs = new Float32Array(count * per);
  for (let i = 0; i < inputs.length; i++) inputs[i] = rand() * 2 - 1;
  return { name: 'synthetic', size: count, sampleShape: shape, inputs };
}

async function forwardPassesMs(model: Model, ds: Dataset): Promise<number> {
  const s = await createSession(encodeModel(model), { threads: 2 });
  const per = ds.sampleShape.reduce((a, b) => a * b, 1);
  const start = performance.now();
  for (let i = 0; i < ds.size; i++) {
    await s.run({ input: new ort.Tensor('float32', ds.inputs.subarray(i * per, (i + 1) * per), [1, ...ds.sampleShape]) });
  }
  const ms = performance.now() - start;
  await s.release();
  return ms;
}

/** The machine is shared: alternate fp32 and int8 in rounds and keep each one's best round. */
async function interleavedLatencyMs(a: Uint8Array, b: Uint8Array, rounds = 3): Promise<[number, number]> {
  const opts = { batchSize: 1, threads: 2, warmupRuns: 5, runs: 25 };
  let bestA = Infinity;
  let bestB = Infinity;
  for (let r = 0; r < rounds; r++) {
    bestA = Math.min(bestA, (await measureLatency(a, opts)).p50Ms);
    bestB = Math.min(bestB, (await measureLatency(b, opts)).p50Ms);
  }
  return [bestA, bestB];
}

async function latencyRow(name: string, fp32: Model, shape: number[]): Promise<void> {
  const cal = synthetic(256, shape);
  const before = await forwardPassesMs(fp32, cal);
  const { model, report } = await quantizeStatic(fp32, cal, { sqnrSamples: 0 });
  const after = await forwardPassesMs(fp32, cal);
  const passesMs = Math.min(before, after);
  const [f, q] = await interleavedLatencyMs(encodeModel(fp32), encodeModel(model));
  console.log(`| ${name} | ${f.toFixed(2)} | ${q.toFixed(2)} | ${(f / q).toFixed(2)}x | ${report.fusion!.fused}/${report.fusion!.groups} | ${report.calibration!.durationMs.toFixed(0)} | ${passesMs.toFixed(0)} |`);
}

/** One task in a fresh `tsx` process: its peak RSS is its own. */
function inChild(task: ChildTask): ChildResult {
  const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, [join(import.meta.dirname, 'quantize-calibration-child.ts'), JSON.stringify(task)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`child ${JSON.stringify(task)} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as ChildResult;
}

const CALIBRATION_MODELS: [ChildTask['model'], string, number][] = [['mobilenetv2', 'MobileNetV2 (fixture)', 256], ['efficientnet', 'EfficientNet-B0-style (builder)', 64]];
/**
 * Rows at the calibration node's default sample count (256) as well, with its default histograms:
 * calibration's fixed cost (probing the model, building and loading the calibration graph) is a larger share at 64.
 */
const DEFAULT_SAMPLE_ROWS: [ChildTask['model'], string, number][] = [['efficientnet', 'EfficientNet-B0-style (builder)', 256]];

/**
 * Calibration (calibrateModel: normalize, plan, calibrate, ranges) against plain fp32 inference
 * (session + forward passes) over the same samples at the batch size calibration used, in
 * alternating child processes; times are the best of the rounds, peaks the largest.
 */
async function calibrationCost(rounds = Number(process.env.BENCH_QUANTIZE_ROUNDS ?? 2)): Promise<void> {
  const [load1] = loadavg();
  console.log(`\nCalibration vs fp32 inference, same samples (uniform [-1, 1) images), same batch size; each run in its own process, alternating, ${rounds} rounds (load average ${load1.toFixed(1)} on this machine)`);
  console.log('| model | method | samples | batch | calibration ms | inference ms | time ratio | loop-only ratio | CPU-time ratio | calibration peak RSS MB | inference peak RSS MB | RSS ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const defaults = ['minmax', 'percentile', 'entropy', 'mse'] as const;
  const rows = [...CALIBRATION_MODELS.map((r) => [...r, [...defaults, 'percentile-all', 'entropy-all']] as const), ...DEFAULT_SAMPLE_ROWS.map((r) => [...r, defaults] as const)];
  for (const [model, label, samples, methods] of rows.filter(([m]) => wanted('BENCH_QUANTIZE_MODEL', m))) {
    for (const row of methods.filter((m) => wanted('BENCH_QUANTIZE_METHOD', m))) {
      // Histogram methods sample (about 8,192 values of each activation per sample, the default); "<method>-all" bins every value.
      const [method, every] = row.split('-') as [CalibrationMethod, string | undefined];
      const cal: ChildResult[] = [];
      const fwd: ChildResult[] = [];
      for (let r = 0; r < rounds; r++) {
        cal.push(inChild({ model, samples, task: 'calibrate', method, histogramValues: every ? 'all' : 'sampled' }));
        fwd.push(inChild({ model, samples, task: 'forward', batchSize: cal[0].batchSize }));
      }
      const best = (list: ChildResult[], key: 'totalMs' | 'loopMs' | 'cpuMs'): number => Math.min(...list.map((x) => x[key]));
      const peak = (list: ChildResult[]): number => Math.max(...list.map((x) => x.maxRssMb));
      const ratio = (key: 'totalMs' | 'loopMs' | 'cpuMs'): string => `${(best(cal, key) / best(fwd, key)).toFixed(2)}x`;
      const histogram = method === 'minmax' ? '' : every ? ' (every value)' : ' (sampled, default)';
      console.log(`| ${label} | ${method}${histogram} | ${samples} | ${cal[0].batchSize} | ${best(cal, 'totalMs').toFixed(0)} | ${best(fwd, 'totalMs').toFixed(0)} | ${ratio('totalMs')} | ${ratio('loopMs')} | ${ratio('cpuMs')} | ${peak(cal).toFixed(0)} | ${peak(fwd).toFixed(0)} | ${(peak(cal) / peak(fwd)).toFixed(2)}x |`);
    }
  }
}

/** The bench's two calibration models, and the test fixtures it was not built around (random-weight exports; the ViT trained, on MNIST). */
function fidelityModels(): { label: string; model: Model; samples: (count: number) => Dataset }[] {
  const fixture = (name: FixtureName): Model => decodeModel(readFileSync(fixtureModel(name)));
  const images = (shape: number[]) => (count: number): Dataset => synthetic(count, shape);
  const mnist = loadMnist('test');
  return [
    ...CALIBRATION_MODELS.map(([m, label]) => ({ label, model: benchModel(m), samples: benchSamples })),
    { label: 'MobileNetV3-small (fixture)', model: fixture('mobilenet_v3_small-random.onnx'), samples: images([3, 224, 224]) },
    { label: 'ShuffleNetV2 (fixture)', model: fixture('shufflenet_v2_x1_0-random.onnx'), samples: images([3, 224, 224]) },
    { label: 'YOLO-tiny (fixture)', model: fixture('yolo-tiny-random.onnx'), samples: images([3, 320, 320]) },
    { label: 'ViT-tiny, MNIST test images (fixture)', model: fixture('vit-tiny-mnist-trained.onnx'), samples: (count) => subset(mnist, Array.from({ length: count }, (_, i) => i * 37)) },
  ];
}

/**
 * What sampled histograms cost in fidelity: int8 output SQNR against fp32 on 32 held-out samples,
 * calibrated on 64 samples with every value binned and with a sample of each activation, and
 * with every value on 64 other samples: how much the thresholds move with the data alone.
 */
async function samplingFidelityRows(): Promise<void> {
  console.log('\nSampled histograms (histogramValues \'sampled\') vs every value: int8 output SQNR vs fp32 on 32 held-out samples (uniform [-1, 1) images; MNIST for the ViT), 64 calibration samples');
  console.log('| model | method | every value, dB | sampled, dB | sampled - every value | every value on 64 other samples, dB | calibration ms every value / sampled |');
  console.log('|---|---|---|---|---|---|---|');
  for (const { label, model: fp32, samples } of fidelityModels()) {
    const all = samples(2 * 64 + 32);
    const [a, b, held] = [0, 64, 128].map((from, i) => subset(all, Array.from({ length: i === 2 ? 32 : 64 }, (_, k) => from + k)));
    for (const method of (['percentile', 'entropy', 'mse'] as const).filter((m) => wanted('BENCH_QUANTIZE_METHOD', m))) {
      const sqnr = async (ds: Dataset, histogramValues: 'all' | 'sampled'): Promise<[number, number]> => {
        const { model: q, report } = await quantizeStatic(fp32, ds, { method, calibrationSamples: 64, histogramValues, verify: false, sqnrSamples: 0 });
        return [(await checkOutputs(fp32, q, fp32.graph.input[0].name, held, 32)).int8VsFloatDb, report.calibration!.durationMs];
      };
      const [every, everyMs] = await sqnr(a, 'all');
      const [sampled, sampledMs] = await sqnr(a, 'sampled');
      const [other] = await sqnr(b, 'all');
      console.log(`| ${label} | ${method} | ${every.toFixed(2)} | ${sampled.toFixed(2)} | ${(sampled - every).toFixed(2)} | ${other.toFixed(2)} | ${everyMs.toFixed(0)} / ${sampledMs.toFixed(0)} |`);
    }
  }
}

/** Whether `value` passes the comma-separated filter in environment variable `name` (unset: everything). */
function wanted(name: string, value: string): boolean {
  const list = process.env[name];
  return !list || list.split(',').map((s) => s.trim()).includes(value);
}

export default async function run(): Promise<void> {
  const cpu = detectHostCpu();
  console.log(`CPU: ${cpu.model} (${cpu.arch}); VNNI: ${cpu.vnni ? 'yes' : 'no'}; AVX2: ${cpu.avx2 ? 'yes' : 'no'}; preset used: ${cpu.target}`);
  if (wanted('BENCH_QUANTIZE_ONLY', 'latency')) await latencyRows();
  if (wanted('BENCH_QUANTIZE_ONLY', 'calibration')) await calibrationCost();
  if (wanted('BENCH_QUANTIZE_ONLY', 'sampling')) await samplingFidelityRows();
  if (wanted('BENCH_QUANTIZE_ONLY', 'split')) await calibrationSplitRows(CALIBRATION_MODELS.filter(([m]) => wanted('BENCH_QUANTIZE_MODEL', m)));
  if (wanted('BENCH_QUANTIZE_ONLY', 'histogram-in-ort')) await histogramInOrtRows();
  if (wanted('BENCH_QUANTIZE_ONLY', 'lenet')) await lenetRows();
}

async function latencyRows(): Promise<void> {
  console.log('\nint8 (static QDQ, host preset, MinMax) vs fp32, batch 1, 2 threads, best p50 of 3 alternating rounds; calibration on 256 samples vs 256 fp32 forward passes (batch 1, 2 threads, best of before/after)');
  console.log('| model | fp32 p50 ms | int8 p50 ms | speed-up | fused groups | calibration ms | 256 forward passes ms |');
  console.log('|---|---|---|---|---|---|---|');
  await latencyRow('MobileNetV2 (fixture)', decodeModel(readFileSync(`${FIXTURES}/mobilenet_v2-random.onnx`)), [3, 224, 224]);
  await latencyRow('ResNet-18 (builder)', buildResNet({ depth: 18 }), [3, 224, 224]);
}

async function lenetRows(): Promise<void> {
  const lenetPath = `${FIXTURES}/lenet5-mnist-trained.onnx`;
  const lenet = decodeModel(readFileSync(lenetPath));
  const train = loadMnist('train');
  const cal = subset(train, Array.from({ length: 256 }, (_, i) => i * Math.floor(train.size / 256)));
  const test = loadMnist('test');
  const fp32Bytes = statSync(lenetPath).size;
  console.log('\nLeNet-5 on the MNIST test split (2004 samples)');
  console.log('| variant | top-1 % | file bytes | vs fp32 |');
  console.log('|---|---|---|---|');
  const row = async (name: string, bytes: Uint8Array | string): Promise<void> => {
    const r = await evaluateModel(bytes, test);
    const size = typeof bytes === 'string' ? fp32Bytes : bytes.length;
    console.log(`| ${name} | ${(r.top1! * 100).toFixed(2)} | ${size} | ${(size / fp32Bytes).toFixed(3)}x |`);
  };
  await row('fp32', lenetPath);
  for (const method of ['minmax', 'percentile', 'entropy', 'mse'] as const) {
    const q = await quantizeStatic(lenet, cal, { method, sqnrSamples: 0, verify: false });
    await row(`int8 per-channel, ${method}`, encodeModel(q.model));
  }
  await row('fp16', encodeModel((await convertFp16(lenet)).model));
}
