// The model builder emits valid ONNX that ONNX Runtime runs, reproducibly from a seed,
// with the layouts the fixtures and published architectures have.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildLeNet5, buildMlp, buildMobileNetV2Style, buildModel, buildResNet } from '../../src/main/onnx/builder/index.ts';
import { decodeModel, encodeModel, opsetVersion, type Model } from '../../src/main/onnx/model.ts';
import { valueInfoDims } from '../../src/main/onnx/graph.ts';
import { elementCount } from '../../src/main/onnx/tensor.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { FIXTURES_DIR } from '../fixtures-path.ts';

const FIXTURES = `${FIXTURES_DIR}/`;

async function run(model: Model, dims: number[]): Promise<ort.Tensor> {
  const session = await createSession(encodeModel(model));
  const count = dims.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.37));
  const out = await session.run({ input: new ort.Tensor('float32', data, dims) });
  return out.logits;
}

function paramCount(model: Model): number {
  return model.graph.initializer.reduce((sum, t) => sum + elementCount(t.dims.map(Number)), 0);
}

describe('model builder', () => {
  it('MLP takes MNIST images [N,1,28,28], flattens them and runs in ONNX Runtime', async () => {
    const model = buildMlp({ sizes: [784, 64, 64, 10] });
    expect(valueInfoDims(model.graph.input[0])).toEqual(['N', 1, 28, 28]);
    expect(model.graph.node.map((n) => n.opType)).toEqual(['Flatten', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm']);
    expect(paramCount(model)).toBe(784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10);
    const logits = await run(model, [3, 1, 28, 28]);
    expect(logits.dims).toEqual([3, 10]);
  });

  it('MLP with a flat input has no Flatten', async () => {
    const model = buildMlp({ sizes: [20, 8, 3] });
    expect(model.graph.node[0].opType).toBe('Gemm');
    expect((await run(model, [2, 20])).dims).toEqual([2, 3]);
  });

  it('LeNet-5 has the fixture layout and 61,706 parameters', async () => {
    const model = buildLeNet5();
    const fixture = decodeModel(readFileSync(`${FIXTURES}lenet5-mnist-trained.onnx`));
    const shapes = (m: Model) => m.graph.initializer.map((t) => [t.name, t.dims.map(Number)]).sort();
    expect(shapes(model)).toEqual(shapes(fixture));
    expect(model.graph.node.map((n) => n.opType)).toEqual(fixture.graph.node.map((n) => n.opType));
    expect(paramCount(model)).toBe(61706);
    expect(model.irVersion).toBe(8);
    expect(opsetVersion(model)).toBe(17);
    expect((await run(model, [2, 1, 28, 28])).dims).toEqual([2, 10]);
  });

  it('is reproducible from its seed', () => {
    const a = encodeModel(buildLeNet5({ seed: 7 }));
    const b = encodeModel(buildLeNet5({ seed: 7 }));
    const c = encodeModel(buildLeNet5({ seed: 8 }));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('He init gives weight std near sqrt(2 / fanIn)', () => {
    const model = buildMlp({ sizes: [784, 256, 10] });
    const w = model.graph.initializer.find((t) => t.name === 'fc1.weight')!;
    const values = new Float32Array(w.rawData.slice().buffer);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeCloseTo(Math.sqrt(2 / 784), 2);
  });

  it('MobileNetV2-style: depthwise convs, Clip as ReLU6, residual Adds, optional BatchNormalization', async () => {
    const withBn = buildMobileNetV2Style({ width: 0.35, classes: 10, inputSize: 32 });
    const ops = withBn.graph.node.map((n) => n.opType);
    expect(ops.filter((o) => o === 'Add').length).toBe(10);
    expect(ops.filter((o) => o === 'Clip').length).toBe(35);
    expect(ops.filter((o) => o === 'BatchNormalization').length).toBe(52);
    const depthwise = withBn.graph.node.filter((n) => n.opType === 'Conv' && n.attribute.some((a) => a.name === 'group' && Number(a.i) > 1));
    expect(depthwise.length).toBe(17);
    expect((await run(withBn, [2, 3, 32, 32])).dims).toEqual([2, 10]);
    const noBn = buildMobileNetV2Style({ width: 0.35, classes: 10, inputSize: 32, batchNorm: false });
    expect(noBn.graph.node.some((n) => n.opType === 'BatchNormalization')).toBe(false);
    expect((await run(noBn, [1, 3, 32, 32])).dims).toEqual([1, 10]);
  });

  it('ResNet-small: residual Adds, 1x1 downsample convs, with and without BatchNormalization', async () => {
    const model = buildResNet({ depth: 'small', classes: 10, inputSize: 32 });
    const ops = model.graph.node.map((n) => n.opType);
    expect(ops.filter((o) => o === 'Add').length).toBe(3);
    const downsample = model.graph.node.filter((n) => n.opType === 'Conv' && n.name.includes('downsample'));
    expect(downsample.length).toBe(2);
    expect((await run(model, [2, 3, 32, 32])).dims).toEqual([2, 10]);
    const noBn = buildResNet({ depth: 'small', batchNorm: false });
    expect(noBn.graph.node.some((n) => n.opType === 'BatchNormalization')).toBe(false);
    expect((await run(noBn, [1, 3, 32, 32])).dims).toEqual([1, 10]);
  });

  it('ResNet-18 has torchvision\'s 11,689,512 parameters and runs at 224x224', async () => {
    const model = buildResNet({ depth: 18 });
    // torchvision resnet18: 11,689,512 parameters (BN running stats are buffers, not parameters).
    const buffers = model.graph.initializer.filter((t) => /running_(mean|var)$/.test(t.name));
    expect(paramCount(model) - buffers.reduce((s, t) => s + Number(t.dims[0]), 0)).toBe(11689512);
    expect((await run(model, [1, 3, 224, 224])).dims).toEqual([1, 1000]);
  });

  it('buildModel dispatches every zoo architecture and refuses unknown ones', async () => {
    for (const arch of ['mlp', 'lenet5', 'resnet-small']) {
      const dims = arch === 'resnet-small' ? [1, 3, 32, 32] : [1, 1, 28, 28];
      expect((await run(buildModel(arch, { classes: 5 }), dims)).dims).toEqual([1, 5]);
    }
    expect(() => buildModel('vgg16')).toThrow(/no architecture 'vgg16'/);
    expect(() => buildMlp({ sizes: [10] })).toThrow(/at least two/);
  });
});
