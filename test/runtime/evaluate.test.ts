// evaluateModel against hand-written loops over raw ONNX Runtime sessions: accuracy on the
// MNIST test split, agreement and SQNR against a perturbed reference, and the bad inputs.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/main/data/mnist.ts';
import type { Dataset } from '../../src/main/data/dataset.ts';
import { makeSynthetic } from '../../src/main/data/synthetic.ts';
import { evaluateModel } from '../../src/main/runtime/evaluate.ts';
import { decodeModel, encodeModel } from '../../src/main/onnx/model.ts';
import { tensorToFloat32, float32Tensor } from '../../src/main/onnx/tensor.ts';
import { makeValueInfo } from '../../src/main/onnx/graph.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { GraphBuilder } from '../../src/main/onnx/builder/index.ts';
import { isWhittleError } from '../../src/shared/errors.ts';
import { LENET_FIXTURE } from '../fixtures-path.ts';

const lenetPath = LENET_FIXTURE;

/** Raw ORT outputs for the first `n` samples, batch 100, no Whittle code in the loop. */
async function rawLogits(model: string | Uint8Array, ds: Dataset, n: number): Promise<Float32Array[]> {
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
  const out: Float32Array[] = [];
  for (let s = 0; s < n; s += 100) {
    const count = Math.min(100, n - s);
    const x = new ort.Tensor('float32', ds.inputs.slice(s * 784, (s + count) * 784), [count, 1, 28, 28]);
    const r = await session.run({ input: x });
    const logits = r.logits.data as Float32Array;
    for (let i = 0; i < count; i++) out.push(logits.slice(i * 10, (i + 1) * 10));
  }
  await session.release();
  return out;
}

function argmax(v: Float32Array): number {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
  return b;
}

async function expectCode(p: Promise<unknown>, code: string): Promise<Error> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(isWhittleError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
  return err as Error;
}

