// Statistics against published figures (MobileNetV2, ResNet-18), hand-computed LeNet-5
// figures, and weights stored as codebooks (Gather) or QDQ (DequantizeLinear).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { DataType } from '../../src/main/onnx/proto.ts';
import { cloneModel, encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { loadModelFile, saveModelFile } from '../../src/main/onnx/file.ts';
import { buildLeNet5, buildMobileNetV2Style, buildResNet } from '../../src/main/onnx/builder/index.ts';
import { makeNode, removeInitializer, renameUses } from '../../src/main/onnx/graph.ts';
import { float32Tensor, makeTensor, tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import { modelFileStats, modelStats } from '../../src/main/onnx/stats.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { FIXTURES_DIR } from '../fixtures-path.ts';

const FIXTURES = `${FIXTURES_DIR}/`;
const within = (value: number, published: number, tolerance = 0.02) => expect(Math.abs(value / published - 1)).toBeLessThan(tolerance);

/** LeNet-5 by hand: conv MACs = C_out * H_out * W_out * C_in * k * k, fc MACs = in * out. */
const LENET_PARAMS = (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
const LENET_MACS = [6 * 28 * 28 * 1 * 25, 16 * 10 * 10 * 6 * 25, 400 * 120, 120 * 84, 84 * 10];

async function logits(model: Model): Promise<Float32Array> {
  const session = await createSession(encodeModel(model), { threads: 1 });
  const input = Float32Array.from({ length: 2 * 784 }, (_, i) => Math.sin(i * 0.1));
  return (await session.run({ input: new ort.Tensor('float32', input, [2, 1, 28, 28]) })).logits.data as Float32Array;
}

describe('model statistics', () => {
  it('LeNet-5 fixture: 61,706 parameters and hand-computed MACs per layer', () => {
    const stats = modelFileStats(join(FIXTURES, 'lenet5-mnist-trained.onnx'));
    expect(LENET_PARAMS).toBe(61706);
    expect(stats.params).toBe(61706);
    expect(stats.layers.map((l) => l.opType)).toEqual(['Conv', 'Conv', 'Gemm', 'Gemm', 'Gemm']);
    expect(stats.layers.map((l) => l.macs)).toEqual(LENET_MACS);
    expect(stats.macs).toBe(LENET_MACS.reduce((a, b) => a + b, 0));
    expect(stats.layers[1].weightDims).toEqual([16, 6, 5, 5]);
    expect(stats.layers[1].outputShape).toEqual([1, 16, 10, 10]);
    // A trained float model has (almost) no exact zeros.
    expect(stats.nonZeroParams).toBeGreaterThan(61000);
    const bytes = readFileSync(join(FIXTURES, 'lenet5-mnist-trained.onnx'));
    expect(stats.sizeBytes).toBe(bytes.length);
    expect(stats.gzipSizeBytes).toBe(gzipSync(bytes).length);
    expect(stats.opset).toBe(13);
    expect(stats.opsHistogram).toEqual({ Conv: 2, Relu: 4, MaxPool: 2, Flatten: 1, Gemm: 3 });
    expect(stats.inputs).toEqual([{ name: 'input', dims: ['N', 1, 28, 28], elemType: 'float' }]);
    expect(stats.outputs).toEqual([{ name: 'logits', dims: ['N', 10], elemType: 'float' }]);
  });

  it('MobileNetV2 fixture: about 300 M MACs and 3.5 M parameters', () => {
    const stats = modelFileStats(join(FIXTURES, 'mobilenet_v2-random.onnx'));
    within(stats.macs, 300e6);
    within(stats.params, 3.5e6);
    expect(stats.macsUnknownLayers).toBe(0);
    // 17 depthwise convs: their MACs are C * H * W * 9, not C * C * H * W * 9.
    const depthwise = stats.layers.filter((l) => l.opType === 'Conv' && l.weightDims?.[1] === 1);
    expect(depthwise.length).toBe(17);
    const first = depthwise[0];
    expect(first.macs).toBe(32 * 112 * 112 * 9);
  });

  it('builder ResNet-18 at 224x224: 1.8 G MACs and 11.7 M parameters (BN running stats are buffers)', () => {
    const stats = modelStats(buildResNet({ depth: 18 }));
    within(stats.macs, 1.8e9);
    within(stats.params, 11.7e6);
    expect(stats.params).toBe(11689512);
    const builder = modelStats(buildMobileNetV2Style({}));
    expect(builder.params).toBe(3504872); // torchvision mobilenet_v2
    within(builder.macs, 300e6);
  });

  it('counts zeros: sparsity per layer and in total', () => {
    const model = buildLeNet5();
    const w = model.graph.initializer.find((t) => t.name === 'f1.weight')!;
    const values = tensorToFloat32(w);
    for (let i = 0; i < values.length; i += 4) values[i] = 0;
    model.graph.initializer[model.graph.initializer.indexOf(w)] = float32Tensor('f1.weight', [120, 400], values);
    const stats = modelStats(model);
    const f1 = stats.layers.find((l) => l.name === 'f1')!;
    expect(f1.params).toBe(48120);
    expect(f1.nonZeroParams).toBe(48120 - 12000);
    expect(f1.sparsity).toBeCloseTo(12000 / 48120, 10);
    expect(stats.nonZeroParams).toBe(61706 - 12000);
  });

  it('a clustered weight, Gather(codebook, Cast(uint8 indices)), counts as its Conv\'s parameters', async () => {
    const model = buildLeNet5();
    const clustered = cloneModel(model);
    const w = tensorToFloat32(clustered.graph.initializer.find((t) => t.name === 'c2.weight')!);
    // 16 centroids over the weight range, one of them exactly zero.
    const lo = Math.min(...w);
    const hi = Math.max(...w);
    const book = Array.from({ length: 16 }, (_, k) => (k === 0 ? 0 : lo + ((hi - lo) * k) / 15));
    const indices = Uint8Array.from(w, (v) => book.reduce((best, c, k) => (Math.abs(v - c) < Math.abs(v - book[best]) ? k : best), 0));
    const exact = Float32Array.from(indices, (i) => book[i]);
    // The reference: the same Conv with the clustered values stored plainly.
    const plain = cloneModel(model);
    plain.graph.initializer[plain.graph.initializer.findIndex((t) => t.name === 'c2.weight')] = float32Tensor('c2.weight', [16, 6, 5, 5], exact);
    const reference = await logits(plain);
    removeInitializer(clustered.graph, 'c2.weight');
    clustered.graph.initializer.push(makeTensor('c2.idx', [16, 6, 5, 5], indices), float32Tensor('c2.book', [book.length], book));
    clustered.graph.node.unshift(
      makeNode('Cast', ['c2.idx'], ['c2.idx32'], { attrs: { to: DataType.INT32 } }),
      makeNode('Gather', ['c2.book', 'c2.idx32'], ['c2.w'], { attrs: { axis: 0 } }),
    );
    renameUses(clustered.graph, 'c2.weight', 'c2.w');
    const stats = modelStats(clustered);
    const c2 = stats.layers.find((l) => l.name === 'c2')!;
    expect(stats.layers.map((l) => l.opType)).toEqual(['Conv', 'Conv', 'Gemm', 'Gemm', 'Gemm']);
    expect(c2.params).toBe(2416);
    expect(c2.weightEncoding).toBe('codebook');
    expect(c2.nonZeroParams).toBe(2416 - [...exact].filter((v) => v === 0).length);
    expect(c2.macs).toBe(240000);
    expect(stats.params).toBe(61706);
    // ORT agrees the clustered graph is the plain graph with the clustered values.
    const got = await logits(clustered);
    expect(Array.from(got).every((v, i) => Math.abs(v - reference[i]) < 1e-4 * (1 + Math.abs(reference[i])))).toBe(true);
  });

  it('a QDQ weight, DequantizeLinear(int8, per-channel scale), counts as its Conv\'s parameters', async () => {
    const model = buildLeNet5();
    const w = tensorToFloat32(model.graph.initializer.find((t) => t.name === 'c1.weight')!);
    const scales = new Float32Array(6);
    const q = new Int8Array(w.length);
    for (let c = 0; c < 6; c++) {
      const slice = w.subarray(c * 25, c * 25 + 25);
      scales[c] = Math.max(...slice.map(Math.abs)) / 127;
      slice.forEach((v, i) => { q[c * 25 + i] = Math.round(v / scales[c]); });
    }
    q.fill(0, 0, 5); // five exact zeros
    removeInitializer(model.graph, 'c1.weight');
    model.graph.initializer.push(makeTensor('c1.q', [6, 1, 5, 5], q), float32Tensor('c1.scale', [6], scales), makeTensor('c1.zp', [6], new Int8Array(6)));
    model.graph.node.unshift(makeNode('DequantizeLinear', ['c1.q', 'c1.scale', 'c1.zp'], ['c1.w'], { attrs: { axis: 0 } }));
    renameUses(model.graph, 'c1.weight', 'c1.w');
    const stats = modelStats(model);
    const c1 = stats.layers.find((l) => l.name === 'c1')!;
    expect(c1.params).toBe(156);
    expect(c1.weightEncoding).toBe('quantized');
    expect(c1.nonZeroParams).toBe(156 - [...q].filter((v) => v === 0).length);
    expect(c1.macs).toBe(117600);
    expect((await logits(model)).length).toBe(20);
  });

  it('a model with external data: size counts both files, figures are unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-stats-'));
    const path = join(dir, 'lenet.onnx');
    const saved = saveModelFile(buildLeNet5(), path, { externalDataThresholdBytes: 1024 });
    const stats = modelFileStats(path);
    expect(stats.sizeBytes).toBe(statSync(path).size + statSync(saved.externalDataPath!).size);
    expect(stats.params).toBe(61706);
    expect(stats.macs).toBe(LENET_MACS.reduce((a, b) => a + b, 0));
    rmSync(dir, { recursive: true, force: true });
  });

  it('MobileNetV2 fixture loaded from its file gives the same figures as from the decoded model', () => {
    const model = loadModelFile(join(FIXTURES, 'mobilenet_v2-random.onnx'));
    const a = modelStats(model);
    const b = modelFileStats(join(FIXTURES, 'mobilenet_v2-random.onnx'));
    expect([a.params, a.macs, a.nonZeroParams]).toEqual([b.params, b.macs, b.nonZeroParams]);
  });
});

