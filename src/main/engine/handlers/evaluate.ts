// `evaluate`: materialize the dataset, run the model (and the optional reference) over it
// in batches, and report accuracy, agreement and SQNR. Without a wired Reference, the
// planner hands in the unmodified model of the chain (implied-reference.ts) when there is one.
import type { MetricsValue, ModelValue, NodeResult } from '../../../shared/catalog/types.ts';
import { IMPLIED_REFERENCE_PORT } from '../../../shared/pipeline/implied-reference.ts';
import { openDataset } from '../../data/open.ts';
import { evaluateModel } from '../../runtime/evaluate.ts';
import type { NodeHandler } from '../handler.ts';
import { datasetInput, modelInput } from './node-inputs.ts';
import { evaluateDetectionTask } from './evaluate-detection.ts';

export const evaluate: NodeHandler = async (ctx) => {
  const wired = modelInput(ctx, 'reference', true);
  const implied = wired ? undefined : modelInput(ctx, IMPLIED_REFERENCE_PORT, true);
  if (!implied) return evaluateWith(ctx, wired);
  // The implied reference is a bonus: a model it cannot be compared with (other outputs)
  // is evaluated alone, and the metrics say why agreement is missing.
  try {
    const result = await evaluateWith(ctx, implied);
    Object.assign(result.metrics, { reference: implied.label, referenceImplied: true });
    return result;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const result = await evaluateWith(ctx, undefined);
    result.metrics.referenceSkipped = `the unmodified model (${implied.label}) could not be compared with this one: ${err instanceof Error ? err.message : String(err)}`;
    return result;
  }
};

async function evaluateWith(ctx: Parameters<NodeHandler>[0], reference: ModelValue | undefined): Promise<NodeResult> {
  const model = modelInput(ctx, 'model');
  const datasetValue = datasetInput(ctx, 'dataset');
  const p = ctx.params;
  ctx.progress(0, 1, `Loading ${datasetValue.label || 'dataset'}`);
  const ds = await openDataset(datasetValue, ctx.documentDir, { signal: ctx.signal });
  if (p.task === 'detection-yolo' || p.task === 'outputs') return evaluateDetectionTask(ctx, ds, model, reference);
  const r = await evaluateModel(model.path, ds, {
    batchSize: Number(p.batchSize ?? 64),
    limit: Number(p.limit ?? 0),
    threads: Number(p.threads ?? 0),
    inputName: String(p.inputName ?? '') || undefined,
    outputName: String(p.outputName ?? '') || undefined,
    reference: reference?.path,
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress(done, total, `${done}/${total} samples`),
  });
  const metrics: NodeResult['metrics'] = {
    model: model.label, dataset: datasetValue.label || ds.name, samples: r.samples,
  };
  if (r.top1 !== undefined) metrics.top1 = r.top1;
  if (r.top5 !== undefined) metrics.top5 = r.top5;
  if (r.agreement !== undefined) metrics.agreement = r.agreement;
  // The node's face reads top-1 as a change against the reference's own ("−0.2 pt vs ref").
  if (r.referenceTop1 !== undefined) metrics.referenceTop1 = r.referenceTop1;
  // JSON has no Infinity: identical outputs are reported as the string 'inf'.
  if (r.sqnrDb !== undefined) metrics.sqnrDb = Number.isFinite(r.sqnrDb) ? r.sqnrDb : 'inf';
  metrics.samplesPerSec = r.samplesPerSec;
  metrics.evalMs = r.durationMs;
  const warnings: string[] = [];
  if (!ds.labels && !reference) warnings.push('The dataset has no labels and no reference model is connected, so only throughput was measured.');
  if (datasetValue.source === 'synthetic' && ds.labels) warnings.push('The dataset is synthetic: its accuracy means nothing.');
  const out: MetricsValue = { type: 'metrics', values: metrics };
  const { perClass, ...summary } = r;
  return {
    outputs: { metrics: out },
    metrics,
    reports: [
      { kind: 'evaluate.summary', title: 'Evaluation', data: { ...summary, sqnrDb: metrics.sqnrDb ?? null, modelSha256: model.sha256, referenceSha256: reference?.sha256 ?? null } },
      ...(perClass ? [{ kind: 'evaluate.classes', title: 'Top-1 per class', data: perClass.map((c) => ({ class: ds.classNames?.[c.label] ?? String(c.label), samples: c.samples, top1: c.top1 })) }] : []),
    ],
    warnings,
  };
}
