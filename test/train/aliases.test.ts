// Training a PyTorch-style export whose identical tensors are stored once and fed through
// Identity nodes (a fresh BatchNorm: weight = running_var = ones, bias = running_mean = zeros).
import { describe, expect, it } from 'vitest';
import { makeNode } from '../../src/main/onnx/graph.ts';
import { float32Tensor, tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import { cloneModel, encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { GraphBuilder } from '../../src/main/onnx/builder/index.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';
import { subset } from '../../src/main/data/dataset.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { trainModel } from '../../src/main/train/trainer.ts';
import { buildTrainGraph } from '../../src/main/train/training-graph.ts';

/** Conv-BN-ReLU x2 (8 channels each), pool, fc; BatchNorm as PyTorch initialises it. */
function freshBnCnn(): Model {
  const b = new GraphBuilder(3);
  let x = 'input';
  let shape = [1, 28, 28];
  for (const i of [1, 2]) {
    [x, shape] = b.conv(x, shape, { outChannels: 8, kernel: 3, pad: 1, bias: false }, `conv${i}`);
    x = b.relu(b.batchNorm(x, 8, `bn${i}`));
  }
  [x, shape] = b.maxPool(x, shape, 4, 4);
  b.gemm(b.flatten(x), shape[0] * shape[1] * shape[2], 10, 'fc');
  const model = b.finish([1, 28, 28], 10, 'fresh BN-CNN', 'bncnn');
  for (const t of model.graph.initializer) {
    const fill = /\.(weight|running_var)$/.test(t.name) && t.name.startsWith('bn') ? 1 : /^bn.*\.(bias|running_mean)$/.test(t.name) ? 0 : undefined;
    if (fill !== undefined) Object.assign(t, float32Tensor(t.name, [8], new Array(8).fill(fill)));
  }
  return model;
}

/** What torch.onnx.export does with identical tensors: keep the first, alias the rest through Identity. */
function dedupLikeTorchExport(source: Model): Model {
  const model = cloneModel(source);
  const g = model.graph;
  const kept = new Map<string, string>();
  const aliases: ReturnType<typeof makeNode>[] = [];
  g.initializer = g.initializer.filter((t) => {
    const key = `${t.dims.join('x')}:${Array.from(tensorToFloat32(t)).join(',')}`;
    const first = kept.get(key);
    if (!first) { kept.set(key, t.name); return true; }
    const alias = `onnx::Identity_${aliases.length}`;
    aliases.push(makeNode('Identity', [first], [alias]));
    for (const n of g.node) n.input = n.input.map((i) => (i === t.name ? alias : i));
    return false;
  });
  g.node = [...aliases, ...g.node];
  return model;
}

describe('parameters reached through Identity', () => {
  const model = dedupLikeTorchExport(freshBnCnn());
  const shared = model.graph.initializer.find((t) => t.name === 'bn1.weight')!;

  it('the export under test stores each BatchNorm vector once and aliases the copies', () => {
    expect(model.graph.node.filter((n) => n.opType === 'Identity')).toHaveLength(6);
    expect(model.graph.initializer.some((t) => t.name === 'bn2.weight' || t.name === 'bn1.running_var')).toBe(false);
    expect(shared).toBeDefined();
  });

  it('trains the aliased BatchNorm weights (shared ones stay one tensor) and its loss falls', async () => {
    const g = await buildTrainGraph(model, { batchSize: 16, loss: { kind: 'cross-entropy' } });
    expect(g.params.map((p) => p.name)).toEqual(expect.arrayContaining(['bn1.weight', 'bn1.bias', 'conv1.weight', 'fc.weight']));
    const mnist = loadMnist('train');
    const data = subset(mnist, Array.from({ length: 512 }, (_, i) => i * 7));
    const r = await trainModel(model, data, { epochs: 3, batchSize: 32, seed: 1, threads: 1, optimizer: { kind: 'adam', lr: 3e-3 }, schedule: { kind: 'constant' } });
    expect(r.stopReason).toBe('completed');
    expect(r.history[2].trainLoss).toBeLessThan(r.history[0].trainLoss * 0.8);
    const trained = r.model.graph;
    // One gamma tensor still feeds both layers through Identity, and it moved.
    expect(trained.node.filter((n) => n.opType === 'Identity' && n.input[0] === 'bn1.weight').length).toBeGreaterThan(0);
    expect(Array.from(tensorToFloat32(trained.initializer.find((t) => t.name === 'bn1.weight')!))).not.toEqual(new Array(8).fill(1));
    // Each BatchNorm has running statistics of its own, updated apart from gamma.
    const bns = trained.node.filter((n) => n.opType === 'BatchNormalization');
    const stats = bns.flatMap((n) => [n.input[3], n.input[4]]);
    expect(new Set(stats).size).toBe(4);
    for (const s of stats) expect(trained.initializer.some((t) => t.name === s)).toBe(true);
    const var1 = tensorToFloat32(trained.initializer.find((t) => t.name === bns[0].input[4])!);
    expect(Array.from(var1)).not.toEqual(Array.from(tensorToFloat32(trained.initializer.find((t) => t.name === 'bn1.weight')!)));
    const session = await createSession(encodeModel(r.model), { threads: 1 });
    const out = await session.run({ input: new ort.Tensor('float32', data.inputs.subarray(0, 784 * 4), [4, 1, 28, 28]) });
    expect(Array.from(out.logits.data as Float32Array).every(Number.isFinite)).toBe(true);
    await session.release();
  });
});
