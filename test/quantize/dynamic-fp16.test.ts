// Dynamic int8 on a builder MLP (fused by ORT into DynamicQuantizeMatMul) and fp16 on
// LeNet-5 (accuracy within 0.1 points, fp32 boundary) and on a graph with unsafe ops.
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/main/data/mnist.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { buildMlp, GraphBuilder } from '../../src/main/onnx/builder/index.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { evaluateModel } from '../../src/main/runtime/evaluate.ts';
import { quantizeDynamic } from '../../src/main/passes/quantize/dynamic.ts';
import { convertFp16 } from '../../src/main/passes/quantize/fp16.ts';
import { countInt8Kernels, optimizedGraph } from '../../src/main/passes/quantize/verify.ts';
import { LENET_PATH, lenet, synthetic } from './helpers.ts';

describe('dynamic int8', () => {
  it('stores int8 weights and ORT fuses every layer into an int8 kernel; outputs stay close', async () => {
    const fp32 = buildMlp({ sizes: [784, 128, 64, 10], seed: 4 });
    const { model, report } = await quantizeDynamic(fp32);
    expect(report.fusion).toMatchObject({ groups: 3, fused: 3, unfused: [] });
    const kernels = countInt8Kernels(await optimizedGraph(model));
    expect((kernels.DynamicQuantizeMatMul ?? 0) + (kernels.MatMulIntegerToFloat ?? 0)).toBe(3);
    expect(model.graph.initializer.filter((t) => t.dims.length === 2).every((t) => t.dataType === DataType.INT8)).toBe(true);
    expect(encodeModel(model).length).toBeLessThan(encodeModel(fp32).length * 0.3);
    const r = await evaluateModel(encodeModel(model), loadMnist('test'), { reference: encodeModel(fp32), limit: 256 });
    expect(r.sqnrDb).toBeGreaterThan(25);
    expect(r.agreement).toBeGreaterThan(0.97);
  });

  it('leaves a Gemm with transA in float with the reason', async () => {
    const b = new GraphBuilder(1);
    b.addInitializer('w', [4, 3], Array.from({ length: 12 }, (_, i) => i / 10 - 0.5));
    b.op('Gemm', ['input', 'w'], ['y'], { transA: 1 }, 'gemm_ta');
    const m = b.finish([4], 3, 'transA', 'test');
    // Input [N, 4] with transA: A is read as [4, N]; only N = 4 works, which is fine for this check.
    const { report } = await quantizeDynamic(m, { verify: false });
    expect(report.floatNodes).toEqual([{ node: 'gemm_ta', opType: 'Gemm', reason: 'Gemm with transA=1 has no MatMulInteger form' }]);
    expect(report.warnings[0]).toMatch(/changed nothing/);
  });
});

describe('fp16', () => {
  it('LeNet-5: accuracy unchanged within 0.1 points, inputs and outputs stay float32, half the file', async () => {
    const { model, report } = await convertFp16(lenet());
    const bytes = encodeModel(model);
    const test = loadMnist('test');
    const a32 = await evaluateModel(LENET_PATH, test);
    const a16 = await evaluateModel(bytes, test);
    expect(Math.abs(a32.top1! - a16.top1!) * 100).toBeLessThanOrEqual(0.1);
    const s = await createSession(bytes);
    expect(s.inputMetadata[0]).toMatchObject({ name: 'input', type: 'float32' });
    expect(s.outputMetadata[0]).toMatchObject({ name: 'logits', type: 'float32' });
    await s.release();
    expect(model.graph.initializer.every((t) => t.dataType === DataType.FLOAT16)).toBe(true);
    expect(bytes.length).toBeLessThan(0.52 * encodeModel(lenet()).length);
    expect(report.floatNodes).toEqual([]);
  });

  it('keeps numerically unsafe ops (Exp, Softmax) in fp32 with Casts around them, and lists them', async () => {
    const b = new GraphBuilder(2);
    const h = b.gemm('input', 8, 6, 'fc');
    b.op('Exp', [h], ['e'], undefined, 'exp');
    b.op('Softmax', ['e'], ['p'], { axis: 1 }, 'softmax');
    b.op('Mul', ['p', b.addInitializer('k', [1], [2])], ['y'], undefined, 'scale');
    const fp32 = b.finish([8], 6, 'unsafe', 'test');
    const { model, report } = await convertFp16(fp32);
    expect(report.floatNodes.map((f) => f.opType).sort()).toEqual(['Exp', 'Softmax']);
    expect(report.floatNodes.find((f) => f.opType === 'Exp')!.reason).toMatch(/overflow/);
    const casts = model.graph.node.filter((n) => n.opType === 'Cast');
    // input->fp16, gemm out->fp32 (before Exp), softmax out->fp16 (Mul), logits->fp32
    expect(casts.length).toBe(4);
    const ds = synthetic(16, [8]);
    const run = async (bytes: Uint8Array): Promise<Float32Array> => {
      const s = await createSession(bytes);
      const out = await s.run({ input: new ort.Tensor('float32', ds.inputs, [16, 8]) });
      await s.release();
      return out.logits.data as Float32Array;
    };
    const ref = await run(encodeModel(fp32));
    const got = await run(encodeModel(model));
    for (let i = 0; i < ref.length; i++) expect(got[i]).toBeCloseTo(ref[i], 2);
  });
});
