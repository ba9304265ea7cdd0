// Sensitivity analysis: prune one layer (or channel group) at a time at several ratios,
// score each variant, and propose per-layer ratios that reach a target with the least loss.
import type { Model } from '../../onnx/model.ts';
import { shuffledIndices, subset, type Dataset } from '../../data/dataset.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { findWeightLayers, requireLayers, type WeightLayer } from './layers.ts';
import { checkSparsity, pruneMagnitude, zeroSmallest } from './magnitude.ts';
import { float32Tensor, tensorToFloat32 } from '../../onnx/tensor.ts';
import { pruneChannels } from './structured.ts';
import { FIDELITY_SAMPLES, hasClassLogits, scoreModel } from './score.ts';
import type { SensitivityCurve, SensitivityResult } from '../../../shared/reports/prune.ts';

export type { SensitivityCurve, SensitivityResult };

export interface SensitivityOptions {
  method: 'magnitude' | 'channels';
  /** Ratios to try per layer, each in (0, 1). */
  ratios: number[];
  /** 'accuracy' needs labels; 'agreement' compares with the unpruned model's predictions. */
  metric: 'accuracy' | 'agreement';
  /** Overall fraction of weights (magnitude) or channels (channels) the proposal must remove. */
  target: number;
  limit?: number;
  skip?: string[];
  minSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

export interface Unit { layer: string; units: number }

function unitsOf(model: Model, opts: SensitivityOptions): Unit[] {
  if (opts.method === 'magnitude') {
    const { layers, skipped } = findWeightLayers(model, opts);
    requireLayers(layers, skipped, 'sensitivity analysis');
    const seen = new Set<string>();
    return layers.filter((l) => !seen.has(l.weightName) && seen.add(l.weightName)).map((l) => ({ layer: l.name, units: l.dims.reduce((a, b) => a * b, 1) }));
  }
  const { groups } = pruneChannels(model, { ratio: 0, skip: opts.skip });
  return groups.filter((g) => !g.blocked).map((g) => ({ layer: g.layers[0], units: g.channels }));
}

/**
 * One layer pruned, the rest shared with the input: a variant is only scored, so it needs no
 * deep copy and no mask metadata (a full pass per variant took ~0.5 s on MobileNetV3-small).
 */
function magnitudeVariant(model: Model, layer: WeightLayer, ratio: number): Model {
  const w = tensorToFloat32(layer.weight);
  zeroSmallest(w, Math.floor(ratio * w.length));
  const pruned = float32Tensor(layer.weightName, layer.dims, w);
  return { ...model, graph: { ...model.graph, initializer: model.graph.initializer.map((t) => (t.name === layer.weightName ? pruned : t)) } };
}

function pruneOne(model: Model, opts: SensitivityOptions, layer: string, ratio: number, layers: WeightLayer[]): Model {
  const weight = opts.method === 'magnitude' ? layers.find((l) => l.name === layer) : undefined;
  // A weight behind an Identity or shared by layers takes the full pass, which resolves it.
  if (weight && model.graph.initializer.some((t) => t.name === weight.weightName) && layers.filter((l) => l.weightName === weight.weightName).length === 1) {
    return magnitudeVariant(model, weight, ratio);
  }
  return opts.method === 'magnitude'
    ? pruneMagnitude(model, { sparsity: 0, overrides: { [layer]: ratio }, skip: opts.skip, minSize: opts.minSize }).model
    : pruneChannels(model, { ratio: 0, overrides: { [layer]: ratio }, skip: opts.skip }).model;
}

/**
 * Greedy: take the cheapest next step (loss per unit removed) until the target is met. The
 * step that would overshoot is taken only partway (ratios are continuous and the curve is
 * interpolated linearly), so the proposal removes the target fraction, not the next grid point.
 * The predicted score treats layers as independent: baseline x the product of each layer's
 * retained share (score / baseline), which stays within [0, baseline] unlike a sum of losses.
 * A curve may carry its own ratio-0 point (weight sharing: the largest k already costs
 * something); without one it starts at the baseline. `discrete` settles on grid points only
 * (k must be one of the values tried), taking the last step whole, so it may overshoot.
 */
export function proposeRatios(curves: SensitivityCurve[], baseline: number, target: number, discrete = false): { proposal: Record<string, number>; fraction: number; loss: number; predicted: number } {
  const total = curves.reduce((a, c) => a + c.units, 0);
  const steps = curves.map((c) => {
    const sorted = [...c.points].sort((a, b) => a.ratio - b.ratio);
    return sorted[0]?.ratio === 0 ? sorted : [{ ratio: 0, score: baseline }, ...sorted];
  });
  const at = steps.map((s) => ({ ratio: 0, score: s[0].score, step: 0 }));
  const goal = target * total;
  let removed = 0;
  while (removed < goal - 1e-9) {
    let best = -1;
    let bestCost = Infinity;
    curves.forEach((c, i) => {
      const s = steps[i];
      const k = at[i].step;
      if (k + 1 >= s.length) return;
      const cost = (s[k].score - s[k + 1].score) / (c.units * (s[k + 1].ratio - s[k].ratio));
      if (cost < bestCost) { bestCost = cost; best = i; }
    });
    if (best < 0) break;
    const s = steps[best];
    const k = at[best].step;
    const units = curves[best].units * (s[k + 1].ratio - s[k].ratio);
    if (removed + units <= goal + 1e-9 || discrete) {
      removed += units;
      at[best] = { ratio: s[k + 1].ratio, score: s[k + 1].score, step: k + 1 };
      continue;
    }
    const t = (goal - removed) / units;
    at[best] = { ratio: s[k].ratio + t * (s[k + 1].ratio - s[k].ratio), score: s[k].score + t * (s[k + 1].score - s[k].score), step: s.length };
    removed = goal;
  }
  const proposal: Record<string, number> = {};
  let retained = 1;
  curves.forEach((c, i) => {
    if (at[i].ratio > 0) proposal[c.layer] = at[i].ratio;
    retained *= baseline > 0 ? Math.max(0, Math.min(1, at[i].score / baseline)) : 1;
  });
  const predicted = baseline * retained;
  return { proposal, fraction: total ? removed / total : 0, loss: baseline - predicted, predicted };
}

export interface ScanOptions {
  metric: 'accuracy' | 'agreement';
  limit?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

/**
 * Score one variant per (layer, setting): the shared loop of every sensitivity scan. Each
 * point's ratio comes from `ratioOf(setting)`; `variant` builds the model changed in that
 * layer alone.
 */
export async function scanLayers<S>(
  model: Model, ds: Dataset, opts: ScanOptions, units: Unit[], settings: S[],
  variant: (layer: string, setting: S) => Model, ratioOf: (setting: S) => number, describe: (setting: S) => string,
): Promise<{ baseline: number; curves: SensitivityCurve[] }> {
  if (opts.metric === 'accuracy' && !ds.labels) {
    throw new WhittleError('prune.no-labels', `The dataset '${ds.name}' has no labels, so accuracy cannot be measured.`, 'Choose the "agreement" metric, which compares with the unchanged model.');
  }
  // A detector's maps have no top-1: variants are scored by output fidelity to the unchanged model.
  const fidelity = !hasClassLogits(model);
  if (fidelity && opts.metric === 'accuracy') {
    throw new WhittleError('prune.no-class-logits', `The model's first output '${model.graph.output[0].name}' is not class logits [N, C], so top-1 accuracy cannot be measured.`, 'Choose the "agreement" metric: for such a model each variant is scored by how closely all its outputs match the unchanged model\'s.');
  }
  const limit = fidelity ? Math.min(opts.limit ?? FIDELITY_SAMPLES, FIDELITY_SAMPLES) : opts.limit;
  // Datasets often come sorted by class: score a seeded random subset, not the first samples.
  if (limit !== undefined && limit < ds.size) ds = subset(ds, Array.from(shuffledIndices(ds.size, 0).subarray(0, limit)));
  const base = await scoreModel(model, ds, { keepOutputs: fidelity });
  const reference = base.predictions;
  const pick = (s: { accuracy?: number; agreement?: number; fidelity?: number }): number => (fidelity ? s.fidelity! : opts.metric === 'accuracy' ? s.accuracy! : s.agreement!);
  const baseline = opts.metric === 'accuracy' ? base.accuracy! : 1;
  const curves: SensitivityCurve[] = [];
  const totalRuns = units.length * settings.length;
  let done = 0;
  for (const u of units) {
    const points: { ratio: number; score: number }[] = [];
    for (const setting of settings) {
      opts.signal?.throwIfAborted();
      const s = await scoreModel(variant(u.layer, setting), ds, { reference, referenceOutputs: base.outputs });
      points.push({ ratio: ratioOf(setting), score: pick(s) });
      opts.onProgress?.(++done, totalRuns, `${u.layer} ${describe(setting)}`);
    }
    curves.push({ layer: u.layer, units: u.units, points });
  }
  return { baseline, curves };
}

export async function analyzeSensitivity(model: Model, ds: Dataset, opts: SensitivityOptions): Promise<SensitivityResult> {
  checkSparsity(opts.target, 'The target');
  if (opts.ratios.length === 0) throw new WhittleError('prune.bad-ratios', 'Give at least one ratio to try.', 'For example 0.25, 0.5, 0.75.');
  for (const r of opts.ratios) checkSparsity(r, 'Each ratio');
  const ratios = [...opts.ratios].sort((a, b) => a - b);
  const layers = opts.method === 'magnitude' ? findWeightLayers(model, opts).layers : [];
  const { baseline, curves } = await scanLayers(model, ds, opts, unitsOf(model, opts), ratios,
    (layer, ratio) => pruneOne(model, opts, layer, ratio, layers), (r) => r, (r) => `at ${Math.round(r * 100)}%`);
  const p = proposeRatios(curves, baseline, opts.target);
  return { metric: opts.metric, baseline, curves, proposal: p.proposal, proposedFraction: p.fraction, predictedLoss: p.loss, predictedScore: p.predicted };
}

/** Apply a proposal: per-layer overrides of the same method. */
export function applyProposal(model: Model, method: 'magnitude' | 'channels', proposal: Record<string, number>): Model {
  return method === 'magnitude'
    ? pruneMagnitude(model, { sparsity: 0, overrides: proposal }).model
    : pruneChannels(model, { ratio: 0, overrides: proposal }).model;
}
