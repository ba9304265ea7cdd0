// Structured pruning of whole networks: the MobileNetV2 fixture (PyTorch export, shared
// biases through Identity, Clip, residual Adds) and a builder ResNet-18 at 50% channels per group.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { buildResNet } from '../../src/main/onnx/builder/index.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { pruneChannels } from '../../src/main/passes/prune/structured.ts';
import { sizeReport } from '../../src/main/passes/prune/size-report.ts';
import { MOBILENET_FIXTURE } from '../fixtures-path.ts';

async function run(model: Model, size: number): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await createSession(encodeModel(model), { threads: 2 });
  const x = Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i * 0.01));
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [1, 3, size, size]) });
  await session.release();
  const t = out[session.outputNames[0]];
  return { data: t.data as Float32Array, dims: t.dims.map(Number) };
}

async function check(name: string, model: Model, size: number): Promise<void> {
  const r = pruneChannels(model, { ratio: 0.5, scope: 'uniform' });
  const pruned = r.groups.filter((g) => !g.blocked);
  expect(pruned.length).toBeGreaterThan(5);
  for (const g of pruned) expect(g.kept).toBe(g.channels - Math.round(g.channels / 2));
  // Only the classifier (whose outputs are the model's outputs) stays whole.
  expect(r.groups.filter((g) => g.blocked).map((g) => g.blocked)).toEqual(["reaches the graph output 'logits'"]);
  const [before, after] = [await sizeReport(model), await sizeReport(r.model)];
  const ratio = after.macs / before.macs;
  console.log(`${name}: MACs ${(before.macs / 1e6).toFixed(1)}M -> ${(after.macs / 1e6).toFixed(1)}M (${ratio.toFixed(3)}x), params ${before.params} -> ${after.params}`);
  expect(ratio).toBeLessThanOrEqual(0.55);
  const [a, b] = [await run(model, size), await run(r.model, size)];
  expect(b.dims).toEqual(a.dims);
  expect(b.data.every(Number.isFinite)).toBe(true);
}

describe('structured pruning of whole networks', () => {
  it('MobileNetV2 fixture: 50% channels per group, MACs at most 0.55x, same output shape', async () => {
    const model = decodeModel(readFileSync(MOBILENET_FIXTURE));
    await check('MobileNetV2', model, 224);
    // Keeping every channel reproduces the original outputs exactly.
    const kept = pruneChannels(model, { ratio: 0 }).model;
    expect(Array.from((await run(kept, 224)).data)).toEqual(Array.from((await run(model, 224)).data));
  }, 180_000);

  it('builder ResNet-18: residual stages prune as one group each', async () => {
    const model = buildResNet({ depth: 18, inputSize: 64 });
    await check('ResNet-18 (64x64)', model, 64);
    const groups = pruneChannels(model, { ratio: 0.5 }).groups;
    // Each stage's residual chain (stem/stage convs + downsample) is one group.
    expect(groups.filter((g) => g.layers.length > 2).length).toBe(4);
  }, 180_000); // ~30 s alone; the shared 2-core machine under other suites' load doubles it

  it('global ranking with rounding to multiples of 8', async () => {
    const model = buildResNet({ depth: 'small', inputSize: 32 });
    const r = pruneChannels(model, { ratio: 0.5, scope: 'global', roundTo8: true, importance: 'bn' });
    for (const g of r.groups.filter((x) => !x.blocked)) expect(g.kept % 8 === 0 || g.kept === g.channels).toBe(true);
    expect((await run(r.model, 32)).dims).toEqual([1, 10]);
  });
});
