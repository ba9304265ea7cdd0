// Unstructured and 2:4 pruning on the trained LeNet-5 fixture (one-shot, MNIST test split),
// plus the options and the bad inputs a user can give.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, getMetadata, type Model } from '../../src/main/onnx/model.ts';
import { GraphIndex, makeNode, makeValueInfo } from '../../src/main/onnx/graph.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { float32Tensor, tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';
import type { Dataset } from '../../src/main/data/dataset.ts';
import { pruneMagnitude } from '../../src/main/passes/prune/magnitude.ts';
import { check24, prune24 } from '../../src/main/passes/prune/semistructured.ts';
import { readMask, MASK_KEY } from '../../src/main/passes/prune/mask.ts';
import { pruneChannels } from '../../src/main/passes/prune/structured.ts';
import { scoreModel } from '../../src/main/passes/prune/score.ts';
import { Tiny } from './tiny-graphs.ts';
import { LENET_FIXTURE } from '../fixtures-path.ts';

const LENET = LENET_FIXTURE;
let lenet: Model;
let test: Dataset;
let baseline: number;

function weight(model: Model, name: string): Float32Array {
  return tensorToFloat32(new GraphIndex(model.graph).initializers.get(name)!);
}

beforeAll(async () => {
  lenet = decodeModel(readFileSync(LENET));
  test = loadMnist('test');
  baseline = (await scoreModel(lenet, test)).accuracy!;
});

describe('magnitude pruning on LeNet-5', () => {
  it('reproduces the documented accuracy of the fixture', () => {
    expect(baseline).toBeCloseTo(0.9611, 3);
  });

  it('50% global sparsity stays within 0.5 points of the original, and records the mask', async () => {
    const r = pruneMagnitude(lenet, { sparsity: 0.5, scope: 'global' });
    const params = r.layers.reduce((a, l) => a + l.params, 0);
    const zeros = r.layers.reduce((a, l) => a + l.zeros, 0);
    expect(zeros).toBe(Math.floor(0.5 * params));
    const acc = (await scoreModel(r.model, test)).accuracy!;
    // One-shot 50% global pruning loses at most 0.5 points (on this fixture it gains ~0.5).
    expect(baseline - acc).toBeLessThanOrEqual(0.005);
    expect(acc).toBeGreaterThan(0.95);
    expect(readMask(r.model)).toEqual({ version: 1, pattern: 'unstructured', tensors: ['c1.weight', 'c2.weight', 'f1.weight', 'f2.weight', 'f3.weight'] });
    // The input is untouched and biases are never pruned.
    expect(getMetadata(lenet, MASK_KEY)).toBeUndefined();
    expect(weight(r.model, 'f1.bias')).toEqual(weight(lenet, 'f1.bias'));
  });

  it('per-layer threshold zeroes exactly the smallest weights of each layer; overrides, skip and minimum size apply', () => {
    const r = pruneMagnitude(lenet, { sparsity: 0.5, scope: 'layer', overrides: { '/f1/Gemm': 0.9 }, skip: ['/c1/Conv'], minSize: 1000 });
    expect(r.skipped.map((s) => s.layer).sort()).toEqual(['/c1/Conv', '/f3/Gemm']);
    expect(r.layers.map((l) => [l.layer, l.sparsity.toFixed(3)])).toEqual([['/c2/Conv', '0.500'], ['/f1/Gemm', '0.900'], ['/f2/Gemm', '0.500']]);
    const before = weight(lenet, 'c2.weight');
    const after = weight(r.model, 'c2.weight');
    const largestZeroed = Math.max(...before.filter((_, i) => after[i] === 0).map(Math.abs));
    const smallestKept = Math.min(...before.filter((_, i) => after[i] !== 0).map(Math.abs));
    expect(largestZeroed).toBeLessThanOrEqual(smallestKept);
    expect(weight(r.model, 'c1.weight')).toEqual(weight(lenet, 'c1.weight'));
  });

  it('refuses sparsity outside [0, 1) and a model with nothing to prune', () => {
    for (const s of [1, -0.1, 1.5, Number.NaN]) expect(() => pruneMagnitude(lenet, { sparsity: s })).toThrow(/at least 0 and below 1/);
    expect(() => pruneMagnitude(lenet, { sparsity: 0.5, overrides: { '/f1/Gemm': 1 } })).toThrow(/f1\/Gemm/);
    const t = new Tiny();
    t.op('Relu', ['input']);
    t.nodes[0].output = ['logits'];
    expect(() => pruneMagnitude(t.model(), { sparsity: 0.5 })).toThrow(/no layer magnitude pruning can change/);
  });

  it('lists a layer whose weight is a graph input as skipped', () => {
    const t = new Tiny();
    const c = t.conv('input', 3, 8, { name: 'a', bias: false });
    t.nodes[0].input[1] = 'w_in';
    t.extraInputs.push(makeValueInfo('w_in', DataType.FLOAT, [8, 3, 3, 3]));
    const r = pruneMagnitude(t.head(c, 8), { sparsity: 0.5 });
    expect(r.skipped).toEqual([{ layer: 'a', reason: "its weight 'w_in' is a graph input, not an initializer" }]);
    expect(r.layers.map((l) => l.layer)).toEqual(['fc3']);
  });
});

