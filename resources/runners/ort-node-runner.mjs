// Board-side runner for node + onnxruntime-node, uploaded next to the model by Whittle.
// Usage: node ort-node-runner.mjs <ort-path> <model.onnx> <warmup-runs> <runs> [threads]
// Feeds random inputs (symbolic dims = 1), times each run, prints one JSON line on stdout
// and "WHITTLE_PROGRESS i n" lines on stderr.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const [ortPath = '', modelPath, warmupArg = '10', runsArg = '100', threadsArg = '0'] = process.argv.slice(2);

function locateOrt(p) {
  const roots = p ? [p, join(p, 'onnxruntime-node'), join(p, 'node_modules', 'onnxruntime-node')]
    : ['/usr/lib/node_modules/onnxruntime-node', '/usr/local/lib/node_modules/onnxruntime-node'];
  for (const root of roots) {
    try {
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      if (pkg.name === 'onnxruntime-node') return { root, version: pkg.version };
    } catch { /* try the next place */ }
  }
  throw new Error(`onnxruntime-node not found under "${p}"`);
}

const TYPED = { float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int32: Int32Array, int64: BigInt64Array };

function randomInput(ort, meta) {
  const dims = (meta.shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  const size = dims.reduce((a, b) => a * b, 1);
  const Ctor = TYPED[meta.type] ?? Float32Array;
  const data = new Ctor(size);
  for (let i = 0; i < size; i++) data[i] = Ctor === BigInt64Array ? 0n : Ctor === Float32Array || Ctor === Float64Array ? Math.random() : 0;
  return new ort.Tensor(meta.type ?? 'float32', data, dims);
}

async function main() {
  const { root, version } = locateOrt(ortPath);
  const ort = require(root);
  const threads = Number(threadsArg);
  const session = await ort.InferenceSession.create(modelPath, threads > 0 ? { intraOpNumThreads: threads } : {});
  if (!session.inputMetadata) throw new Error(`onnxruntime-node ${version} has no input metadata; use 1.21 or newer`);
  const feeds = {};
  for (const meta of session.inputMetadata) feeds[meta.name] = randomInput(ort, meta);
  const warmup = Number(warmupArg);
  const runs = Number(runsArg);
  for (let i = 0; i < warmup; i++) await session.run(feeds);
  const latenciesMs = [];
  const step = Math.max(1, Math.floor(runs / 100));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    latenciesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    if ((i + 1) % step === 0) process.stderr.write(`WHITTLE_PROGRESS ${i + 1} ${runs}\n`);
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({
    runner: 'node-ort', version, latenciesMs, wallMs, peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`WHITTLE_ERROR ${err?.message ?? err}\n`);
  process.exit(3);
});
