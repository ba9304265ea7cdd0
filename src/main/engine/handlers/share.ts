// `share`: cluster weights (codebook + uint8 indices or dense snapped), store identical
// tensors once, report size before/after, and check the result against its input.
import { readFileSync } from 'node:fs';
import type { NodeHandler } from '../handler.ts';
import { checkPassFidelity } from '../../passes/prune/fidelity-check.ts';
import { clusterWeights } from '../../passes/share/cluster.ts';
import { dedupeInitializers } from '../../passes/share/dedupe.ts';
import type { ClusterInit } from '../../passes/share/kmeans.ts';
import { sizeMetrics, sizeReport } from '../../passes/prune/size-report.ts';
import { sizeReports } from '../../passes/prune/reports.ts';
import { inputModel, outputModel, param, skipWarnings } from '../../passes/prune/node-io.ts';

export const share: NodeHandler = async (ctx) => {
  const { model, value } = inputModel(ctx, 'Share weights');
  const k = param(ctx, 'k', 16);
  ctx.progress(0, 4, 'Measuring the model');
  const before = await sizeReport(model);
  ctx.progress(1, 4, `Clustering into ${k} values per layer`);
  const r = clusterWeights(model, {
    k, init: param(ctx, 'init', 'kmeans++') as ClusterInit, perChannel: param(ctx, 'perChannel', false),
    storage: param(ctx, 'storage', 'codebook') === 'dense' ? 'dense' : 'codebook', keepZeros: param(ctx, 'keepZeros', true),
    skip: param<string[]>(ctx, 'skip', []), minSize: param(ctx, 'minSize', 0),
    kPerLayer: param<Record<string, number>>(ctx, 'kPerLayer', {}), biases: param(ctx, 'biases', false),
  });
  const deduped = param(ctx, 'dedupe', true) ? dedupeInitializers(r.model) : { model: r.model, merged: [] };
  ctx.signal.throwIfAborted();
  ctx.progress(2, 4, 'Measuring the shared model');
  const { value: outValue, bytes } = outputModel(ctx, deduped.model, `${value.label} · k=${k}`);
  const after = await sizeReport(deduped.model, bytes);
  ctx.progress(3, 4, 'Checking the result against its input');
  const warnings = skipWarnings(r.skipped);
  const fidelity = await checkPassFidelity(ctx, { model, bytes: new Uint8Array(readFileSync(value.path)) }, bytes, 'The shared model',
    (layer) => `give it more clusters (k above ${k}), one codebook per channel (perChannel), or skip it (skip: ["${layer}"])`);
  if (fidelity.warning) warnings.push(fidelity.warning);
  ctx.progress(4, 4, 'Done');
  return {
    outputs: { model: outValue },
    metrics: {
      ...sizeMetrics(before, after),
      clusteredLayers: r.layers.length,
      mergedTensors: deduped.merged.length,
      meanSquaredError: r.layers.reduce((a, l) => a + l.mse * l.params, 0) / Math.max(1, r.layers.reduce((a, l) => a + l.params, 0)),
      ...fidelity.metrics,
    },
    reports: [...sizeReports(before, after), { kind: 'share.layers', title: 'Clustered layers', data: { layers: r.layers, merged: deduped.merged } }],
    warnings,
  };
};
