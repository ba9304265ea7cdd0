// `benchmark`: host latency of a model on this machine's CPU (warm-up, N timed runs).
import type { NodeKindSpec, NumberParam } from './types.ts';

/**
 * ONNX Runtime intra-op threads, shared by host latency and board profiles so that both
 * default to the same count and the same machine gives the same p50 either way.
 */
export const RUNTIME_THREADS_PARAM: NumberParam = {
  type: 'number', label: 'Threads', default: 1, min: 0, max: 256, integer: true,
  help: 'ONNX Runtime intra-op threads; 0 lets the runtime use every core. One thread gives the most repeatable figures. Host latency and board profiles share this default.',
};

export const BENCHMARK: NodeKindSpec = {
  kind: 'benchmark',
  version: 2,
  title: 'Host latency',
  category: 'Evaluate',
  keywords: ['speed', 'throughput', 'timing', 'memory', 'benchmark'],
  description: 'Times the model with ONNX Runtime on this computer\'s CPU: warm-up runs, then timed runs on random inputs. Reports mean, p50, p90, p99, throughput, and the model\'s peak memory measured in a fresh process (so earlier nodes do not count). For the board itself, use a device profile.',
  inputs: [{ name: 'model', type: 'model', label: 'Model' }],
  outputs: [{ name: 'metrics', type: 'metrics', label: 'Metrics', help: 'meanMs, p50Ms, p90Ms, p99Ms, throughputPerSec, peakRssBytes and modelPeakBytes (fresh process; modelPeakBytes without the runtime).' }],
  face: {
    params: [{ param: 'threads' }, { param: 'batchSize', label: 'Batch', unlessDefault: true }],
    metrics: [
      { metric: 'p50Ms', label: 'p50', format: 'ms' },
      { metric: 'device', label: 'on', format: 'text' },
      { metric: 'p90Ms', label: 'p90', format: 'ms' },
    ],
  },
  params: {
    batchSize: { type: 'number', label: 'Batch size', default: 1, min: 1, max: 1024, integer: true, help: 'Samples per run. Edge inference is usually batch 1.' },
    threads: RUNTIME_THREADS_PARAM,
    warmupRuns: { type: 'number', label: 'Warm-up runs', default: 10, min: 0, max: 10_000, integer: true, help: 'Untimed runs first, so caches, allocators and lazy initialization settle.' },
    runs: { type: 'number', label: 'Timed runs', default: 100, min: 1, max: 100_000, integer: true, help: 'Timed runs; percentiles need enough of them (p99 wants at least 100).' },
    inputShape: {
      type: 'string', label: 'Input shape', default: '', advanced: true,
      pattern: { regex: '^\\s*([1-9][0-9]*(\\s*[,x ]\\s*[1-9][0-9]*)*)?\\s*$', message: 'Write whole sizes separated by commas, e.g. 1, 3, 224, 224.' },
      help: 'Full shape of the first input, batch included, for models whose input has free axes besides the batch. Empty reads it from the model.',
    },
  },
};
