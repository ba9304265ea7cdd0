// `prune`: run one of the pruning passes and report size, sparsity and MACs before/after;
// then check the result against its input (fidelity, and speed on the host for channels).
import { readFileSync } from 'node:fs';
import type { NodeHandler } from '../handler.ts';
import type { NodeResult } from '../../../shared/catalog/types.ts';
import { pruneMagnitude } from '../../passes/prune/magnitude.ts';
import { check24, prune24 } from '../../passes/prune/semistructured.ts';
import { pruneChannels, type ChannelGroupReport } from '../../passes/prune/structured.ts';
import { sizeMetrics, sizeReport } from '../../passes/prune/size-report.ts';
import { sizeReports } from '../../passes/prune/reports.ts';
import { inputModel, outputModel, param, skipWarnings } from '../../passes/prune/node-io.ts';
import { checkPassFidelity } from '../../passes/prune/fidelity-check.ts';
import { checkSpeed, pruneSlowerWarning, speedMetrics } from '../../passes/speed.ts';
import type { Model } from '../../onnx/model.ts';

/** Groups left at a channel count off the fast kernels: not a multiple of 8, or under 8. */
function oddGroups(groups: ChannelGroupReport[]): { layer: string; channels: number }[] {
  return groups.filter((g) => g.kept < g.channels && (g.kept % 8 !== 0 || g.kept < 8)).map((g) => ({ layer: g.layers[0], channels: g.kept }));
}

export const prune: NodeHandler = async (ctx) => {
  const { model, value } = inputModel(ctx, 'Prune');
  const method = param(ctx, 'method', 'magnitude');
  const sparsity = param(ctx, 'sparsity', 0.5);
  const common = { skip: param<string[]>(ctx, 'skip', []), overrides: param<Record<string, number>>(ctx, 'overrides', {}) };
  ctx.progress(0, 4, 'Measuring the model');
  const before = await sizeReport(model);
  ctx.signal.throwIfAborted();
  ctx.progress(1, 4, 'Pruning');
  let out: Model;
  const warnings: string[] = [];
  const extra: NodeResult['metrics'] = { method };
  const reports: NonNullable<NodeResult['reports']> = [];
  let groups: ChannelGroupReport[] = [];
  const channelMultiple = param(ctx, 'channelMultiple', 8);
  if (method === 'channels') {
    const r = pruneChannels(model, {
      ...common, ratio: sparsity, scope: param(ctx, 'scope', 'global') === 'layer' ? 'uniform' : 'global',
      importance: param(ctx, 'importance', 'l1') as 'l1' | 'l2' | 'bn', channelMultiple, minChannels: param(ctx, 'minChannels', 8),
    });
    out = r.model;
    groups = r.groups;
    // A group kept whole because it is the model's output (a classifier's classes, a detection
    // head) is what every user expects: named in the groups report, not a warning.
    const shortfall = r.groups.filter((g) => g.blocked && !g.atOutput);
    warnings.push(...r.warnings, ...shortfall.map((g) => `Channels of ${g.layers.join(', ')} left intact: ${g.blocked}.`));
    extra.prunedGroups = r.groups.filter((g) => g.kept < g.channels).length;
    extra.blockedGroups = shortfall.length;
    extra.outputGroups = r.groups.filter((g) => g.atOutput).length;
    extra.channelMultiple = channelMultiple;
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
  ctx.progress(2, 4, 'Measuring the pruned model');
  const { value: outValue, bytes } = outputModel(ctx, out, `${value.label} · ${method === 'channels' ? `${Math.round(sparsity * 100)}% channels` : method === '2:4' ? '2:4' : `${Math.round(sparsity * 100)}% sparse`}`);
  const after = await sizeReport(out, bytes);
  ctx.progress(3, 4, 'Checking the result against its input');
  const inputBytes = new Uint8Array(readFileSync(value.path));
  const fix = (layer: string): string => (method === 'channels'
    ? `prune that layer's group less (overrides: { "${layer}": ${Math.max(0, sparsity / 2).toFixed(2)} }) or skip it (skip: ["${layer}"])`
    : `prune that layer less (overrides: { "${layer}": ${Math.max(0, sparsity / 2).toFixed(2)} }) or skip it (skip: ["${layer}"])`);
  const fidelity = await checkPassFidelity(ctx, { model, bytes: inputBytes }, bytes, 'The pruned model', fix);
  Object.assign(extra, fidelity.metrics);
  if (fidelity.warning) warnings.push(fidelity.warning);
  if (method === 'channels') {
    // Fewer MACs are only worth having if the model runs faster: time it against its input.
    const speed = await checkSpeed(inputBytes, bytes, ctx.signal);
    Object.assign(extra, speedMetrics(speed));
    if (typeof speed !== 'string' && speed.slower) warnings.push(pruneSlowerWarning(speed, oddGroups(groups), channelMultiple));
  }
  ctx.progress(4, 4, 'Done');
  const metrics = { ...sizeMetrics(before, after), ...extra };
  if (typeof metrics.macsRatio === 'number') metrics.macRatio = metrics.macsRatio;
  return { outputs: { model: outValue }, metrics, reports: [...sizeReports(before, after), ...reports], warnings };
};
