// Structured pruning on small hand-built graphs, one per dependency case: channels whose
// filters are zero are removed, and the pruned model must give the same ONNX Runtime outputs;
// keeping every channel must reproduce the original outputs exactly.
import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/main/onnx/model.ts';
import { GraphIndex, makeNode, makeValueInfo } from '../../src/main/onnx/graph.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { float32Tensor, tensorToArray } from '../../src/main/onnx/tensor.ts';
import { pruneChannels } from '../../src/main/passes/prune/structured.ts';
import { resolveInitializer } from '../../src/main/passes/prune/layers.ts';
import { Tiny, runTiny, maxAbsDiff } from './tiny-graphs.ts';
import { zeroTwoChannelsPerGroup } from './zero-channels.ts';

function dimsOf(model: Model, node: string, input = 1): number[] {
  const n = model.graph.node.find((x) => x.name === node)!;
  return resolveInitializer(new GraphIndex(model.graph), n.input[input])!.dims.map(Number);
}

/** Prune exactly the zeroed channels; outputs must match, and keep-all must be exact. */
async function checkCase(model: Model): Promise<Model> {
  const original = await runTiny(model);
  const kept = await runTiny(pruneChannels(model, { ratio: 0 }).model);
  expect(Array.from(kept.data)).toEqual(Array.from(original.data));
  const z = zeroTwoChannelsPerGroup(model);
  expect(z.zeroed).toBeGreaterThan(0);
  const reference = await runTiny(z.model);
  const pruned = pruneChannels(z.model, { ratio: z.zeroed / z.total, scope: 'global' });
  const out = await runTiny(pruned.model);
  expect(out.dims).toEqual(reference.dims);
  expect(maxAbsDiff(out.data, reference.data)).toBeLessThan(1e-5);
  return pruned.model;
}

