// Structured pruning on small hand-built graphs, one per dependency case: channels whose
// filters are zero are removed, and the pruned model must give the same ONNX Runtime outputs;
// keeping every channel must reproduce the original outputs exactly.
import { describe, expect, it } from 'vitest';
import { cloneModel, type Model } from '../../src/main/onnx/model.ts';
import { GraphIndex, makeValueInfo, setInitializer } from '../../src/main/onnx/graph.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { float32Tensor, tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import { buildDependencyGraph } from '../../src/main/passes/prune/depgraph.ts';
import { pruneChannels } from '../../src/main/passes/prune/structured.ts';
import { resolveInitializer } from '../../src/main/passes/prune/layers.ts';
import { Tiny, runTiny, maxAbsDiff } from './tiny-graphs.ts';

/** Zero channels 0 and 1 of every prunable group (filters, biases, BN beta/mean), so they carry exact zeros. */
function zeroTwoChannelsPerGroup(model: Model): { model: Model; zeroed: number; total: number } {
  const m = cloneModel(model);
  const dg = buildDependencyGraph(m);
  const index = new GraphIndex(m.graph);
  const zeroAlong = (name: string, axis: number, chans: number[]): void => {
    const t = resolveInitializer(index, name)!;
    const dims = t.dims.map(Number);
    const w = tensorToFloat32(t);
    const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < w.length; i++) if (chans.includes(Math.floor(i / inner) % dims[axis])) w[i] = 0;
    setInitializer(m.graph, float32Tensor(t.name, dims, w));
    index.initializers.set(t.name, m.graph.initializer.find((x) => x.name === t.name)!);
  };
  let zeroed = 0;
  let total = 0;
  for (const s of dg.spaces) {
    if (dg.root(s.id) !== s.id || s.sources.length === 0 || s.blocked.length > 0) continue;
    total += s.size;
    const chans = [0, 1];
    zeroed += chans.length;
    for (const src of s.sources) zeroAlong(src.node.input[src.input], src.axis, chans);
    for (const mem of dg.members) {
      if (mem.view.segments.length !== 1 || dg.root(mem.view.segments[0].space) !== s.id) continue;
      const isBias = ['Conv', 'Gemm'].includes(mem.node.opType) && mem.input === 2;
      const isBnShift = mem.node.opType === 'BatchNormalization' && (mem.input === 2 || mem.input === 3);
      if (isBias || isBnShift) zeroAlong(mem.node.input[mem.input], mem.axis, chans);
    }
  }
  return { model: m, zeroed, total };
}

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

  it('a group the analysis cannot follow (Split on channels) is left intact and reported', async () => {
    const t = new Tiny();
    const a = t.conv('input', 3, 8, { name: 'a' });
    const split = t.op('Split', [a, t.int64('split.sizes', [4, 4])], { axis: 1 });
    t.nodes[t.nodes.length - 1].output = [split, `${split}.2`];
    const sum = t.op('Add', [split, `${split}.2`]);
    const c = t.conv(t.relu(sum), 4, 6, { name: 'c' });
    const model = t.head(t.relu(c), 6);
    const r = pruneChannels(model, { ratio: 0.5 });
    const blocked = r.groups.find((g) => g.layers.includes('a'))!;
    expect(blocked.kept).toBe(8);
    expect(blocked.blocked).toMatch(/Split/);
    expect(r.groups.find((g) => g.layers.includes('c'))!.kept).toBe(3);
    const out = await runTiny(r.model);
    expect(out.dims).toEqual([2, 5]);
    await checkCase(model);
  });

  it('a Reshape with a computed shape blocks its group', () => {
    const t = new Tiny();
    const a = t.conv('input', 3, 8, { name: 'a' });
    const shape = t.op('Shape', [a]);
    const r = t.op('Reshape', [a, shape]);
    const model = t.head(t.relu(r), 8);
    // Its only other group reaches the graph output, so nothing is left to prune: a clear error.
    expect(() => pruneChannels(model, { ratio: 0.5 })).toThrow(/a: Shape 'shape\d+'/);
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
