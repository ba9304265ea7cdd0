// `benchmark`: host latency of the model (warm-up, timed runs) with its distribution as a report.
import type { MetricsValue, NodeResult } from '../../../shared/catalog/types.ts';
import { parseNumberList } from '../../data/open.ts';
import { latencyHistogram, measureLatency } from '../../runtime/latency.ts';
import { createSession } from '../../runtime/session.ts';
import { sessionInputs } from '../../runtime/io.ts';
import type { NodeHandler } from '../handler.ts';
import { modelInput } from './node-inputs.ts';

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
  const metrics: NodeResult['metrics'] = {
    model: model.label,
    meanMs: r.meanMs, p50Ms: r.p50Ms, p90Ms: r.p90Ms, p99Ms: r.p99Ms, minMs: r.minMs, maxMs: r.maxMs, stdMs: r.stdMs,
    throughputPerSec: r.throughputPerSec, batchSize: r.batchSize, threads: r.threads, runs: r.runs,
    loadMs: r.loadMs, peakRssBytes: r.memory.peakRssBytes, rssGrowthBytes: r.rssGrowthBytes,
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
        memoryNote: 'peakRssBytes is the engine process\'s resident-set high-water mark (getrusage maxrss / VmHWM): it includes the runtime and anything the process loaded before.',
      },
    }],
  };
};
