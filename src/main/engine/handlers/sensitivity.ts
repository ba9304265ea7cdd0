// `sensitivity`: per-layer pruning sensitivity curves, a proposal of per-layer ratios, and
// the model pruned with that proposal.
import type { NodeHandler } from '../handler.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { openDataset } from '../../data/open.ts';
import { analyzeSensitivity, applyProposal } from '../../passes/prune/sensitivity.ts';
import { sizeMetrics, sizeReport } from '../../passes/prune/size-report.ts';
import { sizeReports } from '../../passes/prune/reports.ts';
import { inputModel, outputModel, param } from '../../passes/prune/node-io.ts';

export const sensitivity: NodeHandler = async (ctx) => {
  const { model, value } = inputModel(ctx, 'Pruning sensitivity');
  const dsValue = ctx.inputs.dataset;
  if (!dsValue || dsValue.type !== 'dataset') {
    throw new WhittleError('node.no-dataset', 'The Pruning sensitivity node has no dataset.', 'Connect a dataset output to its "Dataset" input.', ctx.nodeId);
  }
  const ds = await openDataset(dsValue, ctx.documentDir, { signal: ctx.signal });
  const method = param(ctx, 'method', 'magnitude') === 'channels' ? 'channels' : 'magnitude';
  const ratios = String(param(ctx, 'ratios', '0.25, 0.5, 0.75, 0.9')).split(',').map((s) => Number(s.trim())).filter((s) => Number.isFinite(s));
  const result = await analyzeSensitivity(model, ds, {
    method, ratios, metric: param(ctx, 'metric', 'accuracy') === 'agreement' ? 'agreement' : 'accuracy',
    target: param(ctx, 'target', 0.5), limit: param(ctx, 'limit', 2000), skip: param<string[]>(ctx, 'skip', []),
    signal: ctx.signal, onProgress: (done, total, message) => ctx.progress(done, total + 1, message),
  });
  const pruned = applyProposal(model, method, result.proposal);
  const { value: outValue, bytes } = outputModel(ctx, pruned, `${value.label} · sensitivity ${Math.round(result.proposedFraction * 100)}%`);
  const [before, after] = [await sizeReport(model), await sizeReport(pruned, bytes)];
  const proposalMetrics = Object.fromEntries(Object.entries(result.proposal).map(([layer, r]) => [`ratio ${layer}`, r]));
  return {
    outputs: { model: outValue, metrics: { type: 'metrics', values: proposalMetrics } },
    metrics: { baseline: result.baseline, proposedFraction: result.proposedFraction, predictedLoss: result.predictedLoss, predictedScore: result.predictedScore ?? result.baseline - result.predictedLoss, ...sizeMetrics(before, after) },
    reports: [{ kind: 'prune.sensitivity', title: 'Sensitivity per layer', data: result }, ...sizeReports(before, after)],
  };
};
