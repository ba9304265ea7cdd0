// `pack`: store each weight in its smallest runnable form for the target, prove the packed
// model against the unpacked one in ONNX Runtime, and report the recipe's size waterfall.
import type { NodeHandler } from '../handler.ts';
import type { NodeResult } from '../../../shared/catalog/types.ts';
import { PACK_LAYERS_KIND, PACK_WATERFALL_KIND, type PackLayersData, type PackTarget } from '../../../shared/reports/pack.ts';
import { openDataset } from '../../data/open.ts';
import { getMetadata } from '../../onnx/model.ts';
import { modelStats } from '../../onnx/stats.ts';
import { packVerified } from '../../passes/pack/pack-verified.ts';
import { measureWaterfall, type StageInput } from '../../passes/pack/waterfall.ts';
import { inputModel, outputModel, param } from '../../passes/prune/node-io.ts';
import { SHARE_KEY } from '../../passes/share/cluster.ts';
import { datasetInput, modelInput } from './node-inputs.ts';

export const pack: NodeHandler = async (ctx) => {
  const { model, value } = inputModel(ctx, 'Pack');
  const target = param(ctx, 'target', 'onnxruntime') as PackTarget;
  const objective = param(ctx, 'objective', 'gzip') === 'raw' ? 'raw' : 'gzip';
  const ds = ctx.inputs.dataset ? await openDataset(datasetInput(ctx, 'dataset'), ctx.documentDir, { signal: ctx.signal }) : undefined;
  ctx.progress(0, 3, 'Choosing a storage form per tensor');
  const r = await packVerified(model, { target, objective, minElements: param(ctx, 'minElements', 16) }, ds, ctx.signal, param(ctx, 'compareSamples', 256));
  const { value: outValue } = outputModel(ctx, r.model, `${value.label} · packed${target === 'tensorrt' ? ' for TensorRT' : ''}`);
  ctx.progress(1, 3, 'Measuring the waterfall');
  const original = modelInput(ctx, 'original', true);
  const pruned = modelInput(ctx, 'pruned', true);
  const stages: StageInput[] = [
    ...(original ? [{ stage: 'fp32', label: original.label, model: original.path }] : []),
    ...(pruned ? [{ stage: 'pruned', label: pruned.label, model: pruned.path }] : []),
    { stage: getMetadata(model, SHARE_KEY) ? 'shared' : 'input', label: value.label, model: value.path },
    { stage: 'packed', label: outValue.label, model: r.bytes },
  ];
  const waterfall = await measureWaterfall(stages, modelStats(model).params, ds, ctx.signal);
  ctx.progress(3, 3, 'Done');
  const packed = waterfall.stages[waterfall.stages.length - 1];
  const input = waterfall.stages[waterfall.stages.length - 2];
  const layers: PackLayersData = {
    target, objective, tensors: r.tensors, opset: r.opset, maxAbsDiff: r.comparison.maxAbsDiff,
    identical: r.comparison.identical, comparedSamples: r.comparison.comparedSamples,
  };
  const metrics: NodeResult['metrics'] = {
    sizeBytes: packed.fileBytes, gzipBytes: packed.gzipBytes,
    sizeRatio: packed.fileBytes / input.fileBytes, gzipRatio: packed.gzipBytes / input.gzipBytes,
    gzipBitsPerWeight: packed.gzipBitsPerWeight, identicalOutputs: r.comparison.identical,
    fourBitTensors: r.tensors.filter((t) => t.form === 'codebook-uint4' || t.form === 'int4').length,
    sparseTensors: r.tensors.filter((t) => t.form === 'sparse' || t.form === 'sparse-codebook').length,
    // Speed on the host (figures, not a verdict: two short runs are too noisy to judge).
    loadMs: r.comparison.loadMs.packed, loadMsUnpacked: r.comparison.loadMs.unpacked,
    runMs: r.comparison.runMs.packed, runMsUnpacked: r.comparison.runMs.unpacked,
  };
  // The recipe's headline: how many times the packed file, gzipped, is smaller than the fp32 file.
  if (original) metrics.fp32OverPackedGzip = waterfall.stages[0].fileBytes / packed.gzipBytes;
  if (packed.top1 !== undefined) metrics.top1 = packed.top1;
  const warnings = packWarnings(r, packed, input);
  return {
    outputs: { model: outValue },
    metrics,
    reports: [
      { kind: PACK_WATERFALL_KIND, title: 'Size and accuracy per stage', data: waterfall },
      { kind: PACK_LAYERS_KIND, title: 'Storage form per tensor', data: layers },
    ],
    warnings,
  };
};

type PackOutcome = Pick<Awaited<ReturnType<typeof packVerified>>, 'warnings' | 'fourBitRefused' | 'tensors' | 'densified' | 'comparison'>;
type Sizes = { fileBytes: number; gzipBytes: number };

/** The pack node's warnings (amber): forms refused, storage expanded for TensorRT, outputs that differ, no gain. */
export function packWarnings(r: PackOutcome, packed: Sizes, input: Sizes): string[] {
  const warnings = [...r.warnings];
  if (r.fourBitRefused && r.tensors.some((t) => t.candidates.some((c) => c.rejected === r.fourBitRefused))) warnings.push(`No 4-bit forms: ${r.fourBitRefused}.`);
  if (r.densified.length > 0) {
    const named = r.densified.length > 6 ? `${r.densified.slice(0, 5).join(', ')} and ${r.densified.length - 5} more tensors` : r.densified.join(', ');
    warnings.push(`TensorRT cannot parse codebook, 4-bit or sparse storage: ${named} ${r.densified.length === 1 ? 'was' : 'were'} stored dense for it (the storage form per tensor report lists them all).`);
  }
  if (!r.comparison.identical) warnings.push(`INT4 weights run through ONNX Runtime's 4-bit kernels: outputs differ from the unpacked model's by up to ${r.comparison.maxAbsDiff.toPrecision(3)}.`);
  if (packed.fileBytes >= input.fileBytes && packed.gzipBytes >= input.gzipBytes) {
    warnings.push(r.densified.length > 0
      ? `The packed file is ${(packed.fileBytes / input.fileBytes).toFixed(1)}× the size of its input: storage TensorRT cannot parse was expanded to dense weights.`
      : 'No storage form made the file smaller: the model was already in its smallest form.');
  }
  return warnings;
}
