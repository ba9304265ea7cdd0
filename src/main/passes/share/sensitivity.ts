// Per-layer k from sensitivity (the weight-sharing counterpart of per-layer sparsity): cluster
// one layer at a time into each k tried, score it, and propose a k per layer that reaches a
// mean index width (bits per weight) with the least predicted loss.
import type { Model } from '../../onnx/model.ts';
import type { Dataset } from '../../data/dataset.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { indexBits, type ShareSensitivityResult } from '../../../shared/reports/share.ts';
import { findWeightLayers, requireLayers } from '../prune/layers.ts';
import { proposeRatios, scanLayers, type ScanOptions, type Unit } from '../prune/sensitivity.ts';
import { checkK, clusterWeights, type ClusterOptions } from './cluster.ts';

export { indexBits, type ShareSensitivityResult };

export interface ShareSensitivityOptions extends ScanOptions {
  /** k values to try per layer, each 2..256. */
  kValues: number[];
  /** Mean index bits per clustered weight the proposal may use, between the widths of the smallest and largest k. */
  targetBits: number;
  /** Clustering settings every variant (and the proposal) uses. */
  cluster?: Pick<ClusterOptions, 'init' | 'perChannel' | 'keepZeros' | 'minSize' | 'skip'>;
}

function layersOf(model: Model, opts: ShareSensitivityOptions): Unit[] {
  const { layers, skipped } = findWeightLayers(model, { skip: opts.cluster?.skip, minSize: opts.cluster?.minSize });
  requireLayers(layers, skipped, 'sensitivity analysis');
  const seen = new Set<string>();
  return layers.filter((l) => !seen.has(l.weightName) && seen.add(l.weightName)).map((l) => ({ layer: l.name, units: l.dims.reduce((a, b) => a * b, 1) }));
}

function checkOptions(opts: ShareSensitivityOptions): number[] {
  if (opts.kValues.length === 0) throw new WhittleError('share.bad-k-values', 'Give at least one k to try.', 'For example 2, 4, 8, 16.');
  for (const k of opts.kValues) checkK(k);
  // One k per index width: a smaller k of the same width costs accuracy and saves no bits.
  const byBits = new Map<number, number>();
  for (const k of opts.kValues) byBits.set(indexBits(k), Math.max(k, byBits.get(indexBits(k)) ?? 0));
  const ks = [...byBits.values()].sort((a, b) => b - a);
  const [narrowest, widest] = [indexBits(ks[ks.length - 1]), indexBits(ks[0])];
  if (!(opts.targetBits >= narrowest && opts.targetBits <= widest)) {
    throw new WhittleError('share.bad-target-bits', `The target of ${opts.targetBits} bits per weight is outside ${narrowest}..${widest}, the range the k values tried (${ks.join(', ')}) can reach.`, `Choose a target from ${narrowest} to ${widest} bits, or try other k values (k=2 is 1 bit, k=16 is 4).`);
  }
  return ks;
}

/**
 * Clustering one layer at k stores its weights in indexBits(k) bits: the curve's "ratio" is
 * the share of the widest index saved, so the pruning proposal's greedy (cheapest loss per
 * bit saved first) applies unchanged; it settles on the k values tried only.
 */
export async function analyzeShareSensitivity(model: Model, ds: Dataset, opts: ShareSensitivityOptions): Promise<ShareSensitivityResult> {
  const ks = checkOptions(opts);
  const widest = indexBits(ks[0]);
  const ratioOf = (k: number) => (widest - indexBits(k)) / widest;
  const units = layersOf(model, opts);
  // A layer with no more weights than k is exact at that k: the unchanged model scores it.
  const variant = (layer: string, k: number) => (units.find((u) => u.layer === layer)!.units <= k ? model : clusterWeights(model, {
    ...opts.cluster, k, storage: 'dense',
    skip: [...(opts.cluster?.skip ?? []), ...units.filter((u) => u.layer !== layer).map((u) => u.layer)],
  }).model);
  const { baseline, curves } = await scanLayers(model, ds, opts, units, ks, variant, ratioOf, (k) => `at k=${k}`);
  const p = proposeRatios(curves, baseline, (widest - opts.targetBits) / widest, true);
  const kAt = (ratio: number) => ks.find((k) => Math.abs(ratioOf(k) - ratio) < 1e-9) ?? ks[0];
  const proposal = Object.fromEntries(curves.map((c) => [c.layer, kAt(p.proposal[c.layer] ?? 0)]));
  const weights = curves.reduce((a, c) => a + c.units, 0);
  const meanBits = curves.reduce((a, c) => a + indexBits(proposal[c.layer]) * c.units, 0) / Math.max(1, weights);
  return {
    metric: opts.metric, baseline, kValues: ks, targetBits: opts.targetBits,
    curves: curves.map((c) => ({ layer: c.layer, weights: c.units, points: c.points.map((pt, i) => ({ k: ks[i], bits: indexBits(ks[i]), score: pt.score })) })),
    proposal, meanBits, predictedScore: p.predicted, predictedLoss: p.loss,
  };
}
