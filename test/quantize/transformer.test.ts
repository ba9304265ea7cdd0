// Quantization of transformers: 4-bit weight-only MatMulNBits (packing checked against ONNX
// Runtime's own kernel), and the ViT fixture on the MNIST test part in static int8, dynamic
// int8 and 4-bit weights, each within its accuracy budget of the fp32 model.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnx } from '../../src/main/onnx/proto.ts';
import { makeNode, makeValueInfo } from '../../src/main/onnx/graph.ts';
import { float32Tensor } from '../../src/main/onnx/tensor.ts';
import { decodeModel, encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { evaluateModel } from '../../src/main/runtime/evaluate.ts';
import { seededRandom } from '../../src/main/data/dataset.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';
import { quantizeBlockwise4, quantizeInt4Weights } from '../../src/main/passes/quantize/matmulnbits.ts';
import { quantizeStatic } from '../../src/main/passes/quantize/static.ts';
import { quantizeDynamic } from '../../src/main/passes/quantize/dynamic.ts';
import { fixtureModel } from '../fixtures-path.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import type { ModelValue } from '../../src/shared/catalog/types.ts';

const M = 7;
const K = 80;
const N = 6;

function random(count: number, seed: number, offset = 0): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: count }, () => rand() * 2 - 1 + offset);
}

/** x [M, K] times a constant weight, as a MatMul or as Gemm(transB, bias). */
function linear(op: 'MatMul' | 'Gemm', w: Float32Array): Model {
  const gemm = op === 'Gemm';
  const graph = onnx.GraphProto.create({
    name: 'linear',
    node: [makeNode(op, gemm ? ['x', 'w', 'b'] : ['x', 'w'], ['y'], { name: op, attrs: gemm ? { transB: 1 } : {} })],
    initializer: [float32Tensor('w', gemm ? [N, K] : [K, N], w), ...(gemm ? [float32Tensor('b', [N], random(N, 5))] : [])],
    input: [makeValueInfo('x', 1, [M, K])],
    output: [makeValueInfo('y', 1, [M, N])],
  });
  return onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph }) as unknown as Model;
}

async function run(model: Model, x: Float32Array): Promise<Float32Array> {
  const session = await createSession(encodeModel(model));
  const out = await session.run({ x: new ort.Tensor('float32', x, [M, K]) });
  await session.release();
  return out.y.data as Float32Array;
}

describe('4-bit weight-only quantization (MatMulNBits)', () => {
  it.each([
    ['MatMul', 32, true], ['MatMul', 32, false], ['MatMul', 64, false], ['Gemm', 128, true], ['Gemm', 32, false],
  ] as const)('%s, block %i, symmetric %s: ONNX Runtime computes x times our dequantized weight', async (op, blockSize, symmetric) => {
    // One-sided weights (offset) exercise the zero points; K = 80 pads the last block.
    const w = random(K * N, 3, symmetric ? 0 : 0.6);
    const model = linear(op, w);
    const r = await quantizeInt4Weights(model, { blockSize, symmetric });
    expect(r.model.graph.node.filter((n) => n.opType === 'MatMulNBits' && n.domain === 'com.microsoft')).toHaveLength(1);
    expect(r.report.fusion).toMatchObject({ groups: 1, fused: 1, kernels: { MatMulNBits: 1 } });
    expect(r.model.graph.initializer.some((t) => t.name === 'w')).toBe(false);
    const x = random(M * K, 9);
    const got = await run(r.model, x);
    // Reference: the same blocks dequantized in JS, as a plain float MatMul (+ bias) in ORT.
    const kn = op === 'Gemm' ? Float32Array.from({ length: K * N }, (_, i) => w[(i % N) * K + Math.floor(i / N)]) : w;
    const deq = quantizeBlockwise4(kn, K, N, blockSize, symmetric).dequantized;
    const reference = op === 'Gemm'
      ? linear('Gemm', Float32Array.from({ length: K * N }, (_, i) => deq[(i % K) * N + Math.floor(i / K)]))
      : linear('MatMul', deq);
    const want = await run(reference, x);
    const exact = await run(model, x);
    let err = 0;
    let quantErr = 0;
    for (let i = 0; i < want.length; i++) { err = Math.max(err, Math.abs(got[i] - want[i])); quantErr = Math.max(quantErr, Math.abs(exact[i] - want[i])); }
    expect(err).toBeLessThan(1e-3);
    // The test would pass vacuously if 4-bit rounding did nothing: it changes the outputs visibly.
    expect(quantErr).toBeGreaterThan(1e-2);
    expect(r.report.tensors[0].sqnrDb).toBeGreaterThan(15);
    // K = 80 fills two blocks of 64 or three of 32, but only 80 rows of one 128 block: the report says so.
    expect(r.report.notes?.length ?? 0).toBe(blockSize > K ? 1 : 0);
  });

  it('refuses a block size MatMulNBits does not take', async () => {
    await expect(quantizeInt4Weights(linear('MatMul', random(K * N, 3)), { blockSize: 48 })).rejects.toMatchObject({ code: 'quantize.bad-block-size' });
    await expect(quantizeInt4Weights(linear('MatMul', random(K * N, 3)), { accuracyLevel: 7 })).rejects.toMatchObject({ code: 'quantize.bad-accuracy-level' });
  });
});

