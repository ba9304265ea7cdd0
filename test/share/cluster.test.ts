// Weight sharing on the trained LeNet-5: accuracy, the file really shrinking, codebook
// storage giving exactly the dense-snapped outputs in ONNX Runtime, and the k-means itself.
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { GraphIndex } from '../../src/main/onnx/graph.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { tensorToArray, tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';
import type { Dataset } from '../../src/main/data/dataset.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { clusterWeights, readShare } from '../../src/main/passes/share/cluster.ts';
import { kmeans1d } from '../../src/main/passes/share/kmeans.ts';
import { dedupeInitializers } from '../../src/main/passes/share/dedupe.ts';
import { pruneMagnitude } from '../../src/main/passes/prune/magnitude.ts';
import { scoreModel } from '../../src/main/passes/prune/score.ts';
import { fixtureModel, LENET_FIXTURE, MOBILENET_FIXTURE } from '../fixtures-path.ts';

const LENET = LENET_FIXTURE;
let lenet: Model;
let test: Dataset;
let baseline: number;

async function logits(model: Model, ds: Dataset, count = 256): Promise<Float32Array> {
  const session = await createSession(encodeModel(model), { threads: 1 });
  const x = new ort.Tensor('float32', ds.inputs.subarray(0, count * 784), [count, 1, 28, 28]);
  const out = await session.run({ input: x });
  await session.release();
  return out.logits.data as Float32Array;
}

beforeAll(async () => {
  lenet = decodeModel(readFileSync(LENET));
  test = loadMnist('test');
  baseline = (await scoreModel(lenet, test)).accuracy!;
});

describe('k-means weight sharing on LeNet-5', () => {
  it('k=16 on every layer stays within 1 point and gzips to at most 0.2x of the fp32 file', async () => {
    const r = clusterWeights(lenet, { k: 16 });
    expect(r.layers.map((l) => l.layer)).toEqual(['/c1/Conv', '/c2/Conv', '/f1/Gemm', '/f2/Gemm', '/f3/Gemm']);
    expect(r.skipped).toEqual([]);
    const acc = (await scoreModel(r.model, test)).accuracy!;
    expect(baseline - acc).toBeLessThanOrEqual(0.01);
    const ratio = gzipSync(encodeModel(r.model)).length / gzipSync(encodeModel(lenet)).length;
    console.log(`LeNet-5 k=16: accuracy ${(acc * 100).toFixed(2)}%, gzip ratio ${ratio.toFixed(3)}, raw ratio ${(encodeModel(r.model).length / encodeModel(lenet).length).toFixed(3)}`);
    expect(ratio).toBeLessThanOrEqual(0.2);
  });

  it('codebook storage gives exactly the outputs of the dense-snapped model, and ONNX Runtime folds it', async () => {
    for (const perChannel of [false, true]) {
      const book = clusterWeights(lenet, { k: 16, perChannel, init: 'linear' });
      const dense = clusterWeights(lenet, { k: 16, perChannel, init: 'linear', storage: 'dense' });
      expect(Array.from(await logits(book.model, test))).toEqual(Array.from(await logits(dense.model, test)));
      const idx = new GraphIndex(book.model.graph);
      const indices = idx.initializers.get('f1.weight.indices')!;
      expect(indices.dataType).toBe(DataType.UINT8);
      expect(indices.dims.map(Number)).toEqual([120, 400]);
      expect(idx.initializers.get('f1.weight.codebook')!.dims.map(Number)).toEqual([perChannel ? 120 * 16 : 16]);
      expect(idx.initializers.has('f1.weight')).toBe(false);
      // Dense: at most k distinct values per layer (per channel).
      const snapped = tensorToFloat32(new GraphIndex(dense.model.graph).initializers.get('f1.weight')!);
      const distinct = new Set(perChannel ? snapped.subarray(0, 400) : snapped);
      expect(distinct.size).toBeLessThanOrEqual(16);
    }
    const optimized = join(mkdtempSync(join(tmpdir(), 'whittle-share-')), 'opt.onnx');
    const session = await createSession(encodeModel(clusterWeights(lenet, { k: 16 }).model), { optimizedModelPath: optimized, optimization: 'basic' });
    await session.release();
    expect(existsSync(optimized)).toBe(true);
    const ops = decodeModel(readFileSync(optimized)).graph.node.map((n) => n.opType);
    expect(ops).not.toContain('Gather');
    expect(ops).not.toContain('Cast');
  });

  it('keeps pruned zeros as their own cluster at exactly 0', () => {
    const pruned = pruneMagnitude(lenet, { sparsity: 0.5, scope: 'global' }).model;
    const r = clusterWeights(pruned, { k: 8, storage: 'dense' });
    for (const name of ['f1.weight', 'c2.weight']) {
      const before = tensorToFloat32(new GraphIndex(pruned.graph).initializers.get(name)!);
      const after = tensorToFloat32(new GraphIndex(r.model.graph).initializers.get(name)!);
      for (let i = 0; i < before.length; i++) expect(after[i] === 0).toBe(before[i] === 0);
    }
    const layout = readShare(clusterWeights(pruned, { k: 8 }).model)!;
    expect(layout.layers.every((l) => l.zeroCluster && l.codebook && l.indices)).toBe(true);
  });

  it('refuses k outside 2..256 and skips layers smaller than k', () => {
    for (const k of [1, 257, 2.5]) expect(() => clusterWeights(lenet, { k })).toThrow(/from 2 to 256/);
    const r = clusterWeights(lenet, { k: 256 });
    expect(r.skipped).toEqual([{ layer: '/c1/Conv', reason: 'k=256 is larger than the 150 weights of the layer' }]);
    const perChannel = clusterWeights(lenet, { k: 64, perChannel: true });
    expect(perChannel.skipped.map((s) => s.layer)).toEqual(['/c1/Conv']);
  });
});

