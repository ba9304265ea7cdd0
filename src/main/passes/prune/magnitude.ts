// Unstructured magnitude pruning: zero the smallest |w| of each Conv/Gemm/MatMul weight,
// with one threshold per layer or one for the whole model. The mask travels as metadata (mask.ts).
import type { Model } from '../../onnx/model.ts';
import { cloneModel } from '../../onnx/model.ts';
import { float32Tensor, tensorToFloat32 } from '../../onnx/tensor.ts';
import { setInitializer } from '../../onnx/graph.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { findWeightLayers, requireLayers, type LayerSkip, type WeightLayer } from './layers.ts';
import { writeMask } from './mask.ts';

export interface MagnitudeOptions {
  /** Fraction of weights to zero, in [0, 1). */
  sparsity: number;
  /** 'layer': each layer loses `sparsity` of its weights; 'global': one threshold for all. */
  scope?: 'layer' | 'global';
  /** Per-layer sparsity, by layer or weight name; these layers use their own threshold. */
  overrides?: Record<string, number>;
  skip?: string[];
  minSize?: number;
}

export interface LayerSparsity {
  layer: string;
  weight: string;
  params: number;
  zeros: number;
  sparsity: number;
}

export interface PruneResult {
  model: Model;
  layers: LayerSparsity[];
  skipped: LayerSkip[];
}

export function checkSparsity(value: number, what = 'Sparsity'): void {
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new WhittleError('prune.bad-sparsity', `${what} must be at least 0 and below 1 (got ${value}).`, 'Use a fraction such as 0.5 for 50% of the weights set to zero.');
  }
}

/** Zero exactly `count` smallest-magnitude entries of `w` (ties broken by position). */
export function zeroSmallest(w: Float32Array, count: number): void {
  if (count <= 0) return;
  if (count >= w.length) { w.fill(0); return; }
  // The count-th smallest magnitude by a native typed sort (a comparator sort of indices takes
  // ~1 s on a million weights): everything below it goes, then ties in position order.
  const mags = w.map(Math.abs).sort();
  const threshold = mags[count - 1];
  let left = count;
  for (let i = 0; i < w.length; i++) if (Math.abs(w[i]) < threshold) { w[i] = 0; left--; }
  for (let i = 0; i < w.length && left > 0; i++) if (Math.abs(w[i]) === threshold) { w[i] = 0; left--; }
}

function countZeros(w: Float32Array): number {
  let z = 0;
  for (const v of w) if (v === 0) z++;
  return z;
}

/** The `count`-th smallest magnitude over several weight arrays (the global threshold). */
function globalThreshold(arrays: Float32Array[], count: number): number {
  const total = arrays.reduce((a, w) => a + w.length, 0);
  const mags = new Float32Array(total);
  let k = 0;
  for (const w of arrays) for (const v of w) mags[k++] = Math.abs(v);
  mags.sort();
  return count <= 0 ? -1 : mags[Math.min(count, total) - 1];
}

export function pruneMagnitude(input: Model, options: MagnitudeOptions): PruneResult {
  checkSparsity(options.sparsity);
  for (const [name, s] of Object.entries(options.overrides ?? {})) checkSparsity(s, `The sparsity for layer '${name}'`);
  const model = cloneModel(input);
  const { layers, skipped } = findWeightLayers(model, options);
  requireLayers(layers, skipped, 'magnitude pruning');
  const overrideOf = (l: WeightLayer): number | undefined => options.overrides?.[l.name] ?? options.overrides?.[l.weightName];
  const seen = new Set<string>();
  const unique = layers.filter((l) => !seen.has(l.weightName) && seen.add(l.weightName));
  const weights = new Map(unique.map((l) => [l.weightName, tensorToFloat32(l.weight)]));

  const globalLayers = options.scope === 'global' ? unique.filter((l) => overrideOf(l) === undefined) : [];
  if (globalLayers.length > 0) {
    const arrays = globalLayers.map((l) => weights.get(l.weightName)!);
    const total = arrays.reduce((a, w) => a + w.length, 0);
    const target = Math.floor(options.sparsity * total);
    const threshold = globalThreshold(arrays, target);
    // Zero everything strictly below the threshold, then ties in layer order up to the target.
    let left = target;
    for (const w of arrays) for (let i = 0; i < w.length; i++) if (Math.abs(w[i]) < threshold) { w[i] = 0; left--; }
    for (const w of arrays) for (let i = 0; i < w.length && left > 0; i++) if (w[i] !== 0 && Math.abs(w[i]) === threshold) { w[i] = 0; left--; }
  }
  for (const l of unique) {
    if (globalLayers.includes(l)) continue;
    const w = weights.get(l.weightName)!;
    zeroSmallest(w, Math.floor((overrideOf(l) ?? options.sparsity) * w.length));
  }
  const report: LayerSparsity[] = [];
  for (const l of unique) {
    const w = weights.get(l.weightName)!;
    setInitializer(model.graph, float32Tensor(l.weightName, l.dims, w));
    const zeros = countZeros(w);
    report.push({ layer: l.name, weight: l.weightName, params: w.length, zeros, sparsity: zeros / w.length });
  }
  writeMask(model, 'unstructured', unique.map((l) => l.weightName));
  return { model, layers: report, skipped };
}
