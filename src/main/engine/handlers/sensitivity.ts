// `sensitivity`: per-layer sensitivity curves (pruning ratio or weight-sharing k), a
// proposal per layer, and the model compressed with that proposal.
import type { NodeHandler, NodeContext } from '../handler.ts';
import type { NodeResult } from '../../../shared/catalog/types.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { Model } from '../../onnx/model.ts';
import { openDataset } from '../../data/open.ts';
import type { Dataset } from '../../data/dataset.ts';
import { analyzeSensitivity, applyProposal } from '../../passes/prune/sensitivity.ts';
import { analyzeShareSensitivity } from '../../passes/share/sensitivity.ts';
import { clusterWeights } from '../../passes/share/cluster.ts';
import { sizeMetrics, sizeReport } from '../../passes/prune/size-report.ts';
import { sizeReports } from '../../passes/prune/reports.ts';
import { inputModel, outputModel, param, skipWarnings } from '../../passes/prune/node-io.ts';
import { FIDELITY_FLOOR } from '../../passes/fidelity.ts';
import { FIDELITY_SAMPLES, hasClassLogits } from '../../passes/prune/score.ts';

type Value = ReturnType<typeof inputModel>['value'];

export const sensitivity: NodeHandler = async (ctx) => {
  const { model, value } = inputModel(ctx, 'Sensitivity');
  const dsValue = ctx.inputs.dataset;
  if (!dsValue || dsValue.type !== 'dataset') {
    throw new WhittleError('node.no-dataset', 'The Sensitivity node has no dataset.', 'Connect a dataset output to its "Dataset" input.', ctx.nodeId);
  }
  const ds = await openDataset(dsValue, ctx.documentDir, { signal: ctx.signal });
  const method = param(ctx, 'method', 'magnitude');
  if (method === 'share') return shareSensitivity(ctx, model, value, ds);
  const pruneMethod = method === 'channels' ? 'channels' : 'magnitude';
  const ratios = String(param(ctx, 'ratios', '0.25, 0.5, 0.75, 0.9')).split(',').map((s) => Number(s.trim())).filter((s) => Number.isFinite(s));
  const result = await analyzeSensitivity(model, ds, {
    method: pruneMethod, ratios, ...scanOptions(ctx),
    target: param(ctx, 'target', 0.5), skip: param<string[]>(ctx, 'skip', []),
  });
  const pruned = applyProposal(model, pruneMethod, result.proposal);
  const { value: outValue, bytes } = outputModel(ctx, pruned, `${value.label} · sensitivity ${Math.round(result.proposedFraction * 100)}%`);
  const [before, after] = [await sizeReport(model), await sizeReport(pruned, bytes)];
  const proposalMetrics = Object.fromEntries(Object.entries(result.proposal).map(([layer, r]) => [`ratio ${layer}`, r]));
  return {
    warnings: [...scoringWarnings(model), ...predictionWarning(result.baseline, result.predictedScore ?? result.baseline - result.predictedLoss, 'prune less (a lower target)')],
    outputs: { model: outValue, metrics: { type: 'metrics', values: proposalMetrics } },
    metrics: { baseline: result.baseline, proposedFraction: result.proposedFraction, predictedLoss: result.predictedLoss, predictedScore: result.predictedScore ?? result.baseline - result.predictedLoss, ...sizeMetrics(before, after) },
    reports: [{ kind: 'prune.sensitivity', title: 'Sensitivity per layer', data: result }, ...sizeReports(before, after)],
  };
};

/**
 * The proposal meets its target by construction; whether the model survives it is the
 * curves' prediction. Below the fidelity floor's share of the baseline, the node ends amber.
 */
function predictionWarning(baseline: number, predicted: number, remedy: string): string[] {
  if (!(baseline > 0) || predicted / baseline >= FIDELITY_FLOOR.agreement) return [];
  return [`The curves predict ${(predicted * 100).toFixed(1)}% for the proposal, against ${(baseline * 100).toFixed(1)}% unchanged (below ${FIDELITY_FLOOR.agreement * 100}% of it): the target is more than these layers tolerate together. Choose a less aggressive target, ${remedy}, or fine-tune afterwards and check with an Evaluate node.`];
}

/** Honest about what was measured (DESIGN.md §9): a detector's maps have no top-1 to agree on. */
function scoringWarnings(model: Model): string[] {
  if (hasClassLogits(model)) return [];
  return [`The first output '${model.graph.output[0].name}' is not class logits [N, C]: each variant was scored by output fidelity (1 - noise/signal of every output against the unchanged model, on at most ${FIDELITY_SAMPLES} samples), not by top-1 agreement. Check the proposal with a task metric (Evaluate) before relying on it.`];
}

function scanOptions(ctx: NodeContext) {
  return {
    metric: param(ctx, 'metric', 'accuracy') === 'agreement' ? 'agreement' as const : 'accuracy' as const,
    limit: param(ctx, 'limit', 2000), signal: ctx.signal,
    onProgress: (done: number, total: number, message: string) => ctx.progress(done, total + 1, message),
  };
}

async function shareSensitivity(ctx: NodeContext, model: Model, value: Value, ds: Dataset): Promise<NodeResult> {
  const kValues = String(param(ctx, 'kValues', '2, 4, 8, 16')).split(',').map((s) => Number(s.trim())).filter((k) => Number.isFinite(k));
  const skip = param<string[]>(ctx, 'skip', []);
  const result = await analyzeShareSensitivity(model, ds, { ...scanOptions(ctx), kValues, targetBits: param(ctx, 'targetBits', 3), cluster: { skip } });
  const shared = clusterWeights(model, { k: result.kValues[0], kPerLayer: result.proposal, skip, storage: 'codebook' });
  const { value: outValue, bytes } = outputModel(ctx, shared.model, `${value.label} · ${result.meanBits.toFixed(1)} bits/weight`);
  const [before, after] = [await sizeReport(model), await sizeReport(shared.model, bytes)];
  return {
    outputs: { model: outValue, metrics: { type: 'metrics', values: Object.fromEntries(Object.entries(result.proposal).map(([layer, k]) => [`k ${layer}`, k])) } },
    metrics: { baseline: result.baseline, meanIndexBits: result.meanBits, predictedLoss: result.predictedLoss, predictedScore: result.predictedScore, ...sizeMetrics(before, after) },
    reports: [
      { kind: 'share.sensitivity', title: 'Sensitivity per layer (k)', data: result },
      { kind: 'share.layers', title: 'Clustered layers', data: { layers: shared.layers, merged: [] } },
      ...sizeReports(before, after),
    ],
    warnings: [...scoringWarnings(model), ...skipWarnings(shared.skipped), ...predictionWarning(result.baseline, result.predictedScore, 'try larger k values')],
  };
}
