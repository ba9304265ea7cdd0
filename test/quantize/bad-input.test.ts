// Bad inputs end in a clear WhittleError or a clear warning, never a silent bad model:
// an already quantized model, empty or mis-shaped calibration data, an operator without an
// int8 kernel, and NaN/Inf activations during calibration.
import { describe, expect, it } from 'vitest';
import { isWhittleError } from '../../src/shared/errors.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';
import type { Dataset } from '../../src/main/data/dataset.ts';
import { GraphBuilder, buildResNet } from '../../src/main/onnx/builder/index.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { makeValueInfo } from '../../src/main/onnx/graph.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { evaluateModel } from '../../src/main/runtime/evaluate.ts';
import { quantizeStatic } from '../../src/main/passes/quantize/static.ts';
import { quantizeDynamic } from '../../src/main/passes/quantize/dynamic.ts';
import { convertFp16 } from '../../src/main/passes/quantize/fp16.ts';
import { clusterWeights } from '../../src/main/passes/share/cluster.ts';
import { lenet, mnistCalibration, synthetic, HOST_X86 } from './helpers.ts';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isWhittleError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

/** input [N, 8] -> Gemm -> `op` -> Gemm -> logits */
function sandwich(op: string): ReturnType<GraphBuilder['finish']> {
  const b = new GraphBuilder(5);
  const h = b.gemm('input', 8, 8, 'fc1');
  b.op(op, [h], ['mid'], undefined, `the_${op}`);
  b.gemm('mid', 8, 4, 'fc2');
  return b.finish([8], 4, op, 'test');
}

