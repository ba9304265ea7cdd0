// The WebAssembly histogram kernel: its embedded bytes are its text assembled, and it counts
// exactly what the JavaScript definition of the bins counts (f64 product, truncation, edge slot).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { HistogramKernel, KERNEL_BINS, KERNEL_WASM } from '../../src/main/passes/quantize/histogram-kernel.ts';

const WAT = join(import.meta.dirname, '..', '..', 'src', 'main', 'passes', 'quantize', 'histogram-kernel.wat');

/** The bins by their definition: floor(|x| * perBin) below `limit`, the edge and round-ups in the last bin. */
function referenceBins(values: Float32Array, limit: number, perBin: number): { hist: Float64Array; bad: number } {
  const hist = new Float64Array(KERNEL_BINS);
  let bad = 0;
  for (const v of values) {
    const a = Math.abs(v);
    if (!Number.isFinite(a)) bad++;
    else hist[a < limit ? Math.min(KERNEL_BINS - 1, Math.floor(a * perBin)) : KERNEL_BINS - 1]++;
  }
  return { hist, bad };
}

function randomValues(count: number, seed: number): Float32Array {
  let s = seed;
  const next = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return Float32Array.from({ length: count }, () => (next() < 0.4 ? 0 : (next() - 0.3) * 7));
}

describe('histogram kernel', () => {
  it('is histogram-kernel.wat assembled', async () => {
    const wabt = await wabtInit();
    const module = wabt.parseWat('histogram-kernel.wat', readFileSync(WAT, 'utf8'), { simd: true });
    expect(Buffer.from(module.toBinary({}).buffer).toString('base64')).toBe(KERNEL_WASM);
  });

  it('bins like the definition, with the edge, round-ups and NaN/Inf, across scratch-sized parts', () => {
    const kernel = new HistogramKernel();
    const values = randomValues(300_001, 7); // longer than the scratch area: copied in two parts
    const limit = 4.1;
    values.set([limit, -limit, Math.fround(limit), Number.NaN, Number.POSITIVE_INFINITY, -0, 1e-30, Math.fround(limit * (1 - 1e-7))], 10);
    const want = referenceBins(values, limit, KERNEL_BINS / limit);
    for (let round = 0; round < 2; round++) {
      const hist = new Float64Array(KERNEL_BINS);
      expect(kernel.addAbsolute(values, limit, KERNEL_BINS / limit, hist)).toBe(want.bad);
      expect(Array.from(hist)).toEqual(Array.from(want.hist));
    }
    expect(HistogramKernel.shared()).toBe(HistogramKernel.shared());
  });

  it('scans a sample inside the range in one pass, and leaves one that is not to the two-pass path', () => {
    const kernel = new HistogramKernel();
    const values = randomValues(300_001, 9);
    const limit = 8;
    const want = referenceBins(values, limit, KERNEL_BINS / limit);
    const hist = new Float64Array(KERNEL_BINS);
    expect(kernel.scanInside(values, limit, KERNEL_BINS / limit, hist)).toEqual(kernel.range(values));
    expect(Array.from(hist)).toEqual(Array.from(want.hist));
    for (const outside of [limit, Number.NaN, Number.NEGATIVE_INFINITY]) {
      const copy = Float32Array.from(values);
      copy[123_456] = outside; // past the scratch area's first part
      const untouched = new Float64Array(KERNEL_BINS);
      expect(kernel.scanInside(copy, limit, KERNEL_BINS / limit, untouched)).toBeUndefined();
      expect(untouched.every((c) => c === 0)).toBe(true);
    }
    // Nothing of the refused scans is left in the counts.
    const again = new Float64Array(KERNEL_BINS);
    kernel.addAbsolute(values, limit, KERNEL_BINS / limit, again);
    expect(Array.from(again)).toEqual(Array.from(want.hist));
  });

  it('finds float32 min and max over any length; NaN makes both NaN, Inf shows', () => {
    const kernel = new HistogramKernel();
    for (const length of [1, 3, 4, 5, 17, 262_147]) {
      const v = randomValues(length, length);
      v[length - 1] = -9; // in the scalar tail when length % 4 !== 0
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of v) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
      expect(kernel.range(v)).toEqual({ min: lo, max: hi });
    }
    expect(kernel.range(Float32Array.of(1, Number.NaN, 2, 3, 4))).toEqual({ min: Number.NaN, max: Number.NaN });
    expect(kernel.range(Float32Array.of(1, 2, Number.NEGATIVE_INFINITY, 3, 4, 5))).toEqual({ min: Number.NEGATIVE_INFINITY, max: 5 });
  });
});
