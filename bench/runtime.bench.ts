// Runtime figures: the host latency table of the MobileNetV2 fixture (batch 1, threads 1
// and 2), and evaluateModel's MNIST throughput against a bare ONNX Runtime loop.
import { fixtureModel } from '../test/fixtures-path.ts';
import { statSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { loadMnist } from '../src/main/data/mnist.ts';
import type { Dataset } from '../src/main/data/dataset.ts';
import { evaluateModel } from '../src/main/runtime/evaluate.ts';
import { measureLatency } from '../src/main/runtime/latency.ts';
import { createSession } from '../src/main/runtime/session.ts';

const fixture = fixtureModel;
const MIB = 2 ** 20;

async function latencyTable(): Promise<void> {
  const path = fixture('mobilenet_v2-random.onnx');
  const fileBytes = statSync(path).size;
  console.log(`\nHost latency, MobileNetV2 fixture (${(fileBytes / MIB).toFixed(1)} MiB), random input [1, 3, 224, 224], 10 warm-up + 50 timed runs`);
  console.log('batch | threads | load ms | mean ms |  p50 ms |  p90 ms |  p99 ms | img/s  | RSS growth | peak RSS');
  for (const threads of [1, 2]) {
    const r = await measureLatency(path, { batchSize: 1, threads, warmupRuns: 10, runs: 50 });
    const f = (v: number): string => v.toFixed(2).padStart(7);
    console.log(`${String(r.batchSize).padStart(5)} | ${String(threads).padStart(7)} | ${f(r.loadMs)} | ${f(r.meanMs)} | ${f(r.p50Ms)} | ${f(r.p90Ms)} | ${f(r.p99Ms)} | ${r.throughputPerSec.toFixed(1).padStart(6)} | ${(r.rssGrowthBytes / MIB).toFixed(0).padStart(5)} MiB (${(r.rssGrowthBytes / fileBytes).toFixed(1)}x file) | ${(r.memory.peakRssBytes / MIB).toFixed(0)} MiB`);
  }
  console.log('RSS growth: resident set after the timed runs minus before the session was created. Peak RSS: this process\'s high-water mark (getrusage maxrss = VmHWM), everything included.');
}

/** The loop a user would write by hand: contiguous batches as views, one run each, arg-max vs label. */
async function bareLoop(session: ort.InferenceSession, ds: Dataset, batchSize: number): Promise<number> {
  let correct = 0;
  for (let start = 0; start < ds.size; start += batchSize) {
    const count = Math.min(batchSize, ds.size - start);
    const x = new ort.Tensor('float32', ds.inputs.subarray(start * 784, (start + count) * 784), [count, 1, 28, 28]);
    const out = await session.run({ input: x });
    const logits = out.logits.data as Float32Array;
    for (let i = 0; i < count; i++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (logits[i * 10 + c] > logits[i * 10 + best]) best = c;
      if (best === ds.labels![start + i]) correct++;
    }
  }
  return correct / ds.size;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function evaluationThroughput(): Promise<void> {
  const ds = loadMnist('test');
  const batchSize = 64;
  const session = await createSession(fixture('lenet5-mnist-trained.onnx'), { threads: 1 });
  const bareMs: number[] = [];
  const evalMs: number[] = [];
  let bareAcc = 0;
  let evalAcc = 0;
  await bareLoop(session, ds, batchSize); // warm-up
  // Interleave the two, swapping which goes first, so drift in machine load and GC hit both alike; compare medians.
  const timeBare = async () => { const t = performance.now(); bareAcc = await bareLoop(session, ds, batchSize); bareMs.push(performance.now() - t); };
  const timeEval = async () => { const t = performance.now(); evalAcc = (await evaluateModel(session, ds, { batchSize })).top1!; evalMs.push(performance.now() - t); };
  for (let rep = 0; rep < 9; rep++) {
    if (rep % 2 === 0) { await timeBare(); await timeEval(); } else { await timeEval(); await timeBare(); }
  }
  await session.release();
  const bare = ds.size / (median(bareMs) / 1000);
  const ours = ds.size / (median(evalMs) / 1000);
  console.log(`\nEvaluation throughput, LeNet-5 on MNIST test (${ds.size} samples, batch ${batchSize}, 1 thread, median of 9)`);
  console.log('loop                 | samples/s | top-1');
  console.log(`bare ONNX Runtime    | ${bare.toFixed(0).padStart(9)} | ${(bareAcc * 100).toFixed(2)}%`);
  console.log(`evaluateModel        | ${ours.toFixed(0).padStart(9)} | ${(evalAcc * 100).toFixed(2)}%`);
  console.log(`ratio evaluateModel / bare = ${(ours / bare).toFixed(3)} (target >= 0.9)`);
}

export default async function runtimeBench(): Promise<void> {
  await latencyTable();
  await evaluationThroughput();
}
