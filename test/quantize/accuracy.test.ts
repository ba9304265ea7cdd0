// Accuracy-aware mode on LeNet-5 with the MNIST test split: within a 0.1-point limit; a
// deliberately harsh calibration that needs layers returned to float step by step; and a
// limit that cannot be met, which must say so and what it reached.
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/main/data/mnist.ts';
import { subset } from '../../src/main/data/dataset.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { evaluateModel } from '../../src/main/runtime/evaluate.ts';
import { quantizeAccuracyAware } from '../../src/main/passes/quantize/accuracy.ts';
import { lenet, mnistCalibration, HOST_X86 } from './helpers.ts';

describe('accuracy-aware quantization', () => {
  const test = loadMnist('test');

  it('meets a 0.1-point limit on LeNet-5 and the returned model measures what the report says', async () => {
    const r = await quantizeAccuracyAware(lenet(), mnistCalibration(128), test, { target: 'x86-vnni', maxDropPoints: 0.1, sqnrSamples: 8 });
    expect(r.accuracy.reached).toBe(true);
    const last = r.accuracy.steps[r.accuracy.steps.length - 1];
    expect(last.dropPoints).toBeLessThanOrEqual(0.1);
    const measured = await evaluateModel(encodeModel(r.model), test);
    expect(measured.top1! * 100).toBeCloseTo(last.metricPct, 6);
    expect(r.accuracy.baselinePct).toBeCloseTo(96.11, 1);
  });

  it('returns the most harmful layers to float one at a time until the drop is within the limit', async () => {
    // Percentile 80 clips most activations: a badly calibrated starting point.
    const r = await quantizeAccuracyAware(lenet(), mnistCalibration(64), test, {
      target: 'x86-vnni', method: 'percentile', percentile: 80, maxDropPoints: 0.5, sqnrSamples: 0, verify: false, ranking: 'trial',
    });
    const steps = r.accuracy.steps;
    expect(steps[0].dropPoints).toBeGreaterThan(0.5);
    expect(steps.length).toBeGreaterThan(1);
    expect(r.accuracy.reached).toBe(true);
    expect(steps[steps.length - 1].dropPoints).toBeLessThanOrEqual(0.5);
    // Each step restores exactly one more layer, in the ranked order.
    steps.slice(1).forEach((s, i) => {
      expect(s.floatLayers.length).toBe(i + 1);
      expect(s.restored).toBe(r.accuracy.ranked[i].node);
    });
    // The restored layers really are float in the result.
    const floatNames = new Set(r.report.floatNodes.map((f) => f.node));
    for (const l of steps[steps.length - 1].floatLayers) expect(floatNames.has(l)).toBe(true);
  });

  it('without labels measures agreement with the fp32 model and ranks layers by SQNR', async () => {
    const small = subset(test, Array.from({ length: 200 }, (_, i) => i * 10));
    const unlabeled = { ...small, labels: undefined };
    const r = await quantizeAccuracyAware(lenet(), mnistCalibration(32), unlabeled, {
      target: 'x86-vnni', method: 'percentile', percentile: 50, maxDropPoints: 0, sqnrSamples: 4, verify: false, ranking: 'sqnr', excludeOpTypes: ['Conv'],
    });
    expect(r.accuracy.metric).toBe('agreement');
    expect(r.accuracy.baselinePct).toBe(100);
    expect(r.accuracy.steps[0].metricPct).toBeLessThan(100);
    expect(r.accuracy.ranked.map((x) => x.opType)).toEqual(['Gemm', 'Gemm', 'Gemm']);
    expect(r.accuracy.reached).toBe(true);
    expect(r.accuracy.message).toMatch(/Within the limit: agreement with fp32 100.00%/);
  });

  it('reports failure for an impossible limit', async () => {
    const small = subset(test, Array.from({ length: 200 }, (_, i) => i * 10));
    const r = await quantizeAccuracyAware(lenet(), mnistCalibration(32), small, { target: HOST_X86, maxDropPoints: -1, sqnrSamples: 0, verify: false, ranking: 'sqnr' });
    expect(r.accuracy.reached).toBe(false);
    expect(r.accuracy.steps.length).toBe(6); // step 0 + all five layers back in float
    expect(r.accuracy.steps[5].dropPoints).toBeCloseTo(0, 6); // all float = the fp32 model
    expect(r.accuracy.message).toMatch(/Could not reach the limit of -1 points: the smallest drop was 0.00 points .* at step 0 with 0 layer\(s\) in float, and that is the model returned/);
    // The returned model is that best step's: everything quantized.
    expect(r.report.quantizedNodes.filter((q) => q.opType === 'Conv' || q.opType === 'Gemm')).toHaveLength(5);
    expect(r.report.warnings[0]).toBe(r.accuracy.message);
  });
});
