// Issue 12 items 4 and 10: the quantize node times its result against its input and warns
// exactly when it is slower (fp16 on x86 names GPUs/Jetson), and its report counts compute
// ops only and states the settings actually used.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/main/onnx/builder/index.ts';
import { quantizeStatic } from '../../src/main/passes/quantize/static.ts';
import { quantizeSlowerWarning, type SpeedCheck } from '../../src/main/passes/speed.ts';
import { SLOWER_RATIO } from '../../src/main/runtime/latency.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import type { ModelValue } from '../../src/shared/catalog/types.ts';
import { MOBILENET_FIXTURE } from '../fixtures-path.ts';
import { synthetic } from './helpers.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const check = (ratio: number, referenceP50Ms: number): SpeedCheck => ({
  ratio, referenceP50Ms, candidateP50Ms: ratio * referenceP50Ms, runs: 100, threads: 1, batchSize: 1, slower: ratio > SLOWER_RATIO,
});

describe('speed guard of quantize', () => {
  it('names the reason and the fix for each mode', () => {
    const fp16 = quantizeSlowerWarning(check(2.1, 16), { mode: 'fp16' });
    expect(fp16).toMatch(/^The fp16 model is 2\.10x slower than its input on this host/);
    if (process.arch === 'x64') expect(fp16).toMatch(/fp16 targets GPUs and Jetson, not x86 CPUs/);
    const tiny = quantizeSlowerWarning(check(1.9, 0.038), { mode: 'static', unfused: 0, target: 'x86-avx2', hostTarget: 'x86-avx2' });
    expect(tiny).toMatch(/The int8 model is 1\.90x slower .* the model is tiny \(fp32 p50 0\.038 ms\).*Keep the fp32 model for this host/);
    const unfused = quantizeSlowerWarning(check(1.3, 5), { mode: 'static', unfused: 2, target: 'arm', hostTarget: 'x86-vnni' });
    expect(unfused).toMatch(/2 quantized group\(s\) run in float.*chosen for target arm, and this host is x86-vnni.*excludeNodes/);
    expect(quantizeSlowerWarning(check(1.2, 3), { mode: 'dynamic' })).toMatch(/Use mode "static" with calibration data/);
  });

  it('the fp16 node reports the measured ratio and warns exactly when it is past the noise margin', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'whittle-q-speed-'));
    dirs.push(workDir);
    const model: ModelValue = { type: 'model', path: MOBILENET_FIXTURE, sha256: 'x', sizeBytes: statSync(MOBILENET_FIXTURE).size, label: 'MobileNetV2' };
    const ctx: NodeContext = {
      nodeId: 'q', params: { mode: 'fp16' }, inputs: { model }, documentDir: workDir, workDir,
      signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
    };
    const r = await HANDLERS.quantize(ctx);
    const ratio = r.metrics.latencyRatio as number;
    expect(ratio).toBeCloseTo((r.metrics.outputP50Ms as number) / (r.metrics.inputP50Ms as number), 9);
    const warned = (r.warnings ?? []).some((w) => w.startsWith('The fp16 model is'));
    expect(warned).toBe(ratio > SLOWER_RATIO);
    expect(r.metrics.speedCheck).toMatch(/host, 1 thread, batch 1, \d+ interleaved runs each/);
    expect(r.metrics).toMatchObject({ mode: 'fp16', layersTotal: 53 });
  }, 120_000);
});

describe('quantize report', () => {
  it('counts compute ops only as "stay in float" and states the calibration samples used', async () => {
    const b = new GraphBuilder(5);
    const h = b.gemm('input', 8, 8, 'fc1');
    // Shape plumbing around a compute op with no int8 kernel.
    b.op('Shape', [h], ['shape'], undefined, 'the_Shape');
    b.op('Sin', [h], ['sin'], undefined, 'the_Sin');
    b.op('Reshape', ['sin', 'shape'], ['mid'], undefined, 'the_Reshape');
    b.gemm('mid', 8, 4, 'fc2');
    const fp32 = b.finish([8], 4, 'plumbing', 'test');
    const { report } = await quantizeStatic(fp32, synthetic(32, [8]), { target: 'x86-vnni', calibrationSamples: 256, sqnrSamples: 8 });
    expect(report.settings.calibrationSamples).toBe(32);
    expect(report.settings.calibrationSamplesRequested).toBe(256);
    expect(report.calibration!.samples).toBe(32);
    expect(report.floatNodes.map((f) => f.opType).sort()).toEqual(['Reshape', 'Shape', 'Sin']);
    const line = report.notes!.find((n) => n.includes('stay in float'))!;
    expect(line).toMatch(/^1 other compute node\(s\) stay in float: Sin 'the_Sin'/);
    expect(line).not.toMatch(/Shape/);
    expect(report.warnings.some((w) => w.includes('stay in float'))).toBe(false);
  });
});
