// The one place that creates ONNX Runtime sessions: threads, optimization level, and
// saving the optimized graph for inspection (how passes verify int8 fusion).
import * as ort from 'onnxruntime-node';
import { WhittleError } from '../../shared/errors.ts';

export type OptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface SessionOptions {
  /** Intra-op threads; 0 lets ONNX Runtime decide. */
  threads?: number;
  optimization?: OptimizationLevel;
  /** Write the graph ONNX Runtime actually runs to this path. Layout passes tie it to this CPU: run it here, never ship it. */
  optimizedModelPath?: string;
  /** ORT session config entries, `session.` keys without the prefix (onnxruntime_session_options_config_keys.h). */
  sessionConfig?: Record<string, string>;
}

/** Threads for sessions left on auto (0): the engine sets its share of the cores per job (DESIGN.md §10). */
let autoThreads = 0;
export function setAutoThreads(threads: number): void {
  autoThreads = Math.max(0, Math.floor(threads));
}
export function getAutoThreads(): number {
  return autoThreads;
}

export async function createSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.threads || autoThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: opts.optimization ?? 'all',
    executionProviders: ['cpu'],
    logSeverityLevel: 3,
  };
  if (opts.optimizedModelPath) options.optimizedModelFilePath = opts.optimizedModelPath;
  if (opts.sessionConfig) options.extra = { session: opts.sessionConfig };
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new WhittleError('runtime.session-failed', `ONNX Runtime could not load the model: ${firstLine(reason)}`, 'The model may use an operator or type ONNX Runtime does not support on CPU, or be malformed.');
  }
}

function firstLine(s: string): string {
  const line = s.split('\n')[0];
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}

export { ort };