describe('bad inputs', () => {
  const cal = mnistCalibration(16);

  it('refuses a model that is already quantized (static, dynamic) or already fp16', async () => {
    const { model } = await quantizeStatic(lenet(), cal, { target: 'x86-vnni', verify: false, sqnrSamples: 0 });
    expect(await codeOf(quantizeStatic(model, cal))).toBe('quantize.already-quantized');
    expect(await codeOf(quantizeDynamic(model))).toBe('quantize.already-quantized');
    const half = (await convertFp16(lenet())).model;
    expect(await codeOf(quantizeStatic(half, cal))).toBe('quantize.already-reduced');
  });

  it('refuses calibration data with no samples or the wrong sample shape', async () => {
    const empty: Dataset = { name: 'empty', size: 0, sampleShape: [1, 28, 28], inputs: new Float32Array(0) };
    expect(await codeOf(quantizeStatic(lenet(), empty))).toBe('quantize.empty-dataset');
    expect(await codeOf(quantizeStatic(buildResNet({ depth: 'small' }), loadMnist('test')))).toBe('quantize.shape-mismatch');
    const err = await quantizeStatic(lenet(), synthetic(4, [3, 32, 32])).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/samples of shape \[3, 32, 32\], but the model input 'input' expects \[N, 1, 28, 28\]/);
  });

  it('an operator with no int8 kernel stays float with the reason, and the model stays correct', async () => {
    const fp32 = sandwich('Sin');
    const ds = synthetic(32, [8]);
    const { model, report } = await quantizeStatic(fp32, ds, { target: HOST_X86, sqnrSamples: 8 });
    expect(report.floatNodes).toEqual([{ node: 'the_Sin', opType: 'Sin', reason: "ONNX Runtime's CPU provider has no int8 kernel for this operator" }]);
    // A float op that is not a weighted layer is reported, but is no warning: the label counts int8 layers.
    expect(report.notes!.some((w) => w.includes("1 other compute node(s) stay in float: Sin 'the_Sin'"))).toBe(true);
    expect(report.warnings.some((w) => w.includes('stay in float'))).toBe(false);
    expect(report.fusion).toMatchObject({ groups: 2, fused: 2 });
    const r = await evaluateModel(encodeModel(model), ds, { reference: encodeModel(fp32) });
    expect(r.sqnrDb).toBeGreaterThan(25);
  });

  it('NaN/Inf activations: a warning naming the tensor when some are, an error when all are', async () => {
    const fp32 = sandwich('Log'); // log of negative Gemm outputs is NaN, of 0 is -Inf
    const { report } = await quantizeStatic(fp32, synthetic(32, [8]), { target: 'x86-vnni', sqnrSamples: 0, verify: false });
    expect(report.warnings.find((w) => w.includes("'mid'"))).toMatch(/NaN\/Inf values .* were ignored/);
    // Sqrt of -1 everywhere: nothing finite to calibrate on.
    const b = new GraphBuilder(5);
    b.op('Sqrt', [b.op('Neg', [b.op('Abs', ['input'], ['a'])], ['n'])], ['s']);
    b.gemm('s', 8, 4, 'fc');
    const allNan = b.finish([8], 4, 'nan', 'test');
    const err = await quantizeStatic(allNan, { ...synthetic(8, [8]), inputs: new Float32Array(64).fill(1) }).catch((e: unknown) => e);
    expect(isWhittleError(err, 'quantize.non-finite')).toBe(true);
    expect((err as Error).message).toMatch(/only NaN\/Inf values in 's'/);
  });

  it('a model with nothing quantizable says so', async () => {
    const b = new GraphBuilder(1);
    b.op('Sin', ['input'], ['y'], undefined, 'sin');
    const m = b.finish([8], 8, 'sin', 'test');
    const { report } = await quantizeStatic(m, synthetic(4, [8]), { sqnrSamples: 0 });
    expect(report.warnings).toContain('Nothing in this model could be quantized; the result computes in float.');
  });

  it('shared-weight codebooks are quantized as weights: every layer int8, at most k values, a note instead of a warning', async () => {
    const { model } = clusterWeights(lenet(), { k: 16, seed: 1, perChannel: true });
    const { report } = await quantizeStatic(model, mnistCalibration(16), { verify: false, sqnrSamples: 0 });
    expect(report.quantizedNodes.filter((q) => q.opType === 'Conv' || q.opType === 'Gemm')).toHaveLength(5);
    expect(report.codebookWeights).toBe(5);
    expect(report.warnings.some((w) => w.includes('codebook'))).toBe(false);
    expect(report.notes!.some((n) => n.includes('codebook'))).toBe(true);
    // Per-channel codebooks keep per-channel scales: one per output channel.
    expect(report.tensors.filter((t) => t.kind === 'weight').every((t) => (t.channels ?? 0) > 1)).toBe(true);
  });

  it('calibration reports progress and stops with a clear error when aborted', async () => {
    const progress: [number, number][] = [];
    await quantizeStatic(lenet(), mnistCalibration(40), { target: 'x86-vnni', batchSize: 16, calibrationSamples: 40, sqnrSamples: 0, verify: false }, { progress: (v, m) => progress.push([v, m]) });
    expect(progress).toEqual([[16, 40], [32, 40], [40, 40]]);
    const controller = new AbortController();
    let calls = 0;
    const run = quantizeStatic(lenet(), mnistCalibration(64), { target: 'x86-vnni', batchSize: 8, sqnrSamples: 0 }, {
      signal: controller.signal,
      progress: () => { if (++calls === 2) controller.abort(); },
    });
    expect(await codeOf(run)).toBe('cancelled');
    expect(calls).toBe(2);
  });
});

describe('calibration data ORT cannot run', () => {
  it('a shape only ORT can reject (symbolic model dims) becomes a clear error', async () => {
    const m = lenet();
    m.graph.input[0] = makeValueInfo('input', DataType.FLOAT, ['N', 'C', 'H', 'W']);
    const err = await quantizeStatic(m, synthetic(4, [3, 32, 32]), { sqnrSamples: 0 }).catch((e: unknown) => e);
    expect(isWhittleError(err, 'quantize.calibration-failed')).toBe(true);
    expect((err as Error).message).toMatch(/could not run the model on the calibration data 'synthetic' \(samples of shape \[3, 32, 32\]\)/);
  });
});
