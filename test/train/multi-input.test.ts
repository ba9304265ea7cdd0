// Models with several data inputs: the dataset supplies the extra inputs by name; training,
// the validation split and evaluation feed them; a missing one is refused by name.
import { describe, expect, it } from 'vitest';
import { onnx } from '../../src/main/onnx/proto.ts';
import { makeNode, makeValueInfo } from '../../src/main/onnx/graph.ts';
import { float32Tensor, tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import type { Model } from '../../src/main/onnx/model.ts';
import { seededRandom, type Dataset } from '../../src/main/data/dataset.ts';
import { trainModel } from '../../src/main/train/trainer.ts';

const SAMPLES = 320;
const rand = seededRandom(11);
const uniform = (n: number) => Float32Array.from({ length: n }, () => rand() * 2 - 1);

/** logits = x W1 + y W2 + b: x [N, 4] and y [N, 3] are two graph inputs. */
function twoInputModel(): Model {
  const graph = onnx.GraphProto.create({
    name: 'two-inputs',
    node: [
      makeNode('MatMul', ['x', 'w1'], ['hx']), makeNode('MatMul', ['y', 'w2'], ['hy']),
      makeNode('Add', ['hx', 'hy'], ['h']), makeNode('Add', ['h', 'b'], ['logits']),
    ],
    initializer: [float32Tensor('w1', [4, 3], uniform(12).map((v) => v * 0.1)), float32Tensor('w2', [3, 3], uniform(9).map((v) => v * 0.1)), float32Tensor('b', [3], [0, 0, 0])],
    input: [makeValueInfo('x', 1, ['N', 4]), makeValueInfo('y', 1, ['N', 3])],
    output: [makeValueInfo('logits', 1, ['N', 3])],
  });
  return onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph }) as unknown as Model;
}

/** Labels that need both inputs: the class is the arg-max of x A + y B. */
function twoInputData(): Dataset {
  const x = uniform(SAMPLES * 4);
  const y = uniform(SAMPLES * 3);
  const a = uniform(12);
  const bMat = uniform(9).map((v) => 3 * v);
  const labels = new Int32Array(SAMPLES);
  for (let s = 0; s < SAMPLES; s++) {
    const score = [0, 1, 2].map((c) => [0, 1, 2, 3].reduce((t, k) => t + x[s * 4 + k] * a[k * 3 + c], 0) + [0, 1, 2].reduce((t, k) => t + y[s * 3 + k] * bMat[k * 3 + c], 0));
    labels[s] = score.indexOf(Math.max(...score));
  }
  return { name: 'two inputs', size: SAMPLES, sampleShape: [4], inputs: x, inputName: 'x', labels, numClasses: 3, extraInputs: [{ name: 'y', sampleShape: [3], values: y }] };
}

describe('models with several data inputs', () => {
  it('trains on the dataset\'s named inputs; the validation split and evaluation feed them too', async () => {
    const model = twoInputModel();
    const r = await trainModel(model, twoInputData(), {
      epochs: 12, batchSize: 32, seed: 1, optimizer: { kind: 'adam', lr: 3e-2 }, valFraction: 0.2, threads: 1,
    });
    expect(r.history[r.history.length - 1].trainLoss).toBeLessThan(r.history[0].trainLoss * 0.6);
    expect(r.history[r.history.length - 1].valAccuracy!).toBeGreaterThan(0.85);
    const before = tensorToFloat32(model.graph.initializer.find((t) => t.name === 'w2')!);
    const after = tensorToFloat32(r.model.graph.initializer.find((t) => t.name === 'w2')!);
    expect(after.some((v, i) => Math.abs(v - before[i]) > 1e-2)).toBe(true);
    expect(r.model.graph.input.map((i) => i.name)).toEqual(['x', 'y']);
  });

  it('names the model input the dataset does not supply', async () => {
    const ds = { ...twoInputData(), extraInputs: undefined };
    await expect(trainModel(twoInputModel(), ds, { epochs: 1, batchSize: 32, optimizer: { kind: 'adam', lr: 1e-3 }, threads: 1 }))
      .rejects.toMatchObject({ code: 'train.multiple-inputs', message: expect.stringContaining('y would be left empty') });
  });

  it('refuses an extra input whose samples do not match the model input', async () => {
    const ds = twoInputData();
    ds.extraInputs = [{ name: 'y', sampleShape: [2], values: new Float32Array(SAMPLES * 2) }];
    await expect(trainModel(twoInputModel(), ds, { epochs: 1, batchSize: 32, optimizer: { kind: 'adam', lr: 1e-3 }, threads: 1 }))
      .rejects.toMatchObject({ code: 'train.shape-mismatch' });
  });
});
