// `benchmark`: host latency of the model (warm-up, timed runs) with its distribution as a
// report, and the model's own peak memory measured in a fresh process.
import { cpus } from 'node:os';
import type { MetricsValue, NodeResult } from '../../../shared/catalog/types.ts';
import { parseNumberList } from '../../data/open.ts';
import { latencyHistogram, measureLatency, measureModelMemory } from '../../runtime/latency.ts';
import { createSession } from '../../runtime/session.ts';
import { sessionInputs } from '../../runtime/io.ts';
import type { NodeHandler } from '../handler.ts';
import { modelInput } from './node-inputs.ts';

/** Where the figures were measured, for the node's face and tables: this computer's CPU model. */
function hostDevice(): string {
  const model = cpus()[0]?.model.replace(/\s+/g, ' ').trim();
  return model ? `host · ${model}` : 'host CPU';
}

/** The first input's name, to attach an explicit shape to. */
async function firstInputName(path: string): Promise<string> {
  const s = await createSession(path, { threads: 1, optimization: 'disabled' });
  try {
    return sessionInputs(s)[0]?.name ?? '';
  } finally {
    await s.release();
  }
}

export const benchmark: NodeHandler = async (ctx) => {
  const model = modelInput(ctx, 'model');
  const p = ctx.params;
  const shapeText = String(p.inputShape ?? '').trim();
  const inputShapes = shapeText ? { [await firstInputName(model.path)]: parseNumberList(shapeText, 'input shape') } : undefined;
  const r = await measureLatency(model.path, {
    batchSize: Number(p.batchSize ?? 1),
    threads: Number(p.threads ?? 1),
    warmupRuns: Number(p.warmupRuns ?? 10),
    runs: Number(p.runs ?? 100),
    inputShapes,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress(done, total, done <= Number(p.warmupRuns ?? 10) ? 'Warming up' : 'Timing'),
  });
  // The engine's own high-water mark includes every node that ran before (a quantize node's
  // calibration sets it for all later benchmarks): the model's peak comes from a fresh process.
  ctx.progress(0, 1, 'Measuring peak memory in a fresh process');
  const memory = await measureModelMemory(model.path, { batchSize: Number(p.batchSize ?? 1), threads: Number(p.threads ?? 1), inputShapes, signal: ctx.signal });
  const metrics: NodeResult['metrics'] = {
    model: model.label, device: hostDevice(),
    meanMs: r.meanMs, p50Ms: r.p50Ms, p90Ms: r.p90Ms, p99Ms: r.p99Ms, minMs: r.minMs, maxMs: r.maxMs, stdMs: r.stdMs,
    throughputPerSec: r.throughputPerSec, batchSize: r.batchSize, threads: r.threads, runs: r.runs,
    loadMs: r.loadMs, peakRssBytes: memory.peakRssBytes, modelPeakBytes: memory.modelPeakBytes, runtimeRssBytes: memory.runtimeRssBytes,
    memoryMeasuredIn: 'fresh process',
  };
  const out: MetricsValue = { type: 'metrics', values: metrics };
  return {
    outputs: { metrics: out },
    metrics,
    reports: [{
      kind: 'benchmark.latency', title: 'Latency distribution',
      data: {
        histogram: latencyHistogram(r.latenciesMs, 20),
        latenciesMs: r.latenciesMs.slice(0, 10_000),
        summary: { meanMs: r.meanMs, p50Ms: r.p50Ms, p90Ms: r.p90Ms, p99Ms: r.p99Ms, minMs: r.minMs, maxMs: r.maxMs },
        memoryNote: memory.method,
      },
    }],
  };
};
