// One-dimensional k-means for weight sharing, with the three initializations TensorFlow
// Model Optimization offers (k-means++, linear, density-based). Lloyd's iterations run on
// sorted values with prefix sums, so one iteration costs O(k log n), not O(n k).
import { seededRandom } from '../../data/dataset.ts';

export type ClusterInit = 'kmeans++' | 'linear' | 'density';

export interface KMeansOptions {
  init?: ClusterInit;
  maxIterations?: number;
  seed?: number;
}

export interface KMeansResult {
  /** Sorted ascending. */
  centroids: Float32Array;
  /** Index of the nearest centroid for every input value. */
  assignment: Uint8Array;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function initKMeansPlusPlus(sorted: Float64Array, k: number, seed: number): number[] {
  const rand = seededRandom(seed);
  // Seeding on at most 4096 evenly strided samples of the sorted values keeps this cheap on big layers.
  const stride = Math.max(1, Math.floor(sorted.length / 4096));
  const sample: number[] = [];
  for (let i = 0; i < sorted.length; i += stride) sample.push(sorted[i]);
  const centers = [sample[Math.floor(rand() * sample.length)]];
  const d2 = sample.map((v) => (v - centers[0]) ** 2);
  while (centers.length < k) {
    const total = d2.reduce((a, b) => a + b, 0);
    if (total === 0) break;
    let r = rand() * total;
    let pick = d2.length - 1;
    for (let i = 0; i < d2.length; i++) { r -= d2[i]; if (r <= 0) { pick = i; break; } }
    const c = sample[pick];
    centers.push(c);
    for (let i = 0; i < d2.length; i++) d2[i] = Math.min(d2[i], (sample[i] - c) ** 2);
  }
  while (centers.length < k) centers.push(centers[centers.length - 1]);
  return centers;
}

function initialCentroids(sorted: Float64Array, k: number, opts: KMeansOptions): number[] {
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  switch (opts.init ?? 'kmeans++') {
    case 'linear': return Array.from({ length: k }, (_, i) => (k === 1 ? min : min + ((max - min) * i) / (k - 1)));
    case 'density': return Array.from({ length: k }, (_, i) => quantile(sorted, k === 1 ? 0.5 : i / (k - 1)));
    default: return initKMeansPlusPlus(sorted, k, opts.seed ?? 0);
  }
}

/** First index in `sorted` whose value is >= x. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the centroid nearest to x, given sorted centroids. */
export function nearest(centroids: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = centroids.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x > (centroids[mid] + centroids[mid + 1]) / 2) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function kmeans1d(values: ArrayLike<number>, k: number, opts: KMeansOptions = {}): KMeansResult {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
  let centroids = initialCentroids(sorted, k, opts).sort((a, b) => a - b);
  for (let iter = 0; iter < (opts.maxIterations ?? 100); iter++) {
    const next = centroids.slice();
    let start = 0;
    for (let c = 0; c < k; c++) {
      const end = c === k - 1 ? n : lowerBound(sorted, (centroids[c] + centroids[c + 1]) / 2);
      // An empty cluster keeps its centroid rather than collapsing onto a neighbour.
      if (end > start) next[c] = (prefix[end] - prefix[start]) / (end - start);
      start = Math.max(start, end);
    }
    next.sort((a, b) => a - b);
    const moved = next.some((v, i) => Math.abs(v - centroids[i]) > 1e-12);
    centroids = next;
    if (!moved) break;
  }
  const out = Float32Array.from(centroids);
  const assignment = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) assignment[i] = nearest(out, values[i]);
  return { centroids: out, assignment };
}
