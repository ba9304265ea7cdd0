// Static int8 QDQ end to end with real ONNX Runtime sessions: LeNet-5 accuracy and file
// size on the MNIST test split, fusion of every Conv/Gemm/MatMul on a builder ResNet and on
// MobileNetV2 (counted in ORT's own optimized graph), target presets and exclusions.
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/main/data/mnist.ts';
import { encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { tensorToArray } from '../../src/main/onnx/tensor.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { buildResNet, GraphBuilder } from '../../src/main/onnx/builder/index.ts';
import { evaluateModel } from '../../src/main/runtime/evaluate.ts';
import { quantizeStatic } from '../../src/main/passes/quantize/static.ts';
import { countInt8Kernels, optimizedGraph, verifyFusion } from '../../src/main/passes/quantize/verify.ts';
import { targetForCpu } from '../../src/main/passes/quantize/presets.ts';
import { LENET_PATH, lenet, mnistCalibration, mobilenet, synthetic, HOST_X86 } from './helpers.ts';

function count(model: Model, op: string): number {
  return model.graph.node.filter((n) => n.opType === op).length;
}

describe('LeNet-5 static per-channel int8', () => {
  it('loses at most 0.3 points on the MNIST test split and is at most 0.27x the fp32 file', async () => {
    const { model, report } = await quantizeStatic(lenet(), mnistCalibration(256), { target: 'x86-vnni', perChannel: true, sqnrSamples: 16 });
    const bytes = encodeModel(model);
    const test = loadMnist('test');
    const fp32 = await evaluateModel(LENET_PATH, test);
    const int8 = await evaluateModel(bytes, test);
    expect((fp32.top1! - int8.top1!) * 100).toBeLessThanOrEqual(0.3);
    expect(bytes.length / statSync(LENET_PATH).size).toBeLessThanOrEqual(0.27);
    // Weights are int8 initializers, biases int32; no fp32 weight is left behind.
    const types = new Set(model.graph.initializer.filter((t) => t.dims.length > 1).map((t) => t.dataType));
    expect([...types]).toEqual([DataType.INT8]);
    expect(report.fusion).toMatchObject({ groups: 5, fused: 5, unfused: [] });
    expect(report.fusion!.kernels).toMatchObject({ QLinearConv: 2, QGemm: 3 });
    // Relu folded into the producers' ranges: no Relu left, every activation zero point at uint8 0.
    expect(count(model, 'Relu')).toBe(0);
    const acts = report.tensors.filter((t) => t.kind === 'activation');
    expect(acts.every((t) => t.zeroPoint === 0)).toBe(true);
    // MaxPool/Flatten share their input's scale: no requantization around them.
    expect(acts.filter((t) => t.sharedWith).map((t) => t.producerOp).sort()).toEqual(['Flatten', 'MaxPool', 'MaxPool']);
    expect(acts.filter((t) => t.sqnrDb !== undefined).every((t) => t.sqnrDb! > 30)).toBe(true);
    expect(report.tensors.filter((t) => t.kind === 'weight').every((t) => t.channels !== undefined && t.sqnrDb! > 35)).toBe(true);
  });

  it('int32 bias at input scale x weight scale, zero point 0, per channel; the input model is untouched', async () => {
    const source = lenet();
    const before = encodeModel(source);
    const { model } = await quantizeStatic(source, mnistCalibration(32), { target: 'x86-vnni', verify: false, sqnrSamples: 0 });
    expect(encodeModel(source)).toEqual(before);
    const bias = model.graph.initializer.find((t) => t.name === 'c1.bias_q')!;
    expect(bias.dataType).toBe(DataType.INT32);
    const dq = model.graph.node.find((n) => n.input[0] === 'c1.bias_q')!;
    expect(dq.opType).toBe('DequantizeLinear');
    expect(dq.input.length).toBe(2); // zero point omitted = 0
    const mul = model.graph.node.find((n) => n.output[0] === dq.input[1])!;
    expect(mul.opType).toBe('Mul');
    expect(mul.input).toContain('c1.weight_s');
  });

  it('presets: x86-avx2 uses 7-bit weights, tensorrt symmetric int8 with zero points 0, arm int8 activations', async () => {
    const cal = mnistCalibration(32);
    const avx2 = await quantizeStatic(lenet(), cal, { target: 'x86-avx2', verify: false, sqnrSamples: 0 });
    const w = avx2.model.graph.initializer.find((t) => t.name === 'f1.weight_q')!;
    expect(Math.max(...Array.from(tensorToArray(w) as Int8Array, Math.abs))).toBe(63);
    const trt = await quantizeStatic(lenet(), cal, { target: 'tensorrt', verify: false, sqnrSamples: 0 });
    expect(trt.report.tensors.every((t) => t.zeroPoint === 0)).toBe(true);
    const zps = trt.model.graph.initializer.filter((t) => /^qz\d+$/.test(t.name));
    expect(zps.length).toBeGreaterThan(0);
    expect(zps.every((t) => t.dataType === DataType.INT8 && (tensorToArray(t) as Int8Array)[0] === 0)).toBe(true);
    // Symmetric activations cannot absorb Relu: it stays, in float between Q/DQ pairs.
    expect(count(trt.model, 'Relu')).toBe(4);
    const arm = await quantizeStatic(lenet(), cal, { target: 'arm', sqnrSamples: 0 });
    expect(arm.report.settings.activationType).toBe('int8');
    // A chain where each quantized value feeds one group: ORT fuses S8S8 on x86 too.
    expect(arm.report.fusion).toMatchObject({ groups: 5, fused: 5 });
    expect(arm.model.graph.initializer.filter((t) => /^qz\d+$/.test(t.name)).every((t) => t.dataType === DataType.INT8)).toBe(true);
  });

  it('host detection reads /proc/cpuinfo flags', () => {
    expect(targetForCpu('flags\t\t: fpu avx2 avx512f avx512_vnni\n', 'x64')).toBe('x86-vnni');
    expect(targetForCpu('flags\t\t: fpu avx2 avx_vnni\n', 'x64')).toBe('x86-vnni');
    expect(targetForCpu('flags\t\t: fpu sse4_2 avx2 fma\n', 'x64')).toBe('x86-avx2');
    expect(targetForCpu('Features\t: fp asimd\n', 'arm64')).toBe('arm');
  });

  it('exclusions by name, op type and first/last layer stay float with the reason', async () => {
    const cal = mnistCalibration(32);
    const { model, report } = await quantizeStatic(lenet(), cal, { target: 'x86-vnni', excludeFirst: true, excludeLast: true, excludeNodes: ['/f2/Gemm'], sqnrSamples: 0 });
    const reasons = Object.fromEntries(report.floatNodes.map((f) => [f.node, f.reason]));
    expect(reasons['/c1/Conv']).toMatch(/first layer/);
    expect(reasons['/f3/Gemm']).toMatch(/last layer/);
    expect(reasons['/f2/Gemm']).toMatch(/excluded by name/);
    expect(report.fusion).toMatchObject({ groups: 2, fused: 2 });
    expect(count(model, 'Conv')).toBe(2);
    const byOp = await quantizeStatic(lenet(), cal, { target: 'x86-vnni', excludeOpTypes: ['Gemm'], sqnrSamples: 0 });
    expect(byOp.report.fusion!.kernels).toEqual({ QLinearConv: 2 });
  });
});

describe('fusion on bigger CNNs (every Conv/Gemm/MatMul becomes an int8 kernel)', () => {
  it('builder ResNet (BatchNorm folded, residual Adds)', async () => {
    const fp32 = buildResNet({ depth: 'small' });
    const convs = count(fp32, 'Conv');
    const gemms = count(fp32, 'Gemm');
    const { model, report } = await quantizeStatic(fp32, synthetic(8, [3, 32, 32]), { target: 'x86-vnni', sqnrSamples: 0 });
    const optimized = await optimizedGraph(model);
    const kernels = countInt8Kernels(optimized);
    expect(kernels.QLinearConv).toBe(convs);
    // No needless requantization: the input's Q is the only Q/DQ ORT keeps.
    expect(count(optimized, 'QuantizeLinear')).toBe(1);
    expect(count(optimized, 'DequantizeLinear')).toBe(0);
    expect(kernels.QGemm).toBe(gemms);
    expect(kernels.QLinearAdd).toBe(count(fp32, 'Add'));
    expect(report.fusion!.unfused).toEqual([]);
  });

  it('MobileNetV2 fixture (Clip folded, depthwise convs)', async () => {
    const fp32 = mobilenet();
    const { model, report } = await quantizeStatic(fp32, synthetic(3, [3, 224, 224]), { target: 'x86-vnni', sqnrSamples: 0 });
    const optimized = await optimizedGraph(model);
    const kernels = countInt8Kernels(optimized);
    expect(kernels.QLinearConv).toBe(count(fp32, 'Conv'));
    expect(kernels.QLinearAdd).toBe(count(fp32, 'Add'));
    expect(count(optimized, 'QuantizeLinear')).toBe(1);
    expect(count(optimized, 'DequantizeLinear')).toBe(0);
    expect(kernels.QGemm).toBe(count(fp32, 'Gemm'));
    expect(report.fusion!.unfused).toEqual([]);
    expect(count(model, 'Clip')).toBe(0);
    expect(encodeModel(model).length).toBeLessThan(encodeModel(fp32).length * 0.3);
  });
});

describe('the other int8 kernels ORT fuses', () => {
  it('MatMul (per-column weights), Add with a constant, LeakyRelu, Sigmoid, Concat and Softmax all become QLinear ops', async () => {
    const b = new GraphBuilder(3);
    const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
    b.addInitializer('w1', [16, 12], values(192, 1));
    b.addInitializer('b1', [12], values(12, 2));
    b.addInitializer('w2', [12, 8], values(96, 3));
    b.addInitializer('w3', [12, 8], values(96, 4));
    b.op('MatMul', ['input', 'w1'], ['m1'], undefined, 'mm1');
    b.op('Add', ['m1', 'b1'], ['a1'], undefined, 'add1');
    b.op('LeakyRelu', ['a1'], ['l1'], { alpha: 0.1 }, 'lrelu');
    b.op('MatMul', ['l1', 'w2'], ['m2'], undefined, 'mm2');
    b.op('Sigmoid', ['m2'], ['s2'], undefined, 'sig');
    b.op('MatMul', ['l1', 'w3'], ['m3'], undefined, 'mm3');
    b.op('Concat', ['s2', 'm3'], ['c'], { axis: 1 }, 'cat');
    b.op('Softmax', ['c'], ['y'], { axis: 1 }, 'softmax');
    const fp32 = b.finish([16], 16, 'ops', 'test');
    const ds = synthetic(64, [16]);
    const { model, report } = await quantizeStatic(fp32, ds, { target: HOST_X86, sqnrSamples: 16 });
    expect(report.fusion).toMatchObject({ groups: 8, fused: 8, unfused: [] });
    expect(report.fusion!.kernels).toEqual({ QLinearMatMul: 3, QLinearAdd: 1, QLinearLeakyRelu: 1, QLinearSigmoid: 1, QLinearConcat: 1, QLinearSoftmax: 1 });
    const w = report.tensors.find((t) => t.tensor === 'w1')!;
    expect(w.channels).toBe(12); // per column of B [K, N]
    // ORT's QLinearSoftmax only computes right with output scale 1/256, zero point 0.
    expect(report.tensors.find((t) => t.tensor === 'logits')).toMatchObject({ scale: 1 / 256, zeroPoint: 0 });
    const r = await evaluateModel(encodeModel(model), ds, { reference: encodeModel(fp32) });
    expect(r.sqnrDb).toBeGreaterThan(30);
    // The fused kernels compute what the QDQ graph says.
    expect(report.outputs!.fusedVsQdqDb).toBeGreaterThan(35);
    expect(Math.abs(report.outputs!.int8VsFloatDb - r.sqnrDb!)).toBeLessThan(2); // 16 vs 64 samples
    // Symmetric activations cannot give Softmax that range: it stays float, with the reason.
    const trt = await quantizeStatic(fp32, ds, { target: 'tensorrt', sqnrSamples: 0, verify: false });
    expect(trt.report.floatNodes.find((f) => f.opType === 'Softmax')!.reason).toMatch(/asymmetric/);
  });
});

describe('shared constants', () => {
  it('a constant read by two Adds is quantized once and the graph stays valid', async () => {
    const b = new GraphBuilder(4);
    b.addInitializer('w', [8, 8], Array.from({ length: 64 }, (_, i) => Math.cos(i * 1.7) * 0.4));
    b.addInitializer('c', [8], Array.from({ length: 8 }, (_, i) => i / 8 - 0.5));
    b.op('MatMul', ['input', 'w'], ['m1'], undefined, 'mm1');
    b.op('Add', ['m1', 'c'], ['a1'], undefined, 'add1');
    b.op('MatMul', ['a1', 'w'], ['m2'], undefined, 'mm2');
    b.op('Add', ['m2', 'c'], ['y'], undefined, 'add2');
    const fp32 = b.finish([8], 8, 'shared', 'test');
    const ds = synthetic(32, [8]);
    const { model, report } = await quantizeStatic(fp32, ds, { target: HOST_X86, sqnrSamples: 8 });
    expect(model.graph.node.filter((n) => n.output[0] === 'c_dq')).toHaveLength(1);
    expect(report.fusion).toMatchObject({ groups: 4, fused: 4 });
    const r = await evaluateModel(encodeModel(model), ds, { reference: encodeModel(fp32) });
    expect(r.sqnrDb).toBeGreaterThan(30);
  });
});

describe('fusion verification', () => {
  it('lists a group ORT leaves in float, by name and with a reason', async () => {
    const { model } = await quantizeStatic(lenet(), mnistCalibration(16), { target: 'x86-vnni', verify: false, sqnrSamples: 0 });
    // Feed the first Conv the float input directly (no DQ on x): ORT cannot form its int8 group.
    const conv = model.graph.node.find((n) => n.name === '/c1/Conv')!;
    conv.input[0] = 'input';
    const groups = [{ node: '/c1/Conv', opType: 'Conv' }, { node: '/c2/Conv', opType: 'Conv' }];
    const report = await verifyFusion(model, groups, 'uint8');
    expect(report.fused).toBe(1);
    expect(report.unfused).toHaveLength(1);
    expect(report.unfused[0]).toMatchObject({ node: '/c1/Conv', opType: 'Conv' });
    expect(report.unfused[0].reason).toMatch(/DQ -> op -> Q/);
    expect(report.kernels.QLinearConv).toBe(1);
  });
});
