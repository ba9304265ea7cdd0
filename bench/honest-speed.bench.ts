// Issue 12 figures: structured pruning of a depthwise-heavy (MobileNetV2-style) network with
// the exact ratio vs the default channel rounding (multiples of 8, at least 8); int8 / fp16
// against fp32 on LeNet-5 and fp16 on MobileNetV2 — each timed against its input the way the
// nodes' speed guard does it (interleaved runs, 1 thread, p50); and benchmark peak memory in a
// fresh process next to the engine's own high-water mark.
import { readFileSync } from 'node:fs';
import { buildMobileNetV2Style, buildResNet } from '../src/main/onnx/builder/index.ts';
import { decodeModel, encodeModel, type Model } from '../src/main/onnx/model.ts';
import { pruneChannels } from '../src/main/passes/prune/structured.ts';
import { sizeReport } from '../src/main/passes/prune/size-report.ts';
import { compareLatency, measureModelMemory } from '../src/main/runtime/latency.ts';
import { quantizeStatic } from '../src/main/passes/quantize/static.ts';
import { quantizeDynamic } from '../src/main/passes/quantize/dynamic.ts';
import { convertFp16 } from '../src/main/passes/quantize/fp16.ts';
import { loadMnist } from '../src/main/data/mnist.ts';
import { subset } from '../src/main/data/dataset.ts';
import { LENET_FIXTURE, MOBILENET_FIXTURE } from '../test/fixtures-path.ts';

async function pruneRow(name: string, model: Model, ratio: number): Promise<void> {
  const macs0 = (await sizeReport(model)).macs;
  const input = encodeModel(model);
  for (const [label, opts] of [['exact ratio (multiple 1, min 1)', { channelMultiple: 1, minChannels: 1 }], ['defaults (multiple 8, min 8)', { channelMultiple: 8, minChannels: 8 }]] as const) {
    const r = pruneChannels(model, { ratio, scope: 'global', ...opts });
    const macs = (await sizeReport(r.model)).macs;
    const odd = r.groups.filter((g) => g.kept < g.channels && (g.kept % 8 !== 0 || g.kept < 8)).length;
    const c = await compareLatency(input, encodeModel(r.model), { threads: 1, budgetMs: 4000, maxRuns: 400 });
    console.log(`| ${name} | ${Math.round(ratio * 100)}% | ${label} | ${(macs / macs0).toFixed(2)}x | ${odd} | ${c.referenceP50Ms.toFixed(2)} -> ${c.candidateP50Ms.toFixed(2)} ms | **${c.ratio.toFixed(2)}x** |`);
  }
}

async function quantizeRows(): Promise<void> {
  const lenet = decodeModel(readFileSync(LENET_FIXTURE));
  const train = loadMnist('train');
  const cal = subset(train, Array.from({ length: 256 }, (_, i) => i * 31));
  const input = encodeModel(lenet);
  const variants: [string, Model][] = [
    ['static int8 (host preset)', (await quantizeStatic(lenet, cal, { sqnrSamples: 0, verify: false })).model],
    ['dynamic int8', (await quantizeDynamic(lenet, {}, {})).model],
    ['fp16', (await convertFp16(lenet)).model],
  ];
  console.log('\nLeNet-5 (bundled example model), batch 1, 1 thread, interleaved with fp32');
  console.log('| variant | fp32 p50 -> variant p50 | ratio |');
  console.log('|---|---|---|');
  for (const [name, m] of variants) {
    const c = await compareLatency(input, encodeModel(m), { threads: 1, budgetMs: 3000, maxRuns: 2000 });
    console.log(`| ${name} | ${c.referenceP50Ms.toFixed(3)} -> ${c.candidateP50Ms.toFixed(3)} ms | **${c.ratio.toFixed(2)}x** |`);
  }
}

async function fp16Row(): Promise<void> {
  const m = decodeModel(readFileSync(MOBILENET_FIXTURE));
  const c = await compareLatency(encodeModel(m), encodeModel((await convertFp16(m)).model), { threads: 1, budgetMs: 4000, maxRuns: 200 });
  console.log(`| fp16, MobileNetV2 fixture (224) | ${c.referenceP50Ms.toFixed(2)} -> ${c.candidateP50Ms.toFixed(2)} ms | **${c.ratio.toFixed(2)}x** |`);
}

async function memoryRows(): Promise<void> {
  const big = Buffer.alloc(1024 * 1024 * 1024, 1);
  const engineMb = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  console.log(`\nBenchmark peak memory after a 1 GiB allocation in this process (engine high-water mark ${engineMb} MB; ${big[0]})`);
  console.log('| model | fresh-process peak RSS | runtime alone | model peak |');
  console.log('|---|---|---|---|');
  for (const [name, path] of [['LeNet-5', LENET_FIXTURE], ['MobileNetV2 fixture', MOBILENET_FIXTURE]] as const) {
    const r = await measureModelMemory(path, { runs: 10 });
    const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
    console.log(`| ${name} | ${mb(r.peakRssBytes)} | ${mb(r.runtimeRssBytes)} | ${mb(r.modelPeakBytes)} |`);
  }
}

export default async function bench(): Promise<void> {
  console.log('\nStructured pruning, global ranking; latency ratio = pruned p50 / input p50 (1 thread, interleaved)');
  console.log('| model | ratio | channel rounding | MACs | groups off x8 or < 8 | p50 | latency ratio |');
  console.log('|---|---|---|---|---|---|---|');
  await pruneRow('MobileNetV2-style (builder, width 1, 224)', buildMobileNetV2Style({ seed: 1 }), 0.5);
  await pruneRow('ResNet-18 (builder, 224)', buildResNet({ depth: 18 }), 0.5);
  await quantizeRows();
  await fp16Row();
  await memoryRows();
}