describe('channel dependency groups', () => {
  it('residual Add: both branches and the consumer lose the same channels', async () => {
    const t = new Tiny();
    const a = t.conv('input', 3, 8, { name: 'a' });
    const b = t.conv(t.relu(a), 8, 8, { name: 'b' });
    const s = t.relu(t.op('Add', [a, b]));
    const c = t.conv(s, 8, 4, { name: 'c' });
    const model = t.head(t.relu(c), 4);
    const groups = pruneChannels(model, { ratio: 0 }).groups;
    expect(groups.find((g) => g.layers.includes('a'))!.layers.sort()).toEqual(['a', 'b']);
    const pruned = await checkCase(model);
    expect(dimsOf(pruned, 'a')).toEqual([6, 3, 3, 3]);
    expect(dimsOf(pruned, 'b')).toEqual([6, 6, 3, 3]);
    expect(dimsOf(pruned, 'c')).toEqual([2, 6, 3, 3]);
  });

  it('Concat: each input keeps its own channels, the consumer removes them at their offsets', async () => {
    const t = new Tiny();
    const a = t.relu(t.conv('input', 3, 4, { name: 'a' }));
    const b = t.relu(t.conv('input', 3, 6, { name: 'b' }));
    const cat = t.op('Concat', [a, b], { axis: 1 });
    const c = t.conv(cat, 10, 4, { name: 'c' });
    const pruned = await checkCase(t.head(t.relu(c), 4));
    expect(dimsOf(pruned, 'a')[0]).toBe(2);
    expect(dimsOf(pruned, 'b')[0]).toBe(4);
    expect(dimsOf(pruned, 'c')).toEqual([2, 6, 3, 3]);
  });

  it('depthwise Conv: weight axis 0, bias and group count follow the channels', async () => {
    const t = new Tiny();
    const a = t.relu(t.conv('input', 3, 8, { name: 'a' }));
    const dw = t.relu(t.conv(a, 8, 8, { name: 'dw', group: 8 }));
    const c = t.conv(dw, 8, 4, { name: 'c' });
    const pruned = await checkCase(t.head(t.relu(c), 4));
    expect(dimsOf(pruned, 'dw')).toEqual([6, 1, 3, 3]);
    const group = pruned.graph.node.find((n) => n.name === 'dw')!.attribute.find((x) => x.name === 'group')!;
    expect(Number(group.i)).toBe(6);
  });

  it('BatchNormalization: its four vectors are sliced with the Conv that feeds it', async () => {
    const t = new Tiny();
    const a = t.relu(t.bn(t.conv('input', 3, 8, { name: 'a', bias: false }), 8));
    const c = t.conv(a, 8, 4, { name: 'c' });
    const pruned = await checkCase(t.head(t.relu(c), 4));
    const bn = pruned.graph.node.find((n) => n.opType === 'BatchNormalization')!;
    for (let i = 1; i <= 4; i++) expect(dimsOf(pruned, bn.name, i)).toEqual([6]);
  });

  it('Flatten -> Gemm: each channel removes its H*W consecutive columns', async () => {
    const t = new Tiny();
    const a = t.op('MaxPool', [t.relu(t.conv('input', 3, 6, { name: 'a' }))], { kernel_shape: [2, 2], strides: [2, 2] });
    const f = t.op('Flatten', [a], { axis: 1 });
    t.gemm(f, 6 * 4 * 4, 5, 'logits');
    const pruned = await checkCase(t.model());
    expect(dimsOf(pruned, 'a')[0]).toBe(4);
    expect(dimsOf(pruned, pruned.graph.node.find((n) => n.opType === 'Gemm')!.name)).toEqual([5, 4 * 16]);
  });

  it('spatial ReduceMean and Squeeze keep channels on axis 1; Mul by a per-channel constant is sliced', async () => {
    const t = new Tiny();
    const a = t.relu(t.conv('input', 3, 8, { name: 'a' }));
    t.inits.push(float32Tensor('scale', [8, 1, 1], Array.from({ length: 8 }, (_, i) => 1 + i / 8)));
    const scaled = t.op('Mul', [a, 'scale']);
    const pooled = t.op('ReduceMean', [scaled], { axes: [2, 3], keepdims: 1 });
    const squeezed = t.op('Squeeze', [pooled, t.int64('sq.axes', [2, 3])]);
    t.gemm(squeezed, 8, 5, 'logits');
    const pruned = await checkCase(t.model());
    expect(dimsOf(pruned, 'a')[0]).toBe(6);
    const mul = pruned.graph.node.find((n) => n.opType === 'Mul')!;
    expect(dimsOf(pruned, mul.name)).toEqual([6, 1, 1]);
  });

  it('C2f-style Split -> bottleneck -> Add -> Concat: the split sizes follow the kept channels', async () => {
    const t = new Tiny();
    const a = t.relu(t.conv('input', 3, 8, { name: 'a' }));
    const split = t.op('Split', [a, t.int64('split.sizes', [4, 4])], { axis: 1 });
    t.nodes[t.nodes.length - 1].output = [split, `${split}.2`];
    const m = t.relu(t.conv(`${split}.2`, 4, 4, { name: 'm' }));
    const sum = t.op('Add', [`${split}.2`, m]);
    const cat = t.op('Concat', [split, `${split}.2`, sum], { axis: 1 });
    const c = t.conv(cat, 12, 6, { name: 'c' });
    const pruned = await checkCase(t.head(t.relu(c), 6));
    const sizes = resolveInitializer(new GraphIndex(pruned.graph), pruned.graph.node.find((n) => n.opType === 'Split')!.input[1])!;
    // 'a' loses its channels 0 and 1 (the first half); the second half is tied to 'm' by the Add.
    expect(Array.from(tensorToArray(sizes) as BigInt64Array, Number)).toEqual([2, 4]);
    expect(dimsOf(pruned, 'a')[0]).toBe(6);
    expect(dimsOf(pruned, 'c')[1]).toBe(12 - 2);
  });

  it('Slice halves of the channel axis (ShuffleNet units) rewrite their bounds', async () => {
    const t = new Tiny();
    const a = t.relu(t.conv('input', 3, 8, { name: 'a' }));
    const lo = t.op('Slice', [a, t.int64('lo.s', [0]), t.int64('lo.e', [4]), t.int64('lo.ax', [1])]);
    const hi = t.op('Slice', [a, t.int64('hi.s', [4]), t.int64('hi.e', [2 ** 62]), t.int64('hi.ax', [1])]);
    const b = t.relu(t.conv(hi, 4, 4, { name: 'b' }));
    const c = t.conv(t.op('Concat', [lo, b], { axis: 1 }), 8, 4, { name: 'c' });
    const pruned = await checkCase(t.head(t.relu(c), 4));
    expect(dimsOf(pruned, 'b')).toEqual([2, 4, 3, 3]);
  });

  it('channel shuffle through a Shape/Gather/Concat subgraph: folded, then one Gather of the kept channels', async () => {
    const t = new Tiny();
    const a = t.relu(t.conv('input', 3, 4, { name: 'a' }));
    const b = t.relu(t.conv('input', 3, 4, { name: 'b' }));
    const cat = t.op('Concat', [a, b], { axis: 1 });
    const shape = t.op('Shape', [cat]);
    const half = t.op('Div', [t.op('Gather', [shape, t.int64('i1', [1])], { axis: 0 }), t.int64('two', [2])]);
    const target = t.op('Concat', [t.op('Gather', [shape, t.int64('i0', [0])], { axis: 0 }), t.int64('g', [2]), half, t.op('Gather', [shape, t.int64('i23', [2, 3])], { axis: 0 })], { axis: 0 });
    const shuffled = t.op('Reshape', [t.op('Transpose', [t.op('Reshape', [cat, target])], { perm: [0, 2, 1, 3, 4] }), shape]);
    const c = t.conv(shuffled, 8, 4, { name: 'c' });
    const model = t.head(t.relu(c), 4);
    const r = pruneChannels(model, { ratio: 0.5 });
    expect(r.groups.filter((g) => g.blocked).map((g) => g.layers)).toEqual([['fc' + r.groups.at(-1)!.layers[0].slice(2)]]);
    const pruned = await checkCase(model);
    expect(pruned.graph.node.filter((n) => ['Shape', 'Transpose', 'Reshape'].includes(n.opType))).toEqual([]);
    expect(pruned.graph.node.some((n) => n.opType === 'Gather')).toBe(true);
    expect(dimsOf(pruned, 'c')[1]).toBe(4);
  });

  it('grouped convolution (group 2, not depthwise): the same channels leave every group, the group count stays', async () => {
    const t = new Tiny();
    const a = t.relu(t.conv('input', 3, 8, { name: 'a' }));
    const g = t.relu(t.conv(a, 8, 8, { name: 'g', group: 2 }));
    const c = t.conv(g, 8, 4, { name: 'c' });
    const model = t.head(t.relu(c), 4);
    expect(pruneChannels(model, { ratio: 0.5 }).groups.find((x) => x.layers.includes('a'))).toMatchObject({ channels: 4, kept: 2 });
    const pruned = await checkCase(model);
    const conv = pruned.graph.node.find((n) => n.name === 'g')!;
    expect(Number(conv.attribute.find((x) => x.name === 'group')!.i)).toBe(2);
    expect(dimsOf(pruned, 'g')[1]).toBe(dimsOf(pruned, 'a')[0] / 2);
  });

  it('nearest Resize passes channels through', async () => {
    const t = new Tiny();
    const a = t.relu(t.conv('input', 3, 6, { name: 'a' }));
    t.inits.push(float32Tensor('scales', [4], [1, 1, 2, 2]));
    const up = t.op('Resize', [a, '', 'scales']);
    t.nodes[t.nodes.length - 1].attribute.push(...makeNode('Resize', [], [], { attrs: { mode: 'nearest' } }).attribute);
    const c = t.conv(up, 6, 4, { name: 'c' });
    const pruned = await checkCase(t.head(t.relu(c), 4));
    expect(dimsOf(pruned, 'a')[0]).toBe(4);
  });

  it('transformer MLP: MatMul on [N, T, D] prunes its hidden units; LayerNormalization follows the features', async () => {
    const t = new Tiny();
    const x = t.op('Reshape', [t.relu(t.conv('input', 3, 8, { name: 'a' })), t.int64('tokens', [0, 8, 64])]);
    const tokens = t.op('Transpose', [x], { perm: [0, 2, 1] });
    t.inits.push(float32Tensor('w1', [8, 16], Array.from({ length: 128 }, (_, i) => Math.sin(i))), float32Tensor('b1', [16], Array.from({ length: 16 }, (_, i) => i / 16)));
    t.inits.push(float32Tensor('w2', [16, 8], Array.from({ length: 128 }, (_, i) => Math.cos(i))));
    t.inits.push(float32Tensor('ln.s', [8], Array(8).fill(1.5)), float32Tensor('ln.b', [8], Array(8).fill(0.1)));
    const hidden = t.op('Relu', [t.op('Add', ['b1', t.op('MatMul', [tokens, 'w1'])])]);
    const y = t.op('LayerNormalization', [t.op('MatMul', [hidden, 'w2']), 'ln.s', 'ln.b'], { axis: -1 });
    const pooled = t.op('ReduceMean', [y], { axes: [1], keepdims: 0 });
    t.gemm(pooled, 8, 5, 'logits');
    const model = t.model();
    const groups = pruneChannels(model, { ratio: 0.5 }).groups;
    expect(groups.find((g) => g.layers[0].startsWith('matmul') && g.channels === 16)).toMatchObject({ kept: 8 });
    const kept = await runTiny(pruneChannels(model, { ratio: 0 }).model);
    expect(Array.from(kept.data)).toEqual(Array.from((await runTiny(model)).data));
    expect((await runTiny(pruneChannels(model, { ratio: 0.5 }).model)).dims).toEqual([2, 5]);
  });

  it('a Reshape that splits channels into heads without a shuffle blocks its group and names the node', () => {
    const t = new Tiny();
    const a = t.conv('input', 3, 8, { name: 'a' });
    const r = t.op('Reshape', [a, t.int64('heads', [0, 2, 4, 64])]);
    const back = t.op('Reshape', [t.relu(r), t.int64('back', [0, 8, 8, 8])]);
    const model = t.head(t.relu(back), 8);
    // Its only other group reaches the graph output, so nothing is left to prune: a clear error.
    expect(() => pruneChannels(model, { ratio: 0.5 })).toThrow(/a: Reshape 'reshape\d+' splits the channel axis/);
  });

  it('refuses a model with no prunable group, and a weight fed as a graph input', () => {
    const t = new Tiny();
    t.gemm(t.op('Flatten', [t.op('GlobalAveragePool', ['input'])], { axis: 1 }), 3, 5, 'logits');
    expect(() => pruneChannels(t.model(), { ratio: 0.5 })).toThrow(/no channel group/);
    expect(() => pruneChannels(t.model(), { ratio: 1 })).toThrow(/below 1/);
    const u = new Tiny();
    const conv = u.conv('input', 3, 8, { name: 'a', bias: false });
    u.nodes[0].input[1] = 'w_in';
    u.extraInputs.push(makeValueInfo('w_in', DataType.FLOAT, [8, 3, 3, 3]));
    const b = u.conv(u.relu(conv), 8, 4, { name: 'b' });
    const r = pruneChannels(u.head(u.relu(b), 4), { ratio: 0.5 });
    expect(r.skippedLayers).toEqual([{ layer: 'a', reason: "its weight 'w_in' is a graph input, not an initializer" }]);
    expect(r.groups.map((x) => [x.layers, x.kept])).toEqual([[['b'], 2], [['fc5'], 5]]);
  });
});
