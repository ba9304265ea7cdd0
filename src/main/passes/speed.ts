// Speed guard of a compressing pass: time the result against its input on this host (short,
// interleaved, same threads) and, when it is slower, a warning that names the likely reason
// and the param that fixes it. A pass whose promise is speed must not hand back a slower model.
import os from 'node:os';
import { WhittleError } from '../../shared/errors.ts';
import { compareLatency, SLOWER_RATIO, type LatencyComparison } from '../runtime/latency.ts';

export interface SpeedCheck extends LatencyComparison {
  /** True when the result is slower than its input beyond run-to-run noise. */
  slower: boolean;
}

/**
 * undefined when the model cannot be timed on random inputs (an input with free axes other
 * than the batch): the pass still succeeds and says so in its metrics.
 */
export async function checkSpeed(input: Uint8Array | string, output: Uint8Array | string, signal?: AbortSignal): Promise<SpeedCheck | string> {
  try {
    const c = await compareLatency(input, output, { threads: 1, signal });
    return { ...c, slower: c.ratio > SLOWER_RATIO };
  } catch (err) {
    if (err instanceof WhittleError && err.code.startsWith('runtime.')) return `not timed: ${err.message}`;
    throw err;
  }
}

/** Figures every guarded pass reports, for tables and for labels ("1.9x slower"). */
export function speedMetrics(c: SpeedCheck | string): Record<string, number | string> {
  if (typeof c === 'string') return { speedCheck: c };
  return {
    latencyRatio: c.ratio, inputP50Ms: c.referenceP50Ms, outputP50Ms: c.candidateP50Ms,
    speedCheck: `host, ${c.threads} thread, batch ${c.batchSize}, ${c.runs} interleaved runs each`,
  };
}

function head(c: SpeedCheck, what: string): string {
  return `${what} is ${c.ratio.toFixed(2)}x slower than its input on this host (p50 ${c.candidateP50Ms.toFixed(3)} ms vs ${c.referenceP50Ms.toFixed(3)} ms, ${c.threads} thread, ${c.runs} interleaved runs each)`;
}

/** Below this fp32 latency, Q/DQ at the model's edges and kernel set-up dominate the arithmetic int8 saves. */
const TINY_MODEL_MS = 0.2;

export interface QuantizeSpeedFacts {
  mode: 'static' | 'dynamic' | 'fp16' | 'int4';
  /** Quantized groups ONNX Runtime left in float (static). */
  unfused?: number;
  /** Target the int8 types were chosen for, and the host's own preset. */
  target?: string;
  hostTarget?: string;
}

export function quantizeSlowerWarning(c: SpeedCheck, f: QuantizeSpeedFacts): string {
  const arch = os.arch();
  if (f.mode === 'fp16') {
    const why = arch === 'x64' || arch === 'ia32'
      ? 'fp16 targets GPUs and Jetson, not x86 CPUs: ONNX Runtime\'s x86 CPU provider has few fp16 kernels and converts around the rest'
      : 'this CPU runs most fp16 operators through conversions to fp32';
    return `${head(c, 'The fp16 model')}: ${why}. For this CPU use mode "static" (int8) or keep fp32; keep fp16 for a GPU or Jetson and time it there with a device profile.`;
  }
  if (f.mode === 'int4') {
    return `${head(c, 'The 4-bit weight model')}: MatMulNBits unpacks its 4-bit blocks at every run, which on this CPU costs more than the smaller weights save for these layer sizes. The file is still smaller; try accuracy level 4 (int8 compute), or use mode "static" for speed.`;
  }
  if (f.mode === 'dynamic') {
    return `${head(c, 'The dynamic int8 model')}: dynamic quantization converts activations to int8 at every run, which costs more than its int8 MatMuls save on this model. Use mode "static" with calibration data, or keep fp32 for this host.`;
  }
  const reasons: string[] = [];
  if (f.unfused) reasons.push(`${f.unfused} quantized group(s) run in float between Q/DQ pairs (listed in the report)`);
  if (c.referenceP50Ms < TINY_MODEL_MS) reasons.push(`the model is tiny (fp32 p50 ${c.referenceP50Ms.toFixed(3)} ms): quantizing and dequantizing at its edges and the int8 kernels' set-up cost more than the arithmetic they save`);
  if (f.target && f.hostTarget && f.target !== f.hostTarget) reasons.push(`the int8 types were chosen for target ${f.target}, and this host is ${f.hostTarget}`);
  if (reasons.length === 0) reasons.push('ONNX Runtime\'s int8 kernels are not faster than fp32 for these layer shapes on this CPU');
  return `${head(c, 'The int8 model')}: ${reasons.join('; ')}. Keep the fp32 model for this host${f.unfused ? ', or keep the unfused groups in float (excludeNodes)' : ''}, or time the int8 model on its target board with a device profile.`;
}

export function pruneSlowerWarning(c: SpeedCheck, oddLayers: { layer: string; channels: number }[], channelMultiple: number): string {
  if (oddLayers.length > 0) {
    const list = oddLayers.slice(0, 6).map((l) => `${l.layer} (${l.channels})`).join(', ');
    return `${head(c, 'The pruned model')}: ${oddLayers.length} layer(s) were left with channel counts that are not multiples of 8 or under 8 — ${list}${oddLayers.length > 6 ? ', ...' : ''} — which fall off ONNX Runtime's blocked-layout fast path. Set "Channel multiple" (channelMultiple) to 8 and "Fewest channels" (minChannels) to 8${channelMultiple === 8 ? ', or lower the ratio' : ''}.`;
  }
  return `${head(c, 'The pruned model')}: fewer MACs did not make it faster on this CPU (memory-bound layers or layouts ONNX Runtime runs less well). Try a larger channel multiple (16) or a lower ratio.`;
}
