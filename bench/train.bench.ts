// Training figures: speed side by side with PyTorch (train-speed.ts), the cost of building a
// training graph (train-build.ts), and on the bundled MNIST subset (7,996 train / 2,004 test)
// LeNet-5 from scratch, distillation vs from scratch, and recovery after 90% pruning and k=16
// clustering. BENCH_QUICK=1 runs fewer epochs; BENCH_TRAIN_SPEED_ONLY=1 stops after speed and build.
import os from 'node:os';
import { buildLeNet5, buildMlp } from '../src/main/onnx/builder/index.ts';
import { loadMnist } from '../src/main/data/mnist.ts';
import type { Model } from '../src/main/onnx/model.ts';
import { tensorToArray, tensorToFloat32 } from '../src/main/onnx/tensor.ts';
import { trainModel, type TrainOptions, type TrainResult } from '../src/main/train/trainer.ts';
import { LiveEvaluator } from '../src/main/train/evaluate.ts';
import { pruneMagnitude } from '../src/main/passes/prune/magnitude.ts';
import { clusterWeights, readShare } from '../src/main/passes/share/cluster.ts';
import { countZeros } from '../src/main/train/constraints.ts';
import { sideBySide } from './train-speed.ts';
import { graphBuildCost } from './train-build.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const EPOCHS = QUICK ? 3 : 15;
const DISTILL_EPOCHS = QUICK ? 3 : 12;
const FINETUNE_EPOCHS = QUICK ? 1 : 6;
const PRUNE_FINETUNE_EPOCHS = QUICK ? 1 : 12;
const THREADS = 2;
const train = loadMnist('train');
const test = loadMnist('test');
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

async function accuracy(model: Model): Promise<number> {
  const live = new Map(model.graph.initializer.filter((t) => t.dataType === 1).map((t) => [t.name, { dims: t.dims.map(Number), values: tensorToFloat32(t) }] as const));
  const ev = await LiveEvaluator.create(model, live, THREADS);
  const r = await ev.evaluate(test);
  await ev.release();
  return r.accuracy;
}

function recipe(epochs: number, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    epochs, batchSize: 64, seed: 1, threads: THREADS, optimizer: { kind: 'adam', lr: 1e-3 },
    schedule: { kind: 'cosine' }, augment: { shiftPx: 2 }, ...extra,
  };
}

function throughput(r: TrainResult): string {
  const samplesPerSec = (r.timing.steps * 64) / (r.timing.totalMs / 1000);
  return `${samplesPerSec.toFixed(0).padStart(6)} samples/s, ${pct(1 - r.timing.ortMs / r.timing.totalMs).padStart(6)} of step time outside ORT`;
}

async function fromScratch(): Promise<Model> {
  console.log(`\nLeNet-5 (builder, seed 0) from scratch: ${EPOCHS} epochs, batch 64, Adam 1e-3 cosine, random shift ±2 px`);
  const started = performance.now();
  const r = await trainModel(buildLeNet5({ seed: 0 }), train, recipe(EPOCHS, { testSet: test }));
  for (const e of r.history) console.log(`  epoch ${String(e.epoch).padStart(2)}  loss ${e.trainLoss.toFixed(4)}  train ${pct(e.trainAccuracy)}  test ${pct(e.testAccuracy!)}  ${e.seconds.toFixed(1)} s`);
  console.log(`  test accuracy ${pct(await accuracy(r.model))} (target >= 97%; PyTorch 97.5%), ${((performance.now() - started) / 1000).toFixed(0)} s total, ${throughput(r)}`);
  return r.model;
}

async function distillation(teacher: Model, teacherAcc: number): Promise<void> {
  console.log(`\nDistillation (T=4, alpha=0.9), ${DISTILL_EPOCHS} epochs, seed 1, Adam 1e-3 cosine; teacher: the LeNet-5 above, ${pct(teacherAcc)}`);
  for (const hidden of [[800, 800], [64, 64]]) {
    const student = () => buildMlp({ sizes: [784, ...hidden, 10], seed: 3 });
    const scratch = await trainModel(student(), train, recipe(DISTILL_EPOCHS));
    const kd = await trainModel(student(), train, recipe(DISTILL_EPOCHS, { teacher, loss: { kind: 'distill', temperature: 4, alpha: 0.9 } }));
    console.log(`  student MLP 784-${hidden.join('-')}-10: from scratch ${pct(await accuracy(scratch.model))}, distilled ${pct(await accuracy(kd.model))}`);
  }
}

