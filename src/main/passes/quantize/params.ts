// Scale and zero point from a range, and weight quantization (symmetric, per tensor or
// per output channel, optionally 7-bit), with the round-trip SQNR of the weights.
import type { ActivationType } from './presets.ts';

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

export function typeBounds(type: ActivationType): [number, number] {
  return type === 'uint8' ? [0, 255] : [-128, 127];
}

/** Affine params covering [min, max] (widened to include 0, so zero is exact). */
export function activationParams(min: number, max: number, type: ActivationType, symmetric: boolean): QuantParams {
  const lo = Math.min(0, min);
  const hi = Math.max(0, max);
  const [qmin, qmax] = typeBounds(type);
  if (symmetric) {
    const absMax = Math.max(-lo, hi);
    if (absMax === 0) return { scale: 1, zeroPoint: type === 'uint8' ? 128 : 0 };
    return type === 'uint8' ? { scale: (2 * absMax) / 255, zeroPoint: 128 } : { scale: absMax / 127, zeroPoint: 0 };
  }
  if (hi - lo === 0) return { scale: 1, zeroPoint: type === 'uint8' ? 0 : -128 };
  const scale = (hi - lo) / (qmax - qmin);
  const zeroPoint = Math.min(qmax, Math.max(qmin, Math.round(qmin - lo / scale)));
  return { scale, zeroPoint };
}

export function quantizeValue(x: number, p: QuantParams, qmin: number, qmax: number): number {
  const q = Math.round(x / p.scale) + p.zeroPoint;
  return q < qmin ? qmin : q > qmax ? qmax : q;
}

export interface QuantizedWeight {
  values: Int8Array;
  /** One scale per channel along `axis`, or one for the whole tensor. */
  scales: Float32Array;
  axis?: number;
  sqnrDb: number;
  min: number;
  max: number;
}

/**
 * Symmetric int8 weights, zero point 0: scale = max|w| / 127 (63 with reduceRange) per
 * channel of `axis` (undefined: per tensor), raised to `minScales[c]` where that is larger.
 */
export function quantizeWeight(values: Float32Array, dims: number[], axis: number | undefined, reduceRange: boolean, minScales?: Float32Array): QuantizedWeight {
  const qmax = reduceRange ? 63 : 127;
  const channels = axis === undefined ? 1 : dims[axis];
  const inner = axis === undefined ? values.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  // Values in order, the channel advancing every `inner` values (no division per weight).
  const absMax = new Float64Array(channels);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0, c = 0, left = inner; i < values.length; i++, left--) {
    if (left === 0) { left = inner; c = c + 1 === channels ? 0 : c + 1; }
    const v = values[i];
    const a = Math.abs(v);
    if (a > absMax[c]) absMax[c] = a;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A floor on a scale (so an int32 bias fits, see qdq.ts) widens that channel's grid.
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = Math.max(absMax[c] > 0 ? absMax[c] / qmax : 1, minScales?.[c] ?? 0);
  const q = new Int8Array(values.length);
  let signal = 0;
  let noise = 0;
  for (let i = 0, c = 0, left = inner; i < values.length; i++, left--) {
    if (left === 0) { left = inner; c = c + 1 === channels ? 0 : c + 1; }
    const s = scales[c];
    const v = Math.max(-qmax, Math.min(qmax, Math.round(values[i] / s)));
    q[i] = v;
    const d = values[i] - v * s;
    signal += values[i] * values[i];
    noise += d * d;
  }
  return { values: q, scales, axis, sqnrDb: sqnrDb(signal, noise), min, max };
}

export function sqnrDb(signal: number, noise: number): number {
  if (noise === 0) return Number.POSITIVE_INFINITY;
  if (signal === 0) return Number.NEGATIVE_INFINITY;
  return 10 * Math.log10(signal / noise);
}
