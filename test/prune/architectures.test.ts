// Structured pruning through the architectures users bring (issue 14): ShuffleNetV2 (channel
// shuffle behind Shape/Gather/Concat, Slice halves), a YOLO-style detector (C2f Split/Concat,
// SPPF, nearest Resize, three heads), MobileNetV3 (SE blocks, HardSwish) and a small ViT
// (MLP hidden units, LayerNormalization, nn.MultiheadAttention heads), and attention heads of
// the builder ViT (fused QKV).
// Outputs are checked in ONNX Runtime.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { pruneChannels } from '../../src/main/passes/prune/structured.ts';
import { sizeReport } from '../../src/main/passes/prune/size-report.ts';
import { fixtureModel, type FixtureName } from '../fixtures-path.ts';
import { buildVit } from '../../src/main/onnx/builder/vit.ts';
import { GraphIndex } from '../../src/main/onnx/graph.ts';
import { tensorToArray } from '../../src/main/onnx/tensor.ts';
import { resolveInitializer } from '../../src/main/passes/prune/layers.ts';
import { zeroTwoChannelsPerGroup } from './zero-channels.ts';

async function run(model: Model, dims: number[]): Promise<{ data: Float32Array; dims: number[] }[]> {
  const session = await createSession(encodeModel(model), { threads: 2 });
  try {
    const count = dims.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.013) + 0.2 * Math.cos(i * 0.7));
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, dims) });
    return session.outputNames.map((n) => ({ data: out[n].data as Float32Array, dims: out[n].dims.map(Number) }));
  } finally {
    await session.release();
  }
}

const load = (name: FixtureName): Model => decodeModel(readFileSync(fixtureModel(name)));

/** Keep-all (ratio 0) gives ONNX Runtime's outputs of the original model, bit for bit. */
async function expectKeepAllExact(model: Model, dims: number[]): Promise<void> {
  const [a, b] = [await run(model, dims), await run(pruneChannels(model, { ratio: 0 }).model, dims)];
  expect(b.map((o) => o.dims)).toEqual(a.map((o) => o.dims));
  b.forEach((o, i) => expect(Array.from(o.data)).toEqual(Array.from(a[i].data)));
}

/**
 * Zero two channel components per group, prune exactly those (global ranking puts them first):
 * every output must be what ONNX Runtime gives for the zeroed model, so every Split size, Slice
 * bound, shuffle Gather and sliced weight lines up.
 */
async function expectZeroedPruneExact(model: Model, dims: number[]): Promise<void> {
  const z = zeroTwoChannelsPerGroup(model);
  const pruned = pruneChannels(z.model, { ratio: z.zeroed / z.total, scope: 'global' });
  expect(pruned.groups.reduce((a, g) => a + g.channels - g.kept, 0)).toBe(z.zeroed);
  const [a, b] = [await run(z.model, dims), await run(pruned.model, dims)];
  expect(b.map((o) => o.dims)).toEqual(a.map((o) => o.dims));
  b.forEach((o, i) => {
    const scale = a[i].data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const diff = o.data.reduce((m, v, k) => Math.max(m, Math.abs(v - a[i].data[k])), 0);
    expect(diff).toBeLessThanOrEqual(1e-4 * Math.max(1, scale));
  });
}

