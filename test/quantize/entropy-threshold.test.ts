// The entropy threshold from prefix sums picks the cut the direct KL computation (TensorRT's
// definition, computed bin by bin as the code did before) picks, on histograms of the shapes
// calibration sees: one-sided ReLU outputs, long tails, empty stretches, a clipped spike; and
// data away from zero (a sigmoid gate) keeps its range instead of the KL's degenerate cut.
import { describe, expect, it } from 'vitest';
import { ENTROPY_MIN_KEPT, entropyThreshold } from '../../src/main/passes/quantize/calibrate.ts';

function directEntropyThreshold(hist: Float64Array, histMax: number, levels: number): number {
  const n = hist.length;
  const width = histMax / n;
  const suffix = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + hist[i];
  const total = suffix[0];
  let bestI = n;
  let bestKl = Number.POSITIVE_INFINITY;
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  for (let i = levels; i <= n; i++) {
    // A cut may clip at most half the values (beyond bin i, as the threshold is half a bin past it).
    if (total - suffix[Math.min(n, i + 1)] < ENTROPY_MIN_KEPT * total) continue;
    for (let j = 0; j < i; j++) p[j] = hist[j];
    p[i - 1] += suffix[i];
    const merged = Math.floor(i / levels);
    let qTotal = 0;
    for (let g = 0; g < levels; g++) {
      const start = g * merged;
      const end = g === levels - 1 ? i : start + merged;
      let sum = 0;
      let nonEmpty = 0;
      for (let j = start; j < end; j++) {
        sum += hist[j];
        if (p[j] > 0) nonEmpty++;
      }
      for (let j = start; j < end; j++) q[j] = p[j] > 0 && nonEmpty > 0 ? sum / nonEmpty : 0;
      qTotal += sum;
    }
    let kl = 0;
    for (let j = 0; j < i; j++) {
      if (p[j] === 0) continue;
      const pj = p[j] / total;
      const qj = qTotal > 0 ? q[j] / qTotal : 0;
      kl += pj * Math.log(pj / (qj > 0 ? qj : 1e-12));
    }
    if (kl < bestKl) {
      bestKl = kl;
      bestI = i;
    }
  }
  return Math.min(histMax, (bestI + 0.5) * width);
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

function histograms(): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 0; k < 6; k++) {
    const rand = seeded(k + 1);
    const decay = [40, 150, 600, 1500, 90, 300][k];
    const h = new Float64Array(2048);
    for (let j = 0; j < 2048; j++) h[j] = Math.floor(2e5 * Math.exp(-j / decay) * rand());
    if (k === 1) h.fill(0, 300, 900); // an empty stretch
    if (k === 2) h[2047] += 5e4; // values at the edge of the range
    if (k === 4) h[0] += 1e6; // a ReLU's zeros
    out.push(h);
  }
  return out;
}

describe('entropy threshold', () => {
  it('picks the cut the direct KL computation picks', () => {
    for (const hist of histograms()) {
      for (const levels of [128, 256]) expect(entropyThreshold(hist, 6, levels)).toBe(directEntropyThreshold(hist, 6, levels));
    }
  });

  it('clipped tail with an empty last group, and an empty histogram', () => {
    const h = new Float64Array(2048);
    h[3] = 100;
    h[2040] = 1;
    expect(entropyThreshold(h, 1, 128)).toBe(directEntropyThreshold(h, 1, 128));
    expect(entropyThreshold(new Float64Array(2048), 1, 128)).toBe(1);
  });

  it('keeps a sigmoid gate whole: no cut at the low edge of data away from zero', () => {
    // Values over [0.3, 0.7] of a 1.6 range (bins 384-896), binned from many values and from a
    // sparse sample of them (single values in the first bins, as a sample has).
    const dense = new Float64Array(2048);
    const sparse = new Float64Array(2048);
    const rand = seeded(7);
    for (let j = 384; j < 896; j++) {
      const bump = Math.exp(-(((j - 640) / 120) ** 2));
      dense[j] = Math.floor(1e5 * bump * (0.5 + rand()));
      sparse[j] = rand() < bump ? 1 + Math.floor(20 * bump * rand()) : 0;
    }
    for (const h of [dense, sparse]) {
      const t = entropyThreshold(h, 1.6, 256);
      expect(t).toBe(directEntropyThreshold(h, 1.6, 256));
      let kept = 0;
      for (let j = 0; j < 2048; j++) if ((j + 1) * (1.6 / 2048) <= t) kept += h[j];
      expect(kept / h.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(0.5);
      expect(t).toBeGreaterThan(0.55);
    }
  });
});
