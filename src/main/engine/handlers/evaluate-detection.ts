// The evaluate node's non-classification tasks: "detection-yolo" (COCO mAP of a YOLO-style
// model on a COCO dataset, plus per-output agreement when a reference is connected) and
// "outputs" (per-output agreement and SQNR against the reference only).
import type { MetricsValue, ModelValue, NodeResult } from '../../../shared/catalog/types.ts';
import { paramsWithDefaults } from '../../../shared/pipeline/params.ts';
import { EVALUATE } from '../../../shared/catalog/evaluate.ts';
import { WhittleError } from '../../../shared/errors.ts';
import type { Dataset } from '../../data/dataset.ts';
import { cocoPart, type CocoDataset } from '../../data/coco.ts';
import { compareOutputs, evaluateDetection, type OutputAgreement } from '../../runtime/evaluate-detection.ts';
import type { NodeContext } from '../handler.ts';

const DETECTION_BATCH_CAP = 16;

// JSON has no Infinity: identical outputs are reported as the string 'inf'.
const db = (v: number): number | string => (Number.isFinite(v) ? v : 'inf');

function agreementMetrics(list: OutputAgreement[], metrics: NodeResult['metrics']): void {
  metrics.agreement = Math.min(...list.map((o) => o.agreement));
  metrics.sqnrDb = db(Math.min(...list.map((o) => o.sqnrDb)));
  for (const o of list) {
    metrics[`agreement.${o.output}`] = o.agreement;
    metrics[`sqnrDb.${o.output}`] = db(o.sqnrDb);
  }
}

export async function evaluateDetectionTask(ctx: NodeContext, ds: Dataset, model: ModelValue, reference: ModelValue | undefined): Promise<NodeResult> {
  const p = paramsWithDefaults(EVALUATE, ctx.params);
  const run = {
    // A 640-px image and its heads take ~10 MB: the classification default of 64 would hold ~0.6 GB.
    batchSize: Math.min(Number(p.batchSize), DETECTION_BATCH_CAP), threads: Number(p.threads), inputName: String(p.inputName) || undefined, signal: ctx.signal,
    regMax: Number(p.regMax), scoreThreshold: Number(p.scoreThreshold), iouThreshold: Number(p.iouThreshold), limit: Number(p.limit),
  };
  const metrics: NodeResult['metrics'] = { model: model.label, dataset: ds.name };
  const reports: NonNullable<NodeResult['reports']> = [];
  const warnings: string[] = [];
  if (p.task === 'detection-yolo') {
    const coco = cocoPart(ds);
    if (!coco) throw new WhittleError('evaluate.needs-coco', 'The "Detection (YOLO)" task needs a COCO dataset: boxes to score against.', 'Connect a "COCO detection" dataset node, or pick the "Outputs against a reference" task.', ctx.nodeId);
    const r = await evaluateDetection(model.path, ds as CocoDataset, { ...run, onProgress: (d, t) => ctx.progress(d, t, `${d}/${t} images`) });
    Object.assign(metrics, { images: r.images, map50: r.map50, map: r.map, map75: r.map75, detections: r.detections, imagesPerSec: r.imagesPerSec, evalMs: r.durationMs });
    reports.push({ kind: 'evaluate.detection', title: 'Detection (COCO mAP)', data: { ...r, modelSha256: model.sha256 } });
    const classes = r.heads[0]?.classes ?? 0;
    if (classes < coco.categories.length) warnings.push(`The model scores ${classes} classes but the annotations list ${coco.categories.length} categories: the categories after the first ${classes} (by id) are never detected.`);
    if (coco.crowdBoxes > 0) warnings.push(`${coco.crowdBoxes} crowd box(es) are scored as ignore regions, as COCO does.`);
    if (r.map < 0) warnings.push('No category has a ground-truth box among the evaluated images, so mAP could not be computed.');
  } else if (!reference) {
    throw new WhittleError('evaluate.needs-reference', 'The "Outputs against a reference" task compares with a reference model, and none is connected.', 'Connect the original (uncompressed) model to the "Reference" input.', ctx.nodeId);
  }
  if (reference) {
    const list = await compareOutputs(model.path, reference.path, ds, { ...run, onProgress: (d, t) => ctx.progress(d, t, `Comparing ${d}/${t}`) });
    agreementMetrics(list, metrics);
    reports.push({ kind: 'evaluate.outputs', title: 'Outputs against the reference', data: list.map((o) => ({ ...o, sqnrDb: db(o.sqnrDb) })) });
  }
  const out: MetricsValue = { type: 'metrics', values: metrics };
  return { outputs: { metrics: out }, metrics, reports, warnings };
}