describe('structured pruning of the issue-14 architectures', () => {
  it('ShuffleNetV2: no group blocked but the classifier, MACs at most 0.35x at 50%, outputs run', async () => {
    const model = load('shufflenet_v2_x1_0-random.onnx');
    const r = pruneChannels(model, { ratio: 0.5 });
    expect(r.groups.filter((g) => g.blocked).map((g) => g.blocked)).toEqual(["reaches the graph output 'logits'"]);
    const ratio = (await sizeReport(r.model)).macs / (await sizeReport(model)).macs;
    expect(ratio).toBeLessThanOrEqual(0.35);
    // The shuffles of pruned units became Gathers; the Shape subgraphs were folded away.
    expect(r.model.graph.node.some((n) => n.opType === 'Shape')).toBe(false);
    const out = await run(r.model, [1, 3, 224, 224]);
    expect(out[0].dims).toEqual([1, 1000]);
    expect(out[0].data.every(Number.isFinite)).toBe(true);
    await expectKeepAllExact(model, [1, 3, 224, 224]);
    await expectZeroedPruneExact(model, [1, 3, 224, 224]);
  }, 180_000); // ORT runs at 224-320 px: ~20 s alone, three times that on the shared 2-core machine

  it('YOLO-style detector: C2f, SPPF and Resize groups prune; the three heads keep their shapes', async () => {
    const model = load('yolo-tiny-random.onnx');
    const r = pruneChannels(model, { ratio: 0.5 });
    const blocked = r.groups.filter((g) => g.blocked);
    expect(blocked.map((g) => g.blocked).sort()).toEqual(['p3', 'p4', 'p5'].map((o) => `reaches the graph output '${o}'`));
    expect(r.groups.find((g) => g.layers.some((l) => l.includes('/b1/b1.2/cv1/')))!.kept).toBeLessThan(32);
    expect((await sizeReport(r.model)).macs / (await sizeReport(model)).macs).toBeLessThan(0.5);
    const [before, after] = [await run(model, [1, 3, 320, 320]), await run(r.model, [1, 3, 320, 320])];
    expect(after.map((o) => o.dims)).toEqual(before.map((o) => o.dims));
    expect(after.map((o) => o.dims)).toEqual([[1, 144, 40, 40], [1, 144, 20, 20], [1, 144, 10, 10]]);
    // Ranking is global over a C2f's split tensor: no half may lose every channel (it once did: {4, 0, 80, 80}).
    const index = new GraphIndex(r.model.graph);
    const pieces = r.model.graph.node.filter((n) => n.opType === 'Split').map((n) => Array.from(tensorToArray(resolveInitializer(index, n.input[1])!), Number));
    expect(pieces.length).toBeGreaterThan(5);
    for (const sizes of pieces) expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1);
    // With the node's defaults (multiples of 8, at least 8) each output keeps at least 8.
    const rounded = pruneChannels(model, { ratio: 0.5, channelMultiple: 8, minChannels: 8 }).model;
    const roundedIndex = new GraphIndex(rounded.graph);
    for (const n of rounded.graph.node.filter((x) => x.opType === 'Split')) {
      expect(Math.min(...Array.from(tensorToArray(resolveInitializer(roundedIndex, n.input[1])!), Number))).toBeGreaterThanOrEqual(8);
    }
    await expectKeepAllExact(model, [1, 3, 320, 320]);
    await expectZeroedPruneExact(model, [1, 3, 320, 320]);
  }, 180_000); // ORT runs at 224-320 px: ~20 s alone, three times that on the shared 2-core machine

  it('MobileNetV3-small: prunes and keep-all is exact', async () => {
    const model = load('mobilenet_v3_small-random.onnx');
    const r = pruneChannels(model, { ratio: 0.5 });
    expect(r.groups.filter((g) => !g.blocked).length).toBeGreaterThan(20);
    expect((await run(r.model, [1, 3, 224, 224]))[0].dims).toEqual([1, 1000]);
    await expectKeepAllExact(model, [1, 3, 224, 224]);
    await expectZeroedPruneExact(model, [1, 3, 224, 224]);
  }, 180_000); // ORT runs at 224-320 px: ~20 s alone, three times that on the shared 2-core machine

  it('ViT: MLP hidden units prune; the residual stream is reported blocked with its node', async () => {
    const model = load('vit-tiny-mnist-trained.onnx');
    const r = pruneChannels(model, { ratio: 0.5 });
    const mlp = r.groups.filter((g) => g.layers.some((l) => l.includes('linear1')));
    expect(mlp.length).toBe(4);
    for (const g of mlp) expect(g).toMatchObject({ channels: 128, kept: 64, blocked: undefined });
    for (const g of r.groups.filter((x) => x.blocked)) expect(g.blocked).toMatch(/'[^']+'/);
    expect((await run(r.model, [2, 1, 28, 28]))[0].dims).toEqual([2, 10]);
    await expectKeepAllExact(model, [2, 1, 28, 28]);
    await expectZeroedPruneExact(model, [2, 1, 28, 28]);
  });

  it('ViT (nn.MultiheadAttention export, heads in the batch axis): whole heads leave Q, K, V and out_proj; any batch size runs', async () => {
    const model = load('vit-tiny-mnist-trained.onnx');
    // The node's rounding (multiples of 8 channels, at least 8): a head is 16 channels wide, so 2 of 4 stay.
    const r = pruneChannels(model, { ratio: 0.5, channelMultiple: 8, minChannels: 8 });
    const attn = r.groups.filter((g) => g.layers.some((l) => l.includes('self_attn/MatMul')));
    expect(attn.map((g) => [g.channels, g.kept, g.blocked])).toEqual(Array.from({ length: 4 }, () => [4, 2, undefined]));
    const index = new GraphIndex(r.model.graph);
    const dims = (name: string, input: number): number[] => resolveInitializer(index, r.model.graph.node.find((x) => x.name === name)!.input[input])!.dims.map(Number);
    for (let l = 0; l < 4; l++) {
      expect(dims(`/enc/layers.${l}/self_attn/MatMul`, 1)).toEqual([64, 3 * 2 * 16]);
      expect(dims(`/enc/layers.${l}/self_attn/Gemm`, 1)).toEqual([64, 2 * 16]);
    }
    // Batch * heads is a -1 the Reshapes work out themselves: other batch sizes than the probe's run.
    for (const batch of [1, 3]) expect((await run(r.model, [batch, 1, 28, 28]))[0].dims).toEqual([batch, 10]);
  });

  it('fused-QKV attention (builder ViT): whole heads leave Q, K, V and the output projection together', async () => {
    const model = buildVit({ dim: 32, heads: 4, depth: 2 });
    const r = pruneChannels(model, { ratio: 0.5 });
    const qkv = r.groups.filter((g) => g.layers.some((l) => l.includes('attn.qkv')));
    expect(qkv.map((g) => [g.channels, g.kept, g.blocked])).toEqual([[4, 2, undefined], [4, 2, undefined]]);
    const dims = (name: string): number[] => {
      const n = r.model.graph.node.find((x) => x.name === name)!;
      return resolveInitializer(new GraphIndex(r.model.graph), n.input[1])!.dims.map(Number);
    };
    expect(dims('blocks.0.attn.qkv/MatMul')).toEqual([32, 3 * 2 * 8]);
    expect(dims('blocks.0.attn.proj/MatMul')).toEqual([2 * 8, 32]);
    expect((await run(r.model, [2, 1, 28, 28]))[0].dims).toEqual([2, 10]);
    await expectKeepAllExact(model, [2, 1, 28, 28]);
    await expectZeroedPruneExact(model, [2, 1, 28, 28]);
  });
});
