// Host latency of a model on this machine's CPU: warm-up runs, then N timed runs of one
// batch of random inputs; mean, percentiles, throughput; the model's own peak memory,
// measured in a fresh process; and an interleaved comparison of two models (speed guards).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { WhittleError } from '../../shared/errors.ts';
import { concreteShape, randomTensor, sessionInputs } from './io.ts';
import { createSession, type ort } from './session.ts';

export interface LatencyOptions {
  batchSize?: number;
  /** Intra-op threads; 0 lets ONNX Runtime decide. Default 1 (repeatable figures). */
  threads?: number;
  warmupRuns?: number;
  runs?: number;
  /** Explicit input shapes by input name, for inputs with free axes besides the batch. */
  inputShapes?: Record<string, number[]>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface MemoryFigures {
  /** Resident set of this process now, in bytes. */
  rssBytes: number;
  /**
   * High-water mark of this process's resident set since it started, in bytes
   * (getrusage ru_maxrss, the same number as VmHWM in /proc/self/status). It counts
   * everything the process has held: the runtime, other models, earlier work.
   */
  peakRssBytes: number;
}

export interface LatencyResult {
  batchSize: number;
  threads: number;
  runs: number;
  warmupRuns: number;
  meanMs: number;
  stdMs: number;
  minMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Samples per second at the mean latency: batchSize * 1000 / meanMs. */
  throughputPerSec: number;
  /** Time to create the session (parse, optimize, allocate), in ms. */
  loadMs: number;
  /** Resident-set growth from before loading to after the timed runs, in bytes. */
  rssGrowthBytes: number;
  memory: MemoryFigures;
  /** Every timed run, in order, in ms. */
  latenciesMs: number[];
}

export function memoryFigures(): MemoryFigures {
  return { rssBytes: process.memoryUsage().rss, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}

/** Linear-interpolated percentile (the NumPy default) of sorted values; p in [0, 100]. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(latenciesMs: number[]): Pick<LatencyResult, 'meanMs' | 'stdMs' | 'minMs' | 'p50Ms' | 'p90Ms' | 'p99Ms' | 'maxMs'> {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const meanMs = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const variance = sorted.reduce((a, b) => a + (b - meanMs) ** 2, 0) / sorted.length;
  return {
    meanMs, stdMs: Math.sqrt(variance), minMs: sorted[0], maxMs: sorted[sorted.length - 1],
    p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90), p99Ms: percentile(sorted, 99),
  };
}

export async function measureLatency(model: Uint8Array | string, opts: LatencyOptions = {}): Promise<LatencyResult> {
  const batchSize = opts.batchSize ?? 1;
  const threads = opts.threads ?? 1;
  const warmupRuns = opts.warmupRuns ?? 10;
  const runs = opts.runs ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new WhittleError('runtime.bad-batch-size', `Batch size must be a whole number of at least 1 (got ${batchSize}).`);
  if (!Number.isInteger(runs) || runs < 1) throw new WhittleError('runtime.bad-runs', `The number of timed runs must be at least 1 (got ${runs}).`);
  if (!Number.isInteger(warmupRuns) || warmupRuns < 0) throw new WhittleError('runtime.bad-runs', `The number of warm-up runs must be 0 or more (got ${warmupRuns}).`);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const session = await createSession(model, { threads });
  const loadMs = performance.now() - t0;
  try {
    const feeds: Record<string, ort.Tensor> = {};
    sessionInputs(session).forEach((input, i) => {
      feeds[input.name] = randomTensor(input, concreteShape(input, batchSize, opts.inputShapes?.[input.name]), i + 1);
    });
    const total = warmupRuns + runs;
    for (let i = 0; i < warmupRuns; i++) {
      opts.signal?.throwIfAborted();
      await session.run(feeds);
      opts.onProgress?.(i + 1, total);
    }
    const latenciesMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      opts.signal?.throwIfAborted();
      const start = performance.now();
      await session.run(feeds);
      latenciesMs.push(performance.now() - start);
      opts.onProgress?.(warmupRuns + i + 1, total);
    }
    const stats = summarize(latenciesMs);
    const memory = memoryFigures();
    return {
      batchSize, threads, runs, warmupRuns, ...stats,
      throughputPerSec: (batchSize * 1000) / stats.meanMs,
      loadMs, rssGrowthBytes: memory.rssBytes - rssBefore, memory, latenciesMs,
    };
  } finally {
    await session.release();
  }
}

/** Counts of latencies in `bins` equal-width bins between min and max (for a histogram). */
export function latencyHistogram(latenciesMs: number[], bins = 20): { fromMs: number; toMs: number; count: number }[] {
  if (latenciesMs.length === 0) return [];
  const min = Math.min(...latenciesMs);
  const max = Math.max(...latenciesMs);
  const width = (max - min) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of latenciesMs) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  return counts.map((count, i) => ({ fromMs: min + i * width, toMs: min + (i + 1) * width, count }));
}

export interface LatencyComparison {
  /** p50 of the reference (the pass's input) and of the candidate (its result), ms. */
  referenceP50Ms: number;
  candidateP50Ms: number;
  /** candidate / reference: above 1 the result is slower. */
  ratio: number;
  runs: number;
  threads: number;
  batchSize: number;
}

export interface CompareOptions {
  threads?: number;
  batchSize?: number;
  /** Wall-clock budget of the timed part, ms (the comparison is a check, not a benchmark). */
  budgetMs?: number;
  maxRuns?: number;
  signal?: AbortSignal;
}

/**
 * Times two models on the same random inputs, alternating run by run so both see the same
 * machine load (other processes, frequency changes): a short, fair check that a pass's
 * result is not slower than its input. Same threads for both; p50s of the interleaved runs.
 */
export async function compareLatency(reference: Uint8Array | string, candidate: Uint8Array | string, opts: CompareOptions = {}): Promise<LatencyComparison> {
  const threads = opts.threads ?? 1;
  const batchSize = opts.batchSize ?? 1;
  const budgetMs = opts.budgetMs ?? 1500;
  const maxRuns = opts.maxRuns ?? 300;
  const sessions = [await createSession(reference, { threads }), await createSession(candidate, { threads })];
  try {
    const feeds = sessions.map((s) => {
      const f: Record<string, ort.Tensor> = {};
      sessionInputs(s).forEach((input, i) => { f[input.name] = randomTensor(input, concreteShape(input, fixedBatch(input) ?? batchSize), i + 1); });
      return f;
    });
    for (let i = 0; i < 3; i++) for (let k = 0; k < 2; k++) await sessions[k].run(feeds[k]);
    const times: number[][] = [[], []];
    const started = performance.now();
    while (times[0].length < maxRuns && (times[0].length < 10 || performance.now() - started < budgetMs)) {
      opts.signal?.throwIfAborted();
      for (let k = 0; k < 2; k++) {
        const t0 = performance.now();
        await sessions[k].run(feeds[k]);
        times[k].push(performance.now() - t0);
      }
    }
    const [referenceP50Ms, candidateP50Ms] = times.map((t) => percentile([...t].sort((a, b) => a - b), 50));
    return { referenceP50Ms, candidateP50Ms, ratio: candidateP50Ms / referenceP50Ms, runs: times[0].length, threads, batchSize };
  } finally {
    for (const s of sessions) await s.release();
  }
}

/** The batch size an input declares, when it fixes one. */
function fixedBatch(input: { shape: readonly (number | string)[] }): number | undefined {
  const b = input.shape[0];
  return typeof b === 'number' && b > 0 ? b : undefined;
}

/** A result counts as slower only past this ratio: run-to-run noise on a shared host is a few percent. */
export const SLOWER_RATIO = 1.1;

export interface ModelMemory {
  /** Peak resident set of a fresh process that loaded ONNX Runtime and this model and ran it, bytes. */
  peakRssBytes: number;
  /** The same process's resident set once ONNX Runtime was loaded, before the model, bytes. */
  runtimeRssBytes: number;
  /** peakRssBytes - runtimeRssBytes: what the model's session and runs added. */
  modelPeakBytes: number;
  /** How it was measured, for the label beside the figure. */
  method: string;
}

// Runs in a child Node process: nothing else has run there, so its high-water mark is this
// model's (plus the runtime, measured apart before the model is loaded).
const MEMORY_PROBE = `
const ort = require(process.env.WHITTLE_ORT);
const fs = require('node:fs');
const opts = JSON.parse(process.env.WHITTLE_MEMORY_OPTS);
const hwm = () => { try { const m = /VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8')); if (m) return Number(m[1]) * 1024; } catch {} return process.resourceUsage().maxRSS * 1024; };
(async () => {
  const runtimeRss = process.memoryUsage().rss;
  const s = await ort.InferenceSession.create(opts.path, { intraOpNumThreads: opts.threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', executionProviders: ['cpu'], logSeverityLevel: 3 });
  const types = { float: 'float32', float32: 'float32', int64: 'int64', int32: 'int32', uint8: 'uint8', int8: 'int8', bool: 'bool', float16: 'float16' };
  const feeds = {};
  for (const m of s.inputMetadata) {
    const dims = (opts.shapes[m.name] || m.shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? opts.batchSize : 1)));
    const n = dims.reduce((a, b) => a * b, 1);
    const t = types[m.type] || 'float32';
    const data = t === 'int64' ? new BigInt64Array(n) : t === 'int32' ? new Int32Array(n) : t === 'uint8' || t === 'bool' ? new Uint8Array(n) : t === 'int8' ? new Int8Array(n) : t === 'float16' ? new Uint16Array(n) : Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    feeds[m.name] = new ort.Tensor(t, data, dims);
  }
  for (let i = 0; i < opts.runs; i++) await s.run(feeds);
  process.stdout.write(JSON.stringify({ runtimeRss, peak: hwm() }));
  await s.release();
})().catch((e) => { process.stderr.write(String(e && e.message || e)); process.exit(1); });
`;

/**
 * Peak memory of the model alone: a fresh Node process loads ONNX Runtime (its RSS then is the
 * runtime's share), creates the session and runs `runs` inferences; its high-water mark is
 * read from /proc (VmHWM). Nothing the engine did before can leak into the figure.
 */
export async function measureModelMemory(path: string, opts: { batchSize?: number; threads?: number; runs?: number; inputShapes?: Record<string, number[]>; signal?: AbortSignal } = {}): Promise<ModelMemory> {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const env = {
    ...process.env, ELECTRON_RUN_AS_NODE: '1', WHITTLE_ORT: ortPath,
    WHITTLE_MEMORY_OPTS: JSON.stringify({ path, batchSize: opts.batchSize ?? 1, threads: opts.threads ?? 1, runs: opts.runs ?? 10, shapes: opts.inputShapes ?? {} }),
  };
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', MEMORY_PROBE], { env, stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (c) => resolve({ stdout: out, stderr: err, code: c }));
  });
  if (code !== 0) {
    throw new WhittleError('runtime.memory-probe-failed', `Measuring the model's memory in a fresh process failed: ${stderr.split('\n')[0] || `exit code ${code}`}.`, 'The latency figures are unaffected; check that the model loads in ONNX Runtime.');
  }
  const r = JSON.parse(stdout) as { runtimeRss: number; peak: number };
  return {
    peakRssBytes: r.peak, runtimeRssBytes: r.runtimeRss, modelPeakBytes: Math.max(0, r.peak - r.runtimeRss),
    method: `fresh process: peak RSS (VmHWM) of a Node process that loaded only ONNX Runtime and this model and ran ${opts.runs ?? 10} inference(s); modelPeakBytes excludes the runtime's own RSS measured before the model was loaded`,
  };
}
