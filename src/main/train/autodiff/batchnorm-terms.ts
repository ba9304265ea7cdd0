// The per-channel terms of a training BatchNorm that its plain (decompose.ts) and blocked
// (batchnorm-blocked.ts) forms share: their full-size work differs, these small values do not.
import type { Emitter } from './emit.ts';

/** s = 1 / sqrt(var + eps), per channel. */
export function inverseStd(e: Emitter, batchVar: string, epsilon: number): string {
  return e.op1('Reciprocal', [e.op1('Sqrt', [e.op1('Add', [batchVar, e.scalar(epsilon)])])]);
}

/**
 * The backward's per-channel terms, dx = dy * gain - (c * q + b): q = gain * s^2 * mean(dy c) and
 * b = gain * mean(dy), from the two means over each channel's N * H * W values.
 */
export function backwardTerms(e: Emitter, gain: string, invStd: string, dycMean: string, dyMean: string): { q: string; b: string } {
  return {
    q: e.op1('Mul', [e.op1('Mul', [gain, e.op1('Mul', [invStd, invStd])]), dycMean]),
    b: e.op1('Mul', [gain, dyMean]),
  };
}