describe('1-D k-means', () => {
  it('finds well-separated clusters with every initialization', () => {
    const values = [...Array(50).fill(-1), ...Array(30).fill(0.5), ...Array(20).fill(3)].map((v, i) => v + ((i % 5) - 2) * 0.01);
    for (const init of ['kmeans++', 'linear', 'density'] as const) {
      const r = kmeans1d(values, 3, { init });
      expect(Array.from(r.centroids, (c) => Math.round(c * 100) / 100)).toEqual([-1, 0.5, 3]);
      expect(r.assignment[0]).toBe(0);
      expect(r.assignment[99]).toBe(2);
    }
  });
});

describe('cross-layer sharing', () => {
  it('stores identical initializers once and keeps outputs', async () => {
    const m = decodeModel(readFileSync(MOBILENET_FIXTURE));
    const r = dedupeInitializers(m);
    // The exporter already shares BN-folded biases through Identity; the rest are distinct.
    expect(r.model.graph.initializer.length).toBe(m.graph.initializer.length - r.merged.length);
    const twin = lenet.graph.initializer.find((t) => t.name === 'f3.bias')!;
    const doubled = decodeModel(encodeModel(lenet));
    doubled.graph.initializer.push({ ...twin, name: 'f3.bias.copy' } as typeof twin);
    doubled.graph.node.find((n) => n.name === '/f3/Gemm')!.input[2] = 'f3.bias.copy';
    const d = dedupeInitializers(doubled);
    expect(d.merged.map((x) => [x.removed, x.keptAs])).toEqual([['f3.bias.copy', 'f3.bias']]);
    expect(Array.from(await logits(d.model, test, 16))).toEqual(Array.from(await logits(lenet, test, 16)));
    expect(Array.from(tensorToArray(new GraphIndex(d.model.graph).initializers.get('f3.bias')!) as Float32Array)).toHaveLength(10);
  });
});

describe('transformers', () => {
  it("clusters a ViT's projections and skips attention's activation products without a warning, but still names a computed weight", () => {
    const vit = decodeModel(readFileSync(fixtureModel('vit-tiny-mnist-trained.onnx')));
    const r = clusterWeights(vit, { k: 16, storage: 'codebook' });
    expect(r.layers.length).toBeGreaterThan(10);
    // Q·Kᵀ and softmax·V multiply two activations: not layers, so not "left intact".
    expect(r.skipped.filter((s) => s.layer.includes('self_attn/MatMul_'))).toEqual([]);
    // A weight computed from stored tensors alone (a Transpose of an initializer) is a layer the pass cannot change: named.
    const lenet = decodeModel(readFileSync(LENET));
    const gemm = lenet.graph.node.find((n) => n.name === '/f3/Gemm')!;
    lenet.graph.node.splice(lenet.graph.node.indexOf(gemm), 0, { opType: 'Transpose', input: [gemm.input[1]], output: ['f3.weight.t'], name: 'wt', attribute: [] } as unknown as typeof gemm);
    gemm.input[1] = 'f3.weight.t';
    const s = clusterWeights(lenet, { k: 16, storage: 'codebook' });
    expect(s.skipped).toContainEqual({ layer: '/f3/Gemm', reason: "its weight 'f3.weight.t' is computed in the graph, not stored" });
  });
});