describe('ViT fixture on the MNIST test part', () => {
  const vit = decodeModel(readFileSync(fixtureModel('vit-tiny-mnist-trained.onnx')));
  const test = loadMnist('test');
  const accuracy = async (m: Model) => (await evaluateModel(encodeModel(m), test)).top1!;

  it('static int8 fuses every MatMul/Gemm group, keeps LayerNorm/GELU float, and loses at most 0.5 points', async () => {
    const base = await accuracy(vit);
    expect(base).toBeGreaterThan(0.92);
    const r = await quantizeStatic(vit, loadMnist('train'), { calibrationSamples: 128, sqnrSamples: 0 });
    expect(r.report.fusion!.fused).toBe(r.report.fusion!.groups);
    expect(r.report.fusion!.kernels.QLinearMatMul! + (r.report.fusion!.kernels.MatMulIntegerToFloat ?? 0)).toBeGreaterThanOrEqual(12);
    expect(r.report.fusion!.kernels.QGemm).toBe(5);
    const floatOps = new Set(r.report.floatNodes.map((f) => f.opType));
    expect(floatOps.has('LayerNormalization') && floatOps.has('Erf')).toBe(true);
    const acc = await accuracy(r.model);
    expect(base - acc).toBeLessThanOrEqual(0.005);
  }, 180_000);

  it('dynamic int8 fuses all 17 weight MatMul/Gemm and stays within 0.5 points', async () => {
    const base = await accuracy(vit);
    const r = await quantizeDynamic(vit);
    expect(r.report.fusion).toMatchObject({ groups: 17, fused: 17 });
    expect(base - (await accuracy(r.model))).toBeLessThanOrEqual(0.005);
  }, 120_000);

  it('4-bit weights: MatMulNBits nodes run in ORT, within 1 point, the file under a third of fp32', async () => {
    const base = await accuracy(vit);
    const r = await quantizeInt4Weights(vit, { blockSize: 32, symmetric: true });
    expect(r.model.graph.node.filter((n) => n.opType === 'MatMulNBits')).toHaveLength(17);
    expect(r.report.fusion).toMatchObject({ groups: 17, fused: 17, kernels: { MatMulNBits: 17 } });
    // Attention scores multiply two activations: no weight, left float with that reason.
    expect(r.report.floatNodes.filter((f) => /two activations/.test(f.reason))).toHaveLength(8);
    expect(base - (await accuracy(r.model))).toBeLessThanOrEqual(0.01);
    expect(encodeModel(r.model).length).toBeLessThan(encodeModel(vit).length / 3);
  }, 120_000);
});

describe('quantize node, mode int4', () => {
  it('is offered by the catalog with its block sizes, and the node writes a MatMulNBits model', async () => {
    const spec = findKind('quantize')!;
    const mode = spec.params.mode;
    expect(mode.type === 'enum' && mode.options.map((o) => o.value)).toContain('int4');
    const blockSize = spec.params.blockSize;
    expect(blockSize.type === 'enum' && blockSize.options.map((o) => o.value)).toEqual(['32', '64', '128']);
    const path = fixtureModel('vit-tiny-mnist-trained.onnx');
    const dir = mkdtempSync(join(tmpdir(), 'whittle-int4-test-'));
    try {
      const input: ModelValue = { type: 'model', path, sha256: 'x', sizeBytes: statSync(path).size, label: 'ViT' };
      const r = await HANDLERS.quantize({
        nodeId: 'q', params: { mode: 'int4', blockSize: '64', int4Scheme: 'asymmetric', accuracyLevel: '4' }, inputs: { model: input },
        documentDir: dir, workDir: dir, signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
      });
      const out = r.outputs.model as ModelValue;
      expect(out.label).toBe('ViT · int4 weights b64');
      expect(r.metrics).toMatchObject({ mode: 'int4', layersInt4: 17, fusedGroups: 17, quantizedGroups: 17 });
      const saved = decodeModel(readFileSync(out.path));
      const nbits = saved.graph.node.filter((n) => n.opType === 'MatMulNBits');
      expect(nbits).toHaveLength(17);
      const attr = (name: string) => Number(nbits[0].attribute.find((a) => a.name === name)?.i);
      expect([attr('bits'), attr('block_size'), attr('accuracy_level')]).toEqual([4, 64, 4]);
      expect(nbits[0].input[3]).toMatch(/zero_points/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
