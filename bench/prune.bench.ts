// Prune/share figures in one run: LeNet-5 one-shot accuracy and size (unstructured, 2:4,
// k-means sharing), and structured pruning of MobileNetV2 and ResNet-18 — MACs and ONNX
// Runtime host latency before/after (batch 1, 2 threads).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { decodeModel, encodeModel, type Model } from '../src/main/onnx/model.ts';
import { buildResNet } from '../src/main/onnx/builder/index.ts';
import { buildVit } from '../src/main/onnx/builder/vit.ts';
import { loadMnist } from '../src/main/data/mnist.ts';
import { measureLatency } from '../src/main/runtime/latency.ts';
import { pruneMagnitude } from '../src/main/passes/prune/magnitude.ts';
import { prune24 } from '../src/main/passes/prune/semistructured.ts';
import { pruneChannels } from '../src/main/passes/prune/structured.ts';
import { scoreModel } from '../src/main/passes/prune/score.ts';
import { sizeReport } from '../src/main/passes/prune/size-report.ts';
import { clusterWeights } from '../src/main/passes/share/cluster.ts';
import { FIXTURES_DIR, fixtureModel } from '../test/fixtures-path.ts';

const FIXTURES = FIXTURES_DIR;
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
const kb = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;

async function lenetTable(): Promise<void> {
  const lenet = decodeModel(readFileSync(`${FIXTURES}/lenet5-mnist-trained.onnx`));
  const test = loadMnist('test');
  const raw0 = encodeModel(lenet);
  const gz0 = gzipSync(raw0).length;
  const base = (await scoreModel(lenet, test)).accuracy!;
  const rows: [string, Model][] = [
    ['original fp32', lenet],
    ['50% unstructured (global)', pruneMagnitude(lenet, { sparsity: 0.5, scope: 'global' }).model],
    ['50% unstructured (per layer)', pruneMagnitude(lenet, { sparsity: 0.5, scope: 'layer' }).model],
    ['2:4 on every eligible layer', prune24(lenet).model],
    ['k=16 clustering, every layer', clusterWeights(lenet, { k: 16 }).model],
    ['k=16 per channel', clusterWeights(lenet, { k: 16, perChannel: true }).model],
    ['50% global + k=16', clusterWeights(pruneMagnitude(lenet, { sparsity: 0.5, scope: 'global' }).model, { k: 16 }).model],
  ];
  console.log('\nLeNet-5, MNIST test split (2004), one-shot');
  console.log('| variant | top-1 | delta | file | gzip | gzip ratio |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, m] of rows) {
    const acc = (await scoreModel(m, test)).accuracy!;
    const raw = encodeModel(m);
    const gz = gzipSync(raw).length;
    console.log(`| ${name} | ${pct(acc)} | ${((acc - base) * 100).toFixed(2)} | ${kb(raw.length)} | ${kb(gz)} | ${(gz / gz0).toFixed(3)} |`);
  }
  for (const layer of prune24(lenet).layers) {
    const alone = prune24(lenet, { skip: ['/c1/Conv', '/c2/Conv', '/f1/Gemm', '/f2/Gemm', '/f3/Gemm'].filter((l) => l !== layer.layer) });
    console.log(`| 2:4 on ${layer.layer} alone | ${pct((await scoreModel(alone.model, test)).accuracy!)} | | | | |`);
  }
}

async function structuredRow(name: string, model: Model): Promise<void> {
  const result = pruneChannels(model, { ratio: 0.5, scope: 'uniform' });
  const pruned = result.model;
  const blocked = result.groups.filter((g) => g.blocked).length;
  const [before, after] = [await sizeReport(model), await sizeReport(pruned)];
  const opts = { batchSize: 1, threads: 2, warmupRuns: 5, runs: 40 };
  const latBefore = await measureLatency(encodeModel(model), opts);
  const latAfter = await measureLatency(encodeModel(pruned), opts);
  console.log(`| ${name} | ${(before.macs / 1e6).toFixed(0)}M -> ${(after.macs / 1e6).toFixed(0)}M (${(after.macs / before.macs).toFixed(3)}x) | ${(before.params / 1e6).toFixed(2)}M -> ${(after.params / 1e6).toFixed(2)}M | ${latBefore.p50Ms.toFixed(2)} -> ${latAfter.p50Ms.toFixed(2)} ms | ${(latAfter.p50Ms / latBefore.p50Ms).toFixed(3)}x | ${(latAfter.meanMs / latBefore.meanMs).toFixed(3)}x | ${blocked} of ${result.groups.length} |`);
}

export default async function bench(): Promise<void> {
  await lenetTable();
  console.log('\nStructured pruning, 50% channels per prunable group; ORT host latency, batch 1, 2 threads, 40 runs');
  console.log('| model | MACs | params | p50 latency | p50 ratio | mean ratio | groups blocked |');
  console.log('|---|---|---|---|---|---|---|');
  await structuredRow('MobileNetV2 (fixture, 224)', decodeModel(readFileSync(`${FIXTURES}/mobilenet_v2-random.onnx`)));
  await structuredRow('ResNet-18 (builder, 224)', buildResNet({ depth: 18 }));
  // Issue 14: channel shuffle, a YOLO-style detector (outputs keep their channels), SE blocks, a ViT.
  for (const [name, file] of [['ShuffleNetV2 x1.0 (fixture, 224)', 'shufflenet_v2_x1_0-random.onnx'], ['YOLO-tiny (fixture, 320)', 'yolo-tiny-random.onnx'],
    ['MobileNetV3-small (fixture, 224)', 'mobilenet_v3_small-random.onnx'], ['ViT-tiny MNIST (fixture, 28)', 'vit-tiny-mnist-trained.onnx']] as const) {
    await structuredRow(name, decodeModel(readFileSync(fixtureModel(file))));
  }
  await structuredRow('ViT (builder: dim 64, 4 heads, depth 4; heads prune)', buildVit({ dim: 64, heads: 4, depth: 4 }));
}
