// Accuracy-aware static quantization: quantize everything, rank layers by how much of the
// error they cause (one-layer-in-float trials, or per-layer SQNR on big models), then return
// layers to float one at a time until the accuracy drop is within the limit.
import type { Dataset } from '../../data/dataset.ts';
import { encodeModel, type Model } from '../../onnx/model.ts';
import { evaluateModel } from '../../runtime/evaluate.ts';
import { buildStatic, calibrateModel, finishReport, type BuiltStatic, type Calibrated } from './static.ts';
import type { PassContext, QuantizeReport, StaticOptions } from './types.ts';
import type { AccuracyAwareReport, AccuracyStep } from '../../../shared/reports/quantize.ts';

export type { AccuracyAwareReport, AccuracyStep };

export interface AccuracyAwareOptions extends StaticOptions {
  /** Largest allowed drop, in accuracy points (0.1 = 0.1 percentage points). */
  maxDropPoints: number;
  /** 'trial' re-evaluates with each layer in float; 'sqnr' ranks by output SQNR; 'auto' trials up to 16 layers. */
  ranking?: 'auto' | 'trial' | 'sqnr';
  /** Evaluate on at most this many samples (default all). */
  evalLimit?: number;
}


export async function quantizeAccuracyAware(model: Model, calibration: Dataset, evaluation: Dataset, options: AccuracyAwareOptions, ctx: PassContext = {}): Promise<{ model: Model; report: QuantizeReport; accuracy: AccuracyAwareReport }> {
  const cal = await calibrateModel(model, calibration, options, ctx);
  const fp32 = encodeModel(model);
  const useLabels = evaluation.labels !== undefined;
  const measure = async (m: Model): Promise<number> => {
    ctx.signal?.throwIfAborted();
    const r = await evaluateModel(encodeModel(m), evaluation, { limit: options.evalLimit, reference: useLabels ? undefined : fp32, signal: ctx.signal });
    return 100 * (useLabels ? r.top1! : r.agreement!);
  };
  const baseline = useLabels ? 100 * (await evaluateModel(fp32, evaluation, { limit: options.evalLimit })).top1! : 100;
  const excluded = new Set(options.excludeNodes ?? []);
  const build = (): BuiltStatic => buildStatic(cal, { ...options, excludeNodes: [...excluded] });
  let built = build();
  let metric = await measure(built.model);
  const steps: AccuracyStep[] = [{ step: 0, floatLayers: [...excluded], metricPct: metric, dropPoints: baseline - metric, withinLimit: baseline - metric <= options.maxDropPoints + 1e-9 }];
  const candidates = built.plan.nodes.filter((p) => p.role === 'compute').map((p) => p.node);
  const ranking = options.ranking === 'sqnr' || (options.ranking !== 'trial' && candidates.length > 16) ? 'sqnr' : 'trial';
  const ranked = steps[0].withinLimit ? [] : await rankLayers(cal, built, candidates, ranking, options, excluded, measure, metric, calibration, ctx);
  for (const r of ranked) {
    if (steps[steps.length - 1].withinLimit) break;
    excluded.add(r.node);
    built = build();
    metric = await measure(built.model);
    const drop = baseline - metric;
    steps.push({ step: steps.length, restored: r.node, floatLayers: [...excluded], metricPct: metric, dropPoints: drop, withinLimit: drop <= options.maxDropPoints + 1e-9 });
    ctx.progress?.(steps.length, ranked.length + 1, `accuracy-aware: ${excluded.size} layer(s) in float, drop ${drop.toFixed(2)} points`);
  }
  const last = steps[steps.length - 1];
  // Smallest drop; on a tie the earlier step (fewer layers in float).
  const best = steps.reduce((a, b) => (b.dropPoints < a.dropPoints - 1e-9 ? b : a));
  const reached = last.withinLimit;
  if (!reached && best !== last) built = buildStatic(cal, { ...options, excludeNodes: best.floatLayers });
  const what = useLabels ? 'accuracy' : 'agreement with fp32';
  const message = reached
    ? `Within the limit: ${what} ${last.metricPct.toFixed(2)}% vs ${baseline.toFixed(2)}% (drop ${last.dropPoints.toFixed(2)} <= ${options.maxDropPoints} points) with ${last.floatLayers.length} layer(s) in float.`
    : `Could not reach the limit of ${options.maxDropPoints} points: the smallest drop was ${best.dropPoints.toFixed(2)} points (${what} ${best.metricPct.toFixed(2)}% vs ${baseline.toFixed(2)}%) at step ${best.step} with ${best.floatLayers.length} layer(s) in float, and that is the model returned; nothing was left to restore after step ${last.step}.`;
  const report = await finishReport(cal, built, options, ctx, calibration);
  if (!reached) report.warnings.unshift(message);
  return {
    model: built.model, report,
    accuracy: { metric: useLabels ? 'accuracy' : 'agreement', baselinePct: baseline, maxDropPoints: options.maxDropPoints, ranking, ranked, steps, reached, message },
  };
}

async function rankLayers(
  cal: Calibrated, full: BuiltStatic, candidates: { name: string; opType: string }[], ranking: 'trial' | 'sqnr', options: StaticOptions,
  excluded: Set<string>, measure: (m: Model) => Promise<number>, fullMetric: number, ds: Dataset, ctx: PassContext,
): Promise<{ node: string; opType: string; score: number }[]> {
  if (ranking === 'trial') {
    // Score = accuracy regained when only this layer goes back to float.
    const scored = [];
    for (const c of candidates) {
      const m = buildStatic(cal, { ...options, excludeNodes: [...excluded, c.name] }).model;
      scored.push({ node: c.name, opType: c.opType, score: (await measure(m)) - fullMetric });
    }
    return scored.sort((a, b) => b.score - a.score);
  }
  // Score = noise this layer adds: 1/SQNR(out) - 1/SQNR(in), in linear power ratio.
  const report = await finishReport(cal, full, { ...options, verify: false, sqnrSamples: options.sqnrSamples ?? 16 }, ctx, ds);
  const sqnr = new Map(report.tensors.filter((t) => t.kind === 'activation').map((t) => [t.tensor, t.sqnrDb ?? Infinity]));
  const noise = (t: string | undefined): number => (t && sqnr.has(t) ? 10 ** (-(sqnr.get(t)!) / 10) : 0);
  return full.plan.nodes.filter((p) => p.role === 'compute').map((p) => ({
    node: p.node.name, opType: p.node.opType, score: noise(p.quantizedOutput) - noise(p.node.input[0]),
  })).sort((a, b) => b.score - a.score);
}
