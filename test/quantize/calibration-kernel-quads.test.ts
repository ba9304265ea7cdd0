// The histogram kernel bins four values per step into four sub-histograms and pads a part's
// last quad with NaN: every length and lane position counts exactly as the bins' definition,
// the padding never shows (as NaN/Inf or as a refused sample), and nothing carries over.
import { describe, expect, it } from 'vitest';
import { HistogramKernel, KERNEL_BINS } from '../../src/main/passes/quantize/histogram-kernel.ts';

function bins(values: Float32Array, limit: number): Float64Array {
  const hist = new Float64Array(KERNEL_BINS);
  for (const v of values) {
    const a = Math.abs(v);
    if (Number.isFinite(a)) hist[a < limit ? Math.min(KERNEL_BINS - 1, Math.floor(a * (KERNEL_BINS / limit))) : KERNEL_BINS - 1]++;
  }
  return hist;
}

describe('histogram kernel quads', () => {
  it('counts every length from 1 to 9 (each residue of 4) and each lane position like the definition', () => {
    const kernel = new HistogramKernel();
    const limit = 2;
    for (let length = 1; length <= 9; length++) {
      // A run of equal values (one bin in every sub-histogram) and distinct ones, both signs.
      const values = Float32Array.from({ length }, (_, i) => (i % 3 === 0 ? 0.5 : (i % 2 ? -1 : 1) * (0.1 + i * 0.17)));
      const scanned = new Float64Array(KERNEL_BINS);
      const range = kernel.scanInside(values, limit, KERNEL_BINS / limit, scanned);
      expect(range).toEqual({ min: Math.min(...values), max: Math.max(...values) });
      expect(Array.from(scanned)).toEqual(Array.from(bins(values, limit)));
      const binned = new Float64Array(KERNEL_BINS);
      expect(kernel.addAbsolute(values, limit, KERNEL_BINS / limit, binned)).toBe(0);
      expect(Array.from(binned)).toEqual(Array.from(bins(values, limit)));
    }
  });

  it('a value outside the range refuses the sample in any lane, and the refused counts do not carry over', () => {
    const kernel = new HistogramKernel();
    const limit = 1;
    const inside = Float32Array.from({ length: 7 }, (_, i) => i / 10);
    for (let lane = 0; lane < 7; lane++) {
      const values = Float32Array.from(inside);
      values[lane] = lane % 2 ? Number.NaN : -1.5;
      const untouched = new Float64Array(KERNEL_BINS);
      expect(kernel.scanInside(values, limit, KERNEL_BINS / limit, untouched)).toBeUndefined();
      expect(untouched.every((c) => c === 0)).toBe(true);
    }
    const after = new Float64Array(KERNEL_BINS);
    expect(kernel.scanInside(inside, limit, KERNEL_BINS / limit, after)).toBeDefined();
    expect(Array.from(after)).toEqual(Array.from(bins(inside, limit)));
  });

  it('counts NaN and Inf as bad in addAbsolute whatever their lane, and the edge in the last bin', () => {
    const kernel = new HistogramKernel();
    const values = Float32Array.of(0.25, Number.POSITIVE_INFINITY, 1, Number.NaN, -1, 0.75);
    const hist = new Float64Array(KERNEL_BINS);
    expect(kernel.addAbsolute(values, 1, KERNEL_BINS, hist)).toBe(2);
    expect(Array.from(hist)).toEqual(Array.from(bins(values, 1)));
    expect(hist[KERNEL_BINS - 1]).toBe(2);
  });
});
