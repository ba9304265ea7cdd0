// Sensitivity analysis: prune one layer (or channel group) at a time at several ratios,
// score each variant, and propose per-layer ratios that reach a target with the least loss.
import type { Model } from '../../onnx/model.ts';
import { shuffledIndices, subset, type Dataset } from '../../data/dataset.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { findWeightLayers, requireLayers } from './layers.ts';
import { checkSparsity, pruneMagnitude } from './magnitude.ts';
import { pruneChannels } from './structured.ts';
import { scoreModel } from './score.ts';
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

interface Unit { layer: string; units: number }

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

function pruneOne(model: Model, opts: SensitivityOptions, layer: string, ratio: number): Model {
  return opts.method === 'magnitude'
    ? pruneMagnitude(model, { sparsity: 0, overrides: { [layer]: ratio }, skip: opts.skip, minSize: opts.minSize }).model
    : pruneChannels(model, { ratio: 0, overrides: { [layer]: ratio }, skip: opts.skip }).model;
}

/** Greedy: take the cheapest next step (loss per unit removed) until the target is met. */
export function proposeRatios(curves: SensitivityCurve[], baseline: number, target: number): { proposal: Record<string, number>; fraction: number; loss: number } {
  const total = curves.reduce((a, c) => a + c.units, 0);
  const steps = curves.map((c) => [{ ratio: 0, score: baseline }, ...[...c.points].sort((a, b) => a.ratio - b.ratio)]);
  const at = curves.map(() => 0);
  let removed = 0;
  while (removed < target * total - 1e-9) {
    let best = -1;
    let bestCost = Infinity;
    curves.forEach((c, i) => {
      const s = steps[i];
      if (at[i] + 1 >= s.length) return;
      const cost = (s[at[i]].score - s[at[i] + 1].score) / (c.units * (s[at[i] + 1].ratio - s[at[i]].ratio));
      if (cost < bestCost) { bestCost = cost; best = i; }
    });
    if (best < 0) break;
    const s = steps[best];
    removed += curves[best].units * (s[at[best] + 1].ratio - s[at[best]].ratio);
    at[best]++;
  }
  const proposal: Record<string, number> = {};
  let loss = 0;
  curves.forEach((c, i) => {
    if (at[i] > 0) proposal[c.layer] = steps[i][at[i]].ratio;
    loss += baseline - steps[i][at[i]].score;
  });
  return { proposal, fraction: total ? removed / total : 0, loss };
}

export async function analyzeSensitivity(model: Model, ds: Dataset, opts: SensitivityOptions): Promise<SensitivityResult> {
  checkSparsity(opts.target, 'The target');
  if (opts.ratios.length === 0) throw new WhittleError('prune.bad-ratios', 'Give at least one ratio to try.', 'For example 0.25, 0.5, 0.75.');
  for (const r of opts.ratios) checkSparsity(r, 'Each ratio');
  if (opts.metric === 'accuracy' && !ds.labels) {
    throw new WhittleError('prune.no-labels', `The dataset '${ds.name}' has no labels, so accuracy cannot be measured.`, 'Choose the "agreement" metric, which compares with the unpruned model.');
  }
  const units = unitsOf(model, opts);
  // Datasets often come sorted by class: score a seeded random subset, not the first samples.
  if (opts.limit !== undefined && opts.limit < ds.size) ds = subset(ds, Array.from(shuffledIndices(ds.size, 0).subarray(0, opts.limit)));
  const base = await scoreModel(model, ds);
  const reference = base.predictions;
  const pick = (s: { accuracy?: number; agreement?: number }): number => (opts.metric === 'accuracy' ? s.accuracy! : s.agreement!);
  const baseline = opts.metric === 'accuracy' ? base.accuracy! : 1;
  const curves: SensitivityCurve[] = [];
  const totalRuns = units.length * opts.ratios.length;
  let done = 0;
  for (const u of units) {
    const points: { ratio: number; score: number }[] = [];
    for (const ratio of [...opts.ratios].sort((a, b) => a - b)) {
      opts.signal?.throwIfAborted();
      const s = await scoreModel(pruneOne(model, opts, u.layer, ratio), ds, { reference });
      points.push({ ratio, score: pick(s) });
      opts.onProgress?.(++done, totalRuns, `${u.layer} at ${Math.round(ratio * 100)}%`);
    }
    curves.push({ layer: u.layer, units: u.units, points });
  }
  const p = proposeRatios(curves, baseline, opts.target);
  return { metric: opts.metric, baseline, curves, proposal: p.proposal, proposedFraction: p.fraction, predictedLoss: p.loss };
}

/** Apply a proposal: per-layer overrides of the same method. */
export function applyProposal(model: Model, method: 'magnitude' | 'channels', proposal: Record<string, number>): Model {
  return method === 'magnitude'
    ? pruneMagnitude(model, { sparsity: 0, overrides: proposal }).model
    : pruneChannels(model, { ratio: 0, overrides: proposal }).model;
}
