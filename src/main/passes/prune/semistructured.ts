// 2:4 semi-structured sparsity (two zeros in every four consecutive weights along the
// input-channel axis — the pattern TensorRT's sparse kernels use) and a checker for it.
import type { Model } from '../../onnx/model.ts';
import { cloneModel } from '../../onnx/model.ts';
import { float32Tensor, tensorToFloat32 } from '../../onnx/tensor.ts';
import { setInitializer } from '../../onnx/graph.ts';
import { findWeightLayers, requireLayers, type LayerSkip, type WeightLayer } from './layers.ts';
import { writeMask } from './mask.ts';
import type { PruneResult } from './magnitude.ts';

export interface SemiStructuredOptions {
  skip?: string[];
  minSize?: number;
}

/** Why a layer cannot carry the 2:4 pattern, or undefined when it can. */
export function ineligibleFor24(l: WeightLayer): string | undefined {
  const inSize = l.dims[l.inAxis];
  if (l.opType === 'Conv' && l.groups > 1 && inSize === 1) return 'depthwise convolution (one input channel per filter)';
  if (inSize % 4 !== 0) return `${inSize} input channels, not a multiple of 4`;
  return undefined;
}

/** Call `visit(indices)` for every run of four consecutive positions along `axis`. */
function forEachQuad(dims: readonly number[], axis: number, visit: (idx: [number, number, number, number]) => void): void {
  const size = dims[axis];
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < size; c += 4) {
      for (let i = 0; i < inner; i++) {
        const base = (o * size + c) * inner + i;
        visit([base, base + inner, base + 2 * inner, base + 3 * inner]);
      }
    }
  }
}

/** Zero the two smallest |w| of each quad. */
export function apply24(w: Float32Array, dims: readonly number[], axis: number): void {
  forEachQuad(dims, axis, (q) => {
    const sorted = [...q].sort((a, b) => Math.abs(w[a]) - Math.abs(w[b]) || a - b);
    w[sorted[0]] = 0;
    w[sorted[1]] = 0;
  });
}

export interface Check24Layer {
  layer: string;
  weight: string;
  ok: boolean;
  /** Quads with fewer than two zeros. */
  violations: number;
  quads: number;
}

export interface Check24Result {
  ok: boolean;
  layers: Check24Layer[];
  skipped: LayerSkip[];
}

/** Verify the 2:4 pattern on every eligible layer of a model. */
export function check24(model: Model): Check24Result {
  const { layers, skipped } = findWeightLayers(model);
  const out: Check24Layer[] = [];
  const notEligible: LayerSkip[] = [...skipped];
  for (const l of layers) {
    const why = ineligibleFor24(l);
    if (why) { notEligible.push({ layer: l.name, reason: why }); continue; }
    const w = tensorToFloat32(l.weight);
    let violations = 0;
    let quads = 0;
    forEachQuad(l.dims, l.inAxis, (q) => {
      quads++;
      let zeros = 0;
      for (const i of q) if (w[i] === 0) zeros++;
      if (zeros < 2) violations++;
    });
    out.push({ layer: l.name, weight: l.weightName, ok: violations === 0, violations, quads });
  }
  return { ok: out.length > 0 && out.every((l) => l.ok), layers: out, skipped: notEligible };
}

export function prune24(input: Model, options: SemiStructuredOptions = {}): PruneResult {
  const model = cloneModel(input);
  const found = findWeightLayers(model, options);
  const skipped = [...found.skipped];
  const layers: WeightLayer[] = [];
  for (const l of found.layers) {
    const why = ineligibleFor24(l);
    if (why) skipped.push({ layer: l.name, reason: why });
    else if (!layers.some((x) => x.weightName === l.weightName)) layers.push(l);
  }
  requireLayers(layers, skipped, '2:4 sparsity');
  const report = layers.map((l) => {
    const w = tensorToFloat32(l.weight);
    apply24(w, l.dims, l.inAxis);
    setInitializer(model.graph, float32Tensor(l.weightName, l.dims, w));
    const zeros = w.reduce((a, v) => a + (v === 0 ? 1 : 0), 0);
    return { layer: l.name, weight: l.weightName, params: w.length, zeros, sparsity: zeros / w.length };
  });
  writeMask(model, '2:4', layers.map((l) => l.weightName));
  return { model, layers: report, skipped };
}