describe('masks through later passes', () => {
  it('channel pruning after magnitude pruning keeps the mask pointing at the sliced weights', () => {
    const sparse = pruneMagnitude(lenet, { sparsity: 0.5, scope: 'global' }).model;
    const slim = pruneChannels(sparse, { ratio: 0.25 }).model;
    const mask = readMask(slim)!;
    expect(mask.tensors).toHaveLength(5);
    const index = new GraphIndex(slim.graph);
    for (const name of mask.tensors) {
      const w = tensorToFloat32(index.initializers.get(name)!);
      expect(w.filter((v) => v === 0).length / w.length).toBeGreaterThan(0.05);
    }
    expect(mask.tensors.some((n) => n.endsWith('.pruned'))).toBe(true);
  });
});

describe('2:4 semi-structured sparsity on LeNet-5', () => {
  it('prunes every eligible layer, passes the checker, and reports accuracy', async () => {
    const r = prune24(lenet);
    expect(r.layers.map((l) => l.layer)).toEqual(['/f1/Gemm', '/f2/Gemm', '/f3/Gemm']);
    expect(r.skipped).toEqual([
      { layer: '/c1/Conv', reason: '1 input channels, not a multiple of 4' },
      { layer: '/c2/Conv', reason: '6 input channels, not a multiple of 4' },
    ]);
    for (const l of r.layers) expect(l.sparsity).toBe(0.5);
    expect(check24(lenet).ok).toBe(false);
    const check = check24(r.model);
    expect(check.ok).toBe(true);
    expect(check.layers.every((l) => l.violations === 0)).toBe(true);
    expect(readMask(r.model)?.pattern).toBe('2:4');
    const acc = (await scoreModel(r.model, test)).accuracy!;
    console.log(`LeNet-5 2:4 on f1/f2/f3: accuracy ${(acc * 100).toFixed(2)}% (original ${(baseline * 100).toFixed(2)}%)`);
    expect(acc).toBeGreaterThan(0.9);
  });

  it('follows the input-channel axis: Conv weight axis 1, Gemm (transB) axis 1', () => {
    const t = new Tiny();
    const a = t.conv('input', 3, 8, { name: 'a' });
    const b = t.conv(a, 8, 4, { name: 'b', k: 1 });
    const model = t.head(b, 4);
    const r = prune24(model);
    expect(r.layers.map((l) => l.layer)).toEqual(['b', 'fc3']);
    const w = weight(r.model, 'b.w');
    expect(check24(r.model).ok).toBe(true);
    // b.w is [4, 8, 1, 1]: each row of 8 input channels is two quads with two zeros each.
    for (let o = 0; o < 4; o++) for (let q = 0; q < 2; q++) {
      const quad = Array.from(w.subarray(o * 8 + q * 4, o * 8 + q * 4 + 4));
      expect(quad.filter((v) => v === 0).length).toBe(2);
    }
  });

  it('MatMul weights [K, N] keep two of every four along K (axis 0)', () => {
    const t = new Tiny();
    const f = t.op('Flatten', [t.op('GlobalAveragePool', [t.conv('input', 3, 8, { name: 'a' })])], { axis: 1 });
    t.inits.push(float32Tensor('mm.w', [8, 5], Array.from({ length: 40 }, (_, i) => ((i * 7) % 11) - 5 + 0.5)));
    t.nodes.push(makeNode('MatMul', [f, 'mm.w'], ['logits'], { name: 'mm' }));
    const r = prune24(t.model());
    expect(r.layers.map((l) => l.layer)).toEqual(['mm']);
    expect(r.skipped).toEqual([{ layer: 'a', reason: '3 input channels, not a multiple of 4' }]);
    const w = weight(r.model, 'mm.w');
    for (let q = 0; q < 2; q++) for (let n = 0; n < 5; n++) {
      const quad = [0, 1, 2, 3].map((j) => w[(q * 4 + j) * 5 + n]);
      expect(quad.filter((v) => v === 0).length).toBe(2);
    }
    expect(check24(r.model).ok).toBe(true);
  });
});
