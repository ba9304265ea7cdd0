// measureLatency on small builder models: statistics that hang together, options honoured,
// and the clear errors for shapes the batch size alone cannot fill.
import { describe, expect, it } from 'vitest';
import { buildMlp } from '../../src/main/onnx/builder/index.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { makeValueInfo } from '../../src/main/onnx/graph.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { latencyHistogram, measureLatency, percentile, summarize } from '../../src/main/runtime/latency.ts';
import { isWhittleError } from '../../src/shared/errors.ts';
import { LENET_FIXTURE } from '../fixtures-path.ts';

const lenetPath = LENET_FIXTURE;

describe('latency statistics', () => {
  it('computes percentiles like NumPy (linear interpolation)', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // numpy.percentile(range(1, 11), [50, 90, 99]) = 5.5, 9.1, 9.91
    expect(percentile(sorted, 50)).toBeCloseTo(5.5, 10);
    expect(percentile(sorted, 90)).toBeCloseTo(9.1, 10);
    expect(percentile(sorted, 99)).toBeCloseTo(9.91, 10);
    const s = summarize([4, 2, 6, 8]);
    expect(s.meanMs).toBe(5);
    expect(s.stdMs).toBeCloseTo(Math.sqrt(5), 10);
    expect([s.minMs, s.maxMs, s.p50Ms]).toEqual([2, 8, 5]);
  });

  it('bins latencies into a histogram that counts every run', () => {
    const bins = latencyHistogram([1, 1.5, 2, 2, 3, 10], 3);
    expect(bins.map((b) => b.count)).toEqual([5, 0, 1]);
    expect(bins[0].fromMs).toBe(1);
    expect(bins[2].toMs).toBeCloseTo(10, 10);
  });
});

describe('measureLatency', () => {
  it('times N runs after warm-up and reports sane figures', async () => {
    const r = await measureLatency(lenetPath, { batchSize: 4, threads: 1, warmupRuns: 3, runs: 30 });
    expect(r.latenciesMs).toHaveLength(30);
    expect([r.batchSize, r.threads, r.runs, r.warmupRuns]).toEqual([4, 1, 30, 3]);
    expect(r.minMs).toBeGreaterThan(0);
    expect(r.minMs).toBeLessThanOrEqual(r.p50Ms);
    expect(r.p50Ms).toBeLessThanOrEqual(r.p90Ms);
    expect(r.p90Ms).toBeLessThanOrEqual(r.p99Ms);
    expect(r.p99Ms).toBeLessThanOrEqual(r.maxMs);
    expect(r.meanMs).toBeGreaterThanOrEqual(r.minMs);
    expect(r.meanMs).toBeLessThanOrEqual(r.maxMs);
    expect(r.throughputPerSec).toBeCloseTo((4 * 1000) / r.meanMs, 6);
    expect(r.memory.peakRssBytes).toBeGreaterThanOrEqual(r.memory.rssBytes * 0.5);
    expect(r.memory.peakRssBytes).toBeGreaterThan(10 * 2 ** 20);
  });

  it('uses an explicit shape for inputs with free axes beyond the batch', async () => {
    const model = buildMlp({ sizes: [16, 8, 4], seed: 1 });
    model.graph.input[0] = makeValueInfo('input', DataType.FLOAT, ['N', 'F']);
    const bytes = encodeModel(model);
    const err = await measureLatency(bytes, { runs: 2 }).catch((e: unknown) => e);
    expect(isWhittleError(err, 'runtime.unknown-shape')).toBe(true);
    const r = await measureLatency(bytes, { runs: 5, warmupRuns: 1, inputShapes: { input: [2, 16] } });
    expect(r.latenciesMs).toHaveLength(5);
  });

  it('refuses a batch size other than the one a model fixes', async () => {
    const model = buildMlp({ sizes: [16, 4], seed: 1 });
    model.graph.input[0] = makeValueInfo('input', DataType.FLOAT, [1, 16]);
    const err = await measureLatency(encodeModel(model), { batchSize: 8, runs: 2 }).catch((e: unknown) => e);
    expect(isWhittleError(err, 'runtime.fixed-batch')).toBe(true);
  });
});
