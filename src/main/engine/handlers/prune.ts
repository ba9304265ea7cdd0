// `prune`: run one of the pruning passes and report size, sparsity and MACs before/after.
import type { NodeHandler } from '../handler.ts';
import type { NodeResult } from '../../../shared/catalog/types.ts';
import { pruneMagnitude } from '../../passes/prune/magnitude.ts';
import { check24, prune24 } from '../../passes/prune/semistructured.ts';
import { pruneChannels } from '../../passes/prune/structured.ts';
import { sizeMetrics, sizeReport } from '../../passes/prune/size-report.ts';
import { sizeReports } from '../../passes/prune/reports.ts';
import { inputModel, outputModel, param, skipWarnings } from '../../passes/prune/node-io.ts';
import type { Model } from '../../onnx/model.ts';

export const prune: NodeHandler = async (ctx) => {
  const { model, value } = inputModel(ctx, 'Prune');
  const method = param(ctx, 'method', 'magnitude');
  const sparsity = param(ctx, 'sparsity', 0.5);
  const common = { skip: param<string[]>(ctx, 'skip', []), overrides: param<Record<string, number>>(ctx, 'overrides', {}) };
  ctx.progress(0, 3, 'Measuring the model');
  const before = await sizeReport(model);
  ctx.signal.throwIfAborted();
  ctx.progress(1, 3, 'Pruning');
  let out: Model;
  const warnings: string[] = [];
  const extra: NodeResult['metrics'] = { method };
  const reports: NonNullable<NodeResult['reports']> = [];
  if (method === 'channels') {
    const r = pruneChannels(model, {
      ...common, ratio: sparsity, scope: param(ctx, 'scope', 'global') === 'layer' ? 'uniform' : 'global',
      importance: param(ctx, 'importance', 'l1') as 'l1' | 'l2' | 'bn', roundTo8: param(ctx, 'roundTo8', false),
    });
    out = r.model;
    warnings.push(...r.warnings, ...r.groups.filter((g) => g.blocked).map((g) => `Channels of ${g.layers.join(', ')} left intact: ${g.blocked}.`));
    extra.prunedGroups = r.groups.filter((g) => g.kept < g.channels).length;
    extra.blockedGroups = r.groups.filter((g) => g.blocked).length;
    reports.push({ kind: 'prune.groups', title: 'Channel groups', data: { groups: r.groups } });
  } else if (method === '2:4') {
    const r = prune24(model, { skip: common.skip, minSize: param(ctx, 'minSize', 0) });
    out = r.model;
    warnings.push(...skipWarnings(r.skipped));
    const check = check24(out);
    extra.pattern24 = check.layers.filter((l) => l.layer && r.layers.some((x) => x.layer === l.layer)).every((l) => l.ok);
    extra.prunedLayers = r.layers.length;
  } else {
    const r = pruneMagnitude(model, { ...common, sparsity, scope: param(ctx, 'scope', 'global') === 'layer' ? 'layer' : 'global', minSize: param(ctx, 'minSize', 0) });
    out = r.model;
    warnings.push(...skipWarnings(r.skipped));
    extra.prunedLayers = r.layers.length;
  }
  ctx.signal.throwIfAborted();
  ctx.progress(2, 3, 'Measuring the pruned model');
  const { value: outValue, bytes } = outputModel(ctx, out, `${value.label} · ${method === 'channels' ? `${Math.round(sparsity * 100)}% channels` : method === '2:4' ? '2:4' : `${Math.round(sparsity * 100)}% sparse`}`);
  const after = await sizeReport(out, bytes);
  ctx.progress(3, 3, 'Done');
  return {
    outputs: { model: outValue },
    metrics: { ...sizeMetrics(before, after), ...extra },
    reports: [...sizeReports(before, after), ...reports],
    warnings,
  };
};