function maskedZeros(model: Model, names: string[]): { zeros: number; total: number } {
  let zeros = 0;
  let total = 0;
  for (const t of model.graph.initializer.filter((x) => names.includes(x.name))) {
    const v = tensorToFloat32(t);
    zeros += countZeros(v);
    total += v.length;
  }
  return { zeros, total };
}

async function pruneRecovery(base: Model, baseAcc: number): Promise<void> {
  // Global magnitude ranking: one threshold for the model, so small conv layers keep more weights.
  const pruned = pruneMagnitude(base, { sparsity: 0.9, scope: 'global' });
  const names = pruned.layers.map((l) => l.weight);
  const before = maskedZeros(pruned.model, names);
  const prunedAcc = await accuracy(pruned.model);
  console.log(`\nFine-tune after 90% magnitude pruning (global threshold; ${pruned.layers.map((l) => `${l.layer} ${pct(l.sparsity)}`).join(', ')}), ${PRUNE_FINETUNE_EPOCHS} epochs, SGD Nesterov 0.9 lr 0.05 cosine, shift ±2 px`);
  console.log(`  original ${pct(baseAcc)}, pruned ${pct(prunedAcc)}; zeros in pruned tensors before: ${before.zeros}/${before.total} (${pct(before.zeros / before.total)})`);
  // SGD with momentum recovered more than Adam here (Adam 1e-3: about -1.2 points after 12 epochs).
  const r = await trainModel(pruned.model, train, recipe(PRUNE_FINETUNE_EPOCHS, { optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true } }));
  const after = maskedZeros(r.model, names);
  const acc = await accuracy(r.model);
  console.log(`  fine-tuned: ${pct(acc)} (${(100 * (acc - baseAcc)).toFixed(2)} points); zeros after ${after.zeros}/${after.total} (${pct(after.zeros / after.total)}), same positions: ${before.zeros === after.zeros && sameZeros(pruned.model, r.model, names)}`);
}

function sameZeros(a: Model, b: Model, names: string[]): boolean {
  return names.every((n) => {
    const x = tensorToFloat32(a.graph.initializer.find((t) => t.name === n)!);
    const y = tensorToFloat32(b.graph.initializer.find((t) => t.name === n)!);
    return x.every((v, i) => (v === 0) === (y[i] === 0));
  });
}

function distinctPerLayer(model: Model): string {
  const share = readShare(model);
  return (share?.layers ?? []).map((l) => {
    const book = tensorToFloat32(model.graph.initializer.find((t) => t.name === l.codebook)!);
    const idx = tensorToArray(model.graph.initializer.find((t) => t.name === l.indices)!) as Uint8Array;
    const values = new Set<number>();
    for (const i of idx) values.add(book[i]);
    return `${l.layer} ${values.size}`;
  }).join(', ');
}

async function clusterRecovery(base: Model, baseAcc: number): Promise<void> {
  const clustered = clusterWeights(base, { k: 16 });
  const clusteredAcc = await accuracy(clustered.model);
  const r = await trainModel(clustered.model, train, recipe(FINETUNE_EPOCHS, { optimizer: { kind: 'adam', lr: 2e-4 } }));
  const acc = await accuracy(r.model);
  console.log(`\nFine-tune after k=16 clustering (codebooks trained, ${FINETUNE_EPOCHS} epochs, Adam 2e-4 cosine): original ${pct(baseAcc)}, clustered ${pct(clusteredAcc)}, fine-tuned ${pct(acc)} (${(100 * (acc - baseAcc)).toFixed(2)} points)`);
  console.log(`  distinct weight values per layer after fine-tuning: ${distinctPerLayer(r.model)}`);
}

export default async function trainBench(): Promise<void> {
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  console.log(`mode: ${QUICK ? 'QUICK (BENCH_QUICK=1: fewer epochs, figures not comparable to the targets)' : 'FULL'}; ${THREADS} ORT threads; load average ${load} on ${os.cpus().length} cores (throughput scales down with it)`);
  await sideBySide();
  await graphBuildCost();
  if (process.env.BENCH_TRAIN_SPEED_ONLY === '1') return;
  const lenet = await fromScratch();
  const lenetAcc = await accuracy(lenet);
  await pruneRecovery(lenet, lenetAcc);
  await clusterRecovery(lenet, lenetAcc);
  await distillation(lenet, lenetAcc);
}
