// Issue 12 item 2: a static int8 result under the fidelity floor never ends clean. A Gemm whose
// bias exceeds int32 at input scale x weight scale (the ShuffleNetV2 case) is fixed the way
// ONNX Runtime's quantizer fixes it (weight scale raised) or, when that crushes the weights,
// kept in float; otherwise the warning names the layer, the cause and the param.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/main/onnx/builder/index.ts';
import type { Model } from '../../src/main/onnx/model.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { evaluateModel } from '../../src/main/runtime/evaluate.ts';
import { quantizeStatic } from '../../src/main/passes/quantize/static.ts';
import { FIDELITY_FLOOR } from '../../src/main/passes/fidelity.ts';
import { synthetic } from './helpers.ts';

/** Conv (tiny weights, no bias) -> Relu -> GlobalAveragePool -> Flatten -> Gemm(bias) -> logits. */
function tinyActivationsBigBias(bias: (c: number) => number, convScale = 1e-5): Model {
  const b = new GraphBuilder(11);
  b.addInitializer('conv.weight', [8, 4, 3, 3], Array.from({ length: 288 }, () => b.gaussian() * convScale));
  b.op('Conv', ['input', 'conv.weight'], ['conv.out'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv');
  const x = b.flatten(b.globalAveragePool(b.relu('conv.out')));
  b.addInitializer('fc.weight', [10, 8], Array.from({ length: 80 }, () => b.gaussian() * 0.5));
  b.addInitializer('fc.bias', [10], Array.from({ length: 10 }, (_, c) => bias(c)));
  b.op('Gemm', [x, 'fc.weight', 'fc.bias'], ['fc.out'], { transB: 1 }, 'fc');
  return b.finish([4, 8, 8], 10, 'oversized Gemm bias', 'test');
}

const ds = synthetic(64, [4, 8, 8]);

describe('fidelity guard of static int8', () => {
  it('an oversized Gemm bias is fitted by raising the weight scale (as ORT does), not clipped', async () => {
    const fp32 = tinyActivationsBigBias((c) => 0.2 * Math.sin(c + 1), 1e-6);
    const { model, report } = await quantizeStatic(fp32, ds, { target: 'x86-vnni', sqnrSamples: 32 });
    expect(report.biasFits!.map((f) => f.node)).toEqual(['fc']);
    expect(report.warnings.some((w) => /clipped/.test(w))).toBe(false);
    expect(report.notes!.some((n) => n.includes("Gemm 'fc': weight scale raised"))).toBe(true);
    const r = await evaluateModel(encodeModel(model), ds, { reference: encodeModel(fp32) });
    expect(r.sqnrDb!).toBeGreaterThan(FIDELITY_FLOOR.sqnrDb);
    expect(report.outputs!.top1Agreement!).toBeGreaterThanOrEqual(FIDELITY_FLOOR.agreement);
  });

  it('when fitting the bias would crush the weights, that layer goes back to float; never clean under the floor', async () => {
    // A large shared offset decides nothing (top-1 comes from W x) but needs a huge bias scale.
    const fp32 = tinyActivationsBigBias(() => 100);
    const { model, report } = await quantizeStatic(fp32, ds, { target: 'x86-vnni', sqnrSamples: 32 });
    const r = await evaluateModel(encodeModel(model), ds, { reference: encodeModel(fp32) });
    const clean = report.warnings.length === 0;
    const underFloor = r.sqnrDb! < FIDELITY_FLOOR.sqnrDb || r.agreement! < FIDELITY_FLOOR.agreement;
    expect(clean && underFloor).toBe(false);
    // What the guard does here: the culprit is named and kept in float, and the result meets the floor.
    expect(report.keptInFloat!.map((k) => k.node)).toEqual(['fc']);
    expect(report.keptInFloat![0].reason).toMatch(/bias does not fit int32/);
    expect(report.floatNodes.find((f) => f.node === 'fc')).toBeDefined();
    expect(r.agreement!).toBeGreaterThanOrEqual(FIDELITY_FLOOR.agreement);
    expect(underFloor).toBe(false);
  });

  it('a result under the floor with no safe fix ends with a warning naming the layer, the cause and the param', async () => {
    const b = new GraphBuilder(5);
    const [c] = b.conv('input', [4, 8, 8], { outChannels: 8, kernel: 3, pad: 1 });
    b.gemm(b.flatten(b.globalAveragePool(b.relu(c))), 8, 10, 'fc');
    const fp32 = b.finish([4, 8, 8], 10, 'plain', 'test');
    // Two calibration samples 1000x larger than the rest stretch every MinMax range.
    const outliers = synthetic(64, [4, 8, 8]);
    for (const i of [0, 32]) for (let j = 0; j < 256; j++) outliers.inputs[i * 256 + j] *= 1000;
    const { report } = await quantizeStatic(fp32, outliers, { target: 'x86-vnni', sqnrSamples: 32 });
    expect(report.outputs!.top1Agreement!).toBeLessThan(FIDELITY_FLOOR.agreement);
    expect(report.keptInFloat).toEqual([]);
    // Which layer loses most depends on the CPU's int8 kernels (VNNI or not); the warning names it,
    // measures keeping it in float, and points at the ranges.
    expect(report.warnings[0]).toMatch(/^Below the fidelity floor .*top-1 agreement \d+\.\d% < 90%.* The layer that loses most is (Conv|Gemm) '([^']+)'.*excludeNodes: \['\2'\]\) gives .*set method to "percentile" or "entropy"/);
  });
});