describe('evaluateModel', () => {
  let test: Dataset;
  beforeAll(() => { test = loadMnist('test'); });

  it('gives the accuracy of a hand-written ONNX Runtime loop on the MNIST test split (96.11%)', async () => {
    const result = await evaluateModel(lenetPath, test, { batchSize: 64 });
    const logits = await rawLogits(lenetPath, test, test.size);
    let correct = 0;
    let top5 = 0;
    logits.forEach((v, i) => {
      if (argmax(v) === test.labels![i]) correct++;
      const target = v[test.labels![i]];
      if (Array.from(v).filter((x) => x > target).length < 5) top5++;
    });
    expect(result.samples).toBe(2004);
    expect(result.top1).toBe(correct / test.size);
    expect(result.top5).toBe(top5 / test.size);
    expect(result.top1).toBeCloseTo(0.9611, 4);
    expect(result.numClasses).toBe(10);
    expect(result.agreement).toBeUndefined();
    const perClass = Array.from({ length: 10 }, () => [0, 0]);
    logits.forEach((v, i) => { const l = test.labels![i]; perClass[l][1]++; if (argmax(v) === l) perClass[l][0]++; });
    expect(result.perClass).toEqual(perClass.map(([c, n], label) => ({ label, samples: n, top1: c / n })));
    console.log(`LeNet-5 on MNIST test: top-1 ${(result.top1! * 100).toFixed(2)}%, top-5 ${(result.top5! * 100).toFixed(2)}%`);
  });

  it('measures agreement and SQNR against a reference as a hand computation does', async () => {
    // Reference: the same network with its last bias shifted, so some arg-maxes flip.
    const model = decodeModel(readFileSync(lenetPath));
    const inits = model.graph.initializer;
    const bias = inits.filter((t) => t.dims.length === 1 && Number(t.dims[0]) === 10).pop()!;
    const shifted = tensorToFloat32(bias).map((v, i) => v + (i % 2 === 0 ? 1.5 : -1.5));
    inits[inits.indexOf(bias)] = float32Tensor(bias.name, [10], shifted);
    const refBytes = encodeModel(model);
    const n = 300;
    const progress: number[] = [];
    const result = await evaluateModel(lenetPath, test, { reference: refBytes, limit: n, batchSize: 32, onProgress: (d) => progress.push(d) });
    const a = await rawLogits(lenetPath, test, n);
    const b = await rawLogits(refBytes, test, n);
    let agree = 0;
    let referenceHits = 0;
    let sig = 0;
    let noise = 0;
    for (let i = 0; i < n; i++) {
      if (argmax(a[i]) === argmax(b[i])) agree++;
      if (argmax(b[i]) === test.labels![i]) referenceHits++;
      for (let c = 0; c < 10; c++) { sig += b[i][c] ** 2; noise += (a[i][c] - b[i][c]) ** 2; }
    }
    expect(result.samples).toBe(n);
    expect(result.agreement).toBe(agree / n);
    expect(agree).toBeLessThan(n);
    // The reference's own top-1 on the same samples (the node face's "Δ vs ref").
    expect(result.referenceTop1).toBe(referenceHits / n);
    expect(result.referenceTop1).not.toBe(result.top1);
    expect(result.sqnrDb!).toBeCloseTo(10 * Math.log10(sig / noise), 3);
    expect(progress[progress.length - 1]).toBe(n);
    expect(progress.length).toBe(Math.ceil(n / 32));
  });

  it('gives full agreement and infinite SQNR against itself', async () => {
    const r = await evaluateModel(lenetPath, test, { reference: lenetPath, limit: 100 });
    expect(r.agreement).toBe(1);
    expect(r.referenceTop1).toBe(r.top1);
    expect(r.sqnrDb).toBe(Number.POSITIVE_INFINITY);
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    const p = evaluateModel(lenetPath, test, { batchSize: 16, onProgress: (d) => { if (d >= 64) ac.abort(); }, signal: ac.signal });
    await expect(p).rejects.toThrow();
  });

  it('refuses a model with an input the dataset cannot feed, naming it', async () => {
    const b = new GraphBuilder(1);
    const sum = b.add('input', 'extra');
    b.gemm(sum, 784, 10);
    const model = b.finish([784], 10, 'two inputs', 'test');
    model.graph.input.push(makeValueInfo('extra', DataType.FLOAT, ['N', 784]));
    const ds = makeSynthetic({ shape: [784], count: 4 });
    const err = await expectCode(evaluateModel(encodeModel(model), ds), 'runtime.missing-input');
    expect(err.message).toContain("'extra'");
    await expectCode(evaluateModel(lenetPath, test, { inputName: 'pixels', limit: 4 }), 'runtime.missing-input');
  });

  it('refuses a dataset whose sample shape does not match the model, naming both shapes', async () => {
    const ds = makeSynthetic({ shape: [3, 32, 32], count: 4 });
    const err = await expectCode(evaluateModel(lenetPath, ds), 'runtime.shape-mismatch');
    expect(err.message).toContain('[3, 32, 32]');
    expect(err.message).toContain('[N, 1, 28, 28]');
    const flat = makeSynthetic({ shape: [784], count: 4 });
    await expectCode(evaluateModel(lenetPath, flat), 'runtime.shape-mismatch');
  });

  it('evaluates a model that fixes its batch axis, zero-padding the last batch', async () => {
    const free = await evaluateModel(lenetPath, test, { limit: 10 });
    for (const fixed of [1, 4]) {
      const model = decodeModel(readFileSync(lenetPath));
      model.graph.input[0] = makeValueInfo('input', DataType.FLOAT, [fixed, 1, 28, 28]);
      model.graph.output[0] = makeValueInfo('logits', DataType.FLOAT, [fixed, 10]);
      const progress: number[] = [];
      const r = await evaluateModel(encodeModel(model), test, { limit: 10, batchSize: 64, onProgress: (d) => progress.push(d) });
      expect(r.samples).toBe(10);
      expect(r.top1).toBe(free.top1);
      expect(progress).toHaveLength(Math.ceil(10 / fixed));
    }
  });

  it('refuses an empty dataset', async () => {
    const empty: Dataset = { name: 'empty', size: 0, sampleShape: [1, 28, 28], inputs: new Float32Array(0) };
    await expectCode(evaluateModel(lenetPath, empty), 'data.empty');
  });
});