describe('statistics of compressed models from the passes', () => {
  const lenetModel = () => loadModelFile(join(FIXTURES, 'lenet5-mnist-trained.onnx'));

  it('static int8 LeNet-5 keeps 61,706 parameters and the same MACs (scales are not parameters)', async () => {
    const { quantizeStatic } = await import('../../src/main/passes/quantize/static.ts');
    const { loadMnist } = await import('../../src/main/data/mnist.ts');
    const { subset } = await import('../../src/main/data/dataset.ts');
    const calib = subset(loadMnist('train'), Array.from({ length: 32 }, (_, i) => i * 200));
    const { model } = await quantizeStatic(lenetModel(), calib, { verify: false, sqnrSamples: 0, calibrationSamples: 32 });
    const stats = modelStats(model);
    expect(stats.params).toBe(LENET_PARAMS);
    expect(stats.macs).toBe(LENET_MACS.reduce((a, b) => a + b, 0));
    expect(stats.layers.map((l) => l.opType)).toEqual(['Conv', 'Conv', 'Gemm', 'Gemm', 'Gemm']);
    expect(stats.layers.every((l) => l.weightEncoding === 'quantized')).toBe(true);
  });

  it('per-channel clustered LeNet-5 resolves the codebook offsets: same parameters and MACs', async () => {
    const { clusterWeights } = await import('../../src/main/passes/share/cluster.ts');
    const { model } = clusterWeights(lenetModel(), { k: 4, perChannel: true, seed: 1 });
    const stats = modelStats(model);
    expect(stats.params).toBe(LENET_PARAMS);
    expect(stats.layers.map((l) => l.macs)).toEqual(LENET_MACS);
    expect(stats.layers.map((l) => l.opType)).toEqual(['Conv', 'Conv', 'Gemm', 'Gemm', 'Gemm']);
    expect(stats.layers[0].weightEncoding).toBe('codebook');
  });
});
