// Calibration methods on tensors with known statistics: a standard Gaussian with a few
// far outliers, where Percentile and Entropy clip near the Gaussian's tail and MinMax keeps
// the outliers; MSE's choice is checked against brute-force quantization error.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/main/data/dataset.ts';
import { chooseRange, HISTOGRAM_BINS, mseThreshold, TensorStats } from '../../src/main/passes/quantize/calibrate.ts';
import { activationParams, quantizeWeight } from '../../src/main/passes/quantize/params.ts';
import { spreadSamples } from '../../src/main/passes/quantize/collect.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';

function gaussianWithOutliers(n: number, outliers: number[]): Float32Array {
  const rand = seededRandom(7);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rand() || 1e-12;
    x[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  }
  outliers.forEach((v, i) => { x[i * 997] = v; });
  return x;
}

function statsOf(x: Float32Array, chunks = 8): TensorStats {
  const s = new TensorStats(true);
  const per = Math.ceil(x.length / chunks);
  for (let k = 0; k < chunks; k++) s.update(x.subarray(k * per, (k + 1) * per));
  return s;
}

/** Mean squared error of quantizing x symmetrically with `steps` levels per side over [-t, t]. */
function quantMse(x: Float32Array, t: number, steps: number): number {
  const step = t / steps;
  let err = 0;
  for (const v of x) {
    const q = Math.max(-steps, Math.min(steps, Math.round(v / step))) * step;
    err += (v - q) ** 2;
  }
  return err / x.length;
}

describe('calibration methods', () => {
  const outliers = [40, -45, 38, -50, 42];
  const x = gaussianWithOutliers(200_000, outliers);
  const stats = statsOf(x);
  const settings = { percentile: 99.99, entropyLevels: 128 };

  it('MinMax keeps the outliers', () => {
    const r = chooseRange(stats, { ...settings, method: 'minmax' }, 127);
    expect(r.min).toBe(-50);
    expect(r.max).toBe(42);
  });

  it('Percentile clips at the Gaussian tail (99.99% of |x| is about 3.9 sigma)', () => {
    const r = chooseRange(stats, { ...settings, method: 'percentile' }, 127);
    expect(r.threshold).toBeGreaterThan(3.6);
    expect(r.threshold).toBeLessThan(4.3);
    expect(r.max).toBe(r.threshold);
  });

  it('Entropy (KL over 2048 bins, 128 levels) clips far below the outliers', () => {
    const r = chooseRange(stats, { ...settings, method: 'entropy' }, 127);
    expect(r.threshold).toBeGreaterThan(2);
    expect(r.threshold).toBeLessThan(8);
  });

  it('MSE picks the threshold with the least actual quantization error', () => {
    // One outlier at 60 in 200k samples: the optimum balances its clipping error (60 - t)^2
    // against 200k * (t/127)^2 / 12 of rounding noise, i.e. t = 60 / (1 + 200k / (12 * 127^2)) = 29.5.
    const rare = gaussianWithOutliers(200_000, [60]);
    const s = statsOf(rare);
    const r = chooseRange(s, { ...settings, method: 'mse' }, 127);
    expect(r.threshold).toBeGreaterThan(27);
    expect(r.threshold).toBeLessThan(32);
    const best = quantMse(rare, r.threshold!, 127);
    for (const t of [r.threshold! * 0.7, r.threshold! * 1.4, 60]) expect(best).toBeLessThan(quantMse(rare, t, 127));
  });

  it('MSE keeps the range when outliers are frequent enough to matter', () => {
    const t = mseThreshold(stats.hist!, stats.histMax, 127);
    expect(t).toBeGreaterThan(30);
  });

  it('the histogram grows by exact bin merging when a later batch has larger values', () => {
    const s = new TensorStats(true);
    s.update(Float32Array.of(0.5, 1, -1));
    s.update(Float32Array.of(3.5));
    expect(s.histMax).toBe(4);
    const total = s.hist!.reduce((a, b) => a + b, 0);
    expect(total).toBe(4);
    // 0.5 -> bin 256 of [0, 4); 1 was the range edge of the first batch (last bin, merged into 511); 3.5 -> bin 1792
    expect(s.hist![256]).toBe(1);
    expect(s.hist![511]).toBe(2);
    expect(s.hist![1792]).toBe(1);
    expect(s.hist!.length).toBe(HISTOGRAM_BINS);
  });

  it('counts NaN/Inf apart and keeps them out of the range', () => {
    const s = new TensorStats(true);
    s.update(Float32Array.of(1, Number.NaN, -2, Number.POSITIVE_INFINITY));
    expect(s.nonFinite).toBe(2);
    expect([s.min, s.max]).toEqual([-2, 1]);
  });
});

describe('scales and zero points', () => {
  it('uint8 asymmetric over [0, 6] puts zero at 0 and 6 at 255', () => {
    const p = activationParams(0, 6, 'uint8', false);
    expect(p.zeroPoint).toBe(0);
    expect(p.scale).toBeCloseTo(6 / 255, 10);
  });
  it('int8 asymmetric over [-1, 3] has zero exact', () => {
    const p = activationParams(-1, 3, 'int8', false);
    expect(p.scale).toBeCloseTo(4 / 255, 10);
    expect(-128 + 1 / p.scale).toBeCloseTo(p.zeroPoint, 0);
  });
  it('symmetric int8 has zero point 0', () => {
    expect(activationParams(-2, 5, 'int8', true)).toEqual({ scale: 5 / 127, zeroPoint: 0 });
  });
  it('per-channel weights: one scale per output channel, 7-bit with reduceRange', () => {
    const w = Float32Array.of(1, -0.5, 0.25, 4, -8, 2);
    const q = quantizeWeight(w, [2, 3], 0, false);
    expect(Array.from(q.scales)).toEqual([Math.fround(1 / 127), Math.fround(8 / 127)]);
    expect(Array.from(q.values)).toEqual([127, -64, 32, 64, -127, 32]);
    const r = quantizeWeight(w, [2, 3], 0, true);
    expect(Math.max(...Array.from(r.values, Math.abs))).toBe(63);
  });
});

describe('calibration sample choice', () => {
  it('takes samples spread over a class-sorted dataset, not the first ones', () => {
    const train = loadMnist('train');
    const picked = spreadSamples(train, 20);
    expect(picked.size).toBe(20);
    expect(new Set(picked.labels).size).toBe(10);
    expect(spreadSamples(train, train.size + 5)).toBe(train);
  });
});
