// One sentence for how a latency figure was measured, written the same way for host
// latency and board profiles so the two read side by side (threads, batch, warm-up, runs,
// runner): a p50 is only comparable with another taken the same way.
import { RUNNER_LABELS, type ProfileResult } from '../../shared/devices/schema.ts';

export interface RunnerSettings {
  runner: string;
  /** ONNX Runtime intra-op threads; 0 = the runtime's default (every core); undefined = not applicable or unknown. */
  threads?: number;
  batchSize: number;
  warmupRuns: number;
  runs: number;
}

export function runnerSettingsText(s: RunnerSettings): string {
  const threads = s.threads === undefined ? 'threads n/a' : s.threads === 0 ? 'threads: ORT default (all cores)' : `${s.threads} thread${s.threads === 1 ? '' : 's'}`;
  return `${s.runner} · ${threads} · batch ${s.batchSize} · ${s.warmupRuns} warm-up · ${s.runs} timed runs`;
}

/** A board profile's settings; the board runners feed batch 1 (free axes set to 1). */
export function profileSettings(r: ProfileResult): RunnerSettings {
  return { runner: `${RUNNER_LABELS[r.runner]} ${r.runnerVersion} on ${r.deviceName}`, threads: r.threads, batchSize: 1, warmupRuns: r.warmupRuns, runs: r.runs };
}

/** Host latency's settings, from the benchmark node's effective params. */
export function hostSettings(params: Record<string, unknown> | undefined, onnxruntimeVersion: string): RunnerSettings {
  const num = (k: string, d: number) => (typeof params?.[k] === 'number' ? (params[k] as number) : d);
  return { runner: `onnxruntime-node ${onnxruntimeVersion} in-process on this computer`, threads: num('threads', 1), batchSize: num('batchSize', 1), warmupRuns: num('warmupRuns', 10), runs: num('runs', 100) };
}
