// The four ways a board can run a model: which is best, the argv each one gets, and how
// its output becomes latency, throughput and memory figures.
import { WhittleError } from '../../shared/errors.ts';
import { RUNNER_LABELS, type LatencyStats, type Precision, type ProbeResult, type RunnerInfo, type RunnerKind } from '../../shared/devices/schema.ts';
import { parseTrtexec } from './parsers/trtexec.ts';
import { parsePerfTest } from './parsers/perfTest.ts';
import { latencyStats } from './stats.ts';

/** TensorRT first (it is what a Jetson ships for), then native ORT, then the scripted runners. */
const PREFERENCE: RunnerKind[] = ['trtexec', 'perf-test', 'python-ort', 'node-ort'];

/** Board-side scripts that must be uploaded with the model. */
export const RUNNER_SCRIPTS: Partial<Record<RunnerKind, string>> = {
  'node-ort': 'ort-node-runner.mjs',
  'python-ort': 'ort-python-runner.py',
};

export function chooseRunner(probe: ProbeResult, requested: RunnerKind | 'auto'): RunnerInfo {
  if (requested !== 'auto') {
    const found = probe.runners.find((r) => r.kind === requested);
    if (!found) throw new WhittleError('device.runner-missing', `The board has no ${RUNNER_LABELS[requested]}.`, `Pick another runner; the board has: ${probe.runners.map((r) => RUNNER_LABELS[r.kind]).join(', ') || 'none'}.`);
    return found;
  }
  for (const kind of PREFERENCE) {
    const found = probe.runners.find((r) => r.kind === kind);
    if (found) return found;
  }
  throw new WhittleError('device.no-runner', 'The board has no runner Whittle can use.', 'Install TensorRT (trtexec), onnxruntime_perf_test, python3 with onnxruntime, or node with onnxruntime-node (and set its path in the device).');
}

export interface RunnerPlan {
  argv: string[];
  warnings: string[];
}

/** Paths are the board's; `dir` is the fresh temp folder holding model.onnx (and the script). */
/**
 * `threads`: ONNX Runtime intra-op threads (0 lets the runtime pick), the same setting as host
 * latency so both measure the same thing on the same machine; trtexec runs on the GPU and
 * takes none.
 */
export function runnerArgv(runner: RunnerInfo, opts: { dir: string; ortNodePath?: string; precision: Precision; sparsity: boolean; warmupRuns: number; runs: number; threads?: number }): RunnerPlan {
  const threads = String(opts.threads ?? 1);
  const model = `${opts.dir}/model.onnx`;
  const warnings: string[] = [];
  const binary = runner.path.replace(/ \(.*\)$/, '');
  if (runner.kind !== 'trtexec' && (opts.precision !== 'fp32' || opts.sparsity)) {
    warnings.push(`${RUNNER_LABELS[runner.kind]} runs the model as it is: precision and sparsity come from the model itself, not from flags.`);
  }
  switch (runner.kind) {
    case 'trtexec': {
      const flags = opts.precision === 'fp16' ? ['--fp16'] : opts.precision === 'int8' ? ['--int8'] : opts.precision === 'best' ? ['--best'] : [];
      if (opts.sparsity) flags.push('--sparsity=enable');
      // trtexec warms up for a time, not a count: ~10 ms per requested warm-up run, at least 200 ms.
      const warmUpMs = Math.max(200, opts.warmupRuns * 10);
      return { argv: [binary, `--onnx=${model}`, `--iterations=${opts.runs}`, '--duration=0', `--warmUp=${warmUpMs}`, '--avgRuns=1', ...flags], warnings };
    }
    case 'perf-test':
      if (opts.warmupRuns > 0) warnings.push('onnxruntime_perf_test has no warm-up setting; its first run is excluded by the tool.');
      return { argv: [binary, '-I', '-m', 'times', '-r', String(opts.runs), '-x', threads, model], warnings };
    case 'python-ort':
      return { argv: [binary, `${opts.dir}/${RUNNER_SCRIPTS['python-ort']}`, model, String(opts.warmupRuns), String(opts.runs), threads], warnings };
    case 'node-ort':
      return { argv: [binary, `${opts.dir}/${RUNNER_SCRIPTS['node-ort']}`, opts.ortNodePath ?? '', model, String(opts.warmupRuns), String(opts.runs), threads], warnings };
  }
}

export interface RunnerFigures {
  latencyMs: LatencyStats;
  latenciesMs?: number[];
  throughputPerSec: number;
  peakMemoryBytes?: number;
  version?: string;
}

export function parseRunnerOutput(kind: RunnerKind, stdout: string): RunnerFigures {
  const bad = (what: string) => new WhittleError('device.runner-output', `${RUNNER_LABELS[kind]} finished but its output has no ${what}.`, 'Look at the runner output in the log; the runner or the model may be incompatible.');
  if (kind === 'trtexec') {
    const s = parseTrtexec(stdout);
    if (s.failure) throw new WhittleError('device.runner-failed', `trtexec failed: ${s.failure}`, 'TensorRT could not build the model; check the layers it names.');
    const l = s.latencyMs;
    if (!l || l.mean === undefined) throw bad('latency summary');
    const p = l.percentiles;
    return {
      latencyMs: { mean: l.mean, p50: l.median ?? l.mean, p90: p[90], p95: p[95], p99: p[99], min: l.min, max: l.max },
      throughputPerSec: s.throughputPerSec ?? 1000 / l.mean,
      version: s.version,
    };
  }
  if (kind === 'perf-test') {
    const s = parsePerfTest(stdout);
    if (s.averageMs === undefined) throw bad('average inference time');
    const p = s.percentilesMs;
    return {
      latencyMs: { mean: s.averageMs, p50: p[50] ?? s.averageMs, p90: p[90], p95: p[95], p99: p[99], min: s.minMs, max: s.maxMs },
      throughputPerSec: s.throughputPerSec ?? 1000 / s.averageMs,
      peakMemoryBytes: s.peakWorkingSetBytes,
    };
  }
  const line = stdout.split('\n').reverse().find((l) => l.trim().startsWith('{'));
  if (!line) throw bad('result line');
  const json = JSON.parse(line) as { version?: string; latenciesMs?: number[]; wallMs?: number; peakRssBytes?: number };
  if (!json.latenciesMs?.length) throw bad('timed runs');
  const stats = latencyStats(json.latenciesMs);
  return {
    latencyMs: stats,
    latenciesMs: json.latenciesMs,
    throughputPerSec: json.wallMs ? (1000 * json.latenciesMs.length) / json.wallMs : 1000 / stats.mean,
    peakMemoryBytes: json.peakRssBytes,
    version: json.version,
  };
}
