// `quantize`: run the static, dynamic or fp16 pass on the incoming model, write the result
// and report per-layer quantization figures, fusion and the accuracy-aware steps; then time
// the result against its input (speed guard) and warn when it is slower.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelValue, NodeResult } from '../../../shared/catalog/types.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { openDataset } from '../../data/open.ts';
import { loadModelFile, saveModelFile } from '../../onnx/file.ts';
import { quantizeAccuracyAware, type AccuracyAwareReport } from '../../passes/quantize/accuracy.ts';
import { quantizeDynamic } from '../../passes/quantize/dynamic.ts';
import { convertFp16 } from '../../passes/quantize/fp16.ts';
import { quantizeInt4Weights } from '../../passes/quantize/matmulnbits.ts';
import { detectHostCpu, type ActivationType, type QuantTarget } from '../../passes/quantize/presets.ts';
import { quantizeStatic, WEIGHTED_OPS } from '../../passes/quantize/static.ts';
import { checkSpeed, quantizeSlowerWarning, speedMetrics } from '../../passes/speed.ts';
import { FIDELITY_FLOOR, fidelityFeeds, fidelityMiss, measureFidelity } from '../../passes/fidelity.ts';
import type { PassContext, QuantizeReport, StaticOptions } from '../../passes/quantize/types.ts';
import type { Model } from '../../onnx/model.ts';
import type { CalibrationMethod } from '../../passes/quantize/calibrate.ts';
import type { NodeContext, NodeHandler } from '../handler.ts';
import { datasetInput, modelInput } from './node-inputs.ts';

function staticOptions(ctx: NodeContext): StaticOptions {
  const p = ctx.params;
  const target = String(p.target ?? 'host');
  const pick = <T>(v: unknown, map: Record<string, T>): T | undefined => map[String(v ?? 'preset')];
  return {
    target: target === 'host' ? detectHostCpu().target : (target as QuantTarget),
    method: String(p.method ?? 'minmax') as CalibrationMethod,
    percentile: Number(p.percentile ?? 99.999),
    perChannel: p.perChannel === undefined ? true : Boolean(p.perChannel),
    activationType: pick<ActivationType>(p.activationType, { uint8: 'uint8', int8: 'int8' }),
    activationSymmetric: pick(p.activationScheme, { symmetric: true, asymmetric: false }),
    reduceRange: pick(p.reduceRange, { on: true, off: false }),
    calibrationSamples: Number(p.calibrationSamples ?? 256),
    histogramValues: p.histogramValues === 'all' ? 'all' : 'sampled',
    excludeNodes: (p.excludeNodes as string[] | undefined) ?? [],
    excludeOpTypes: (p.excludeOpTypes as string[] | undefined) ?? [],
    excludeFirst: Boolean(p.excludeFirst ?? false),
    excludeLast: Boolean(p.excludeLast ?? false),
  };
}

/** JSON has no Infinity/NaN: non-finite figures travel as null. */
function jsonSafe<T>(data: T): T {
  return JSON.parse(JSON.stringify(data, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as T;
}

export const quantize: NodeHandler = async (ctx) => {
  const input = modelInput(ctx, 'model');
  const model = loadModelFile(input.path);
  const mode = String(ctx.params.mode ?? 'static');
  const pass: PassContext = { signal: ctx.signal, progress: (v, m, msg) => ctx.progress(v, m, msg), log: (m) => ctx.log(m) };
  const options = staticOptions(ctx);
  let result: { model: typeof model; report: QuantizeReport };
  let accuracy: AccuracyAwareReport | undefined;
  if (mode === 'dynamic') {
    result = await quantizeDynamic(model, options, pass);
  } else if (mode === 'int4') {
    const p = ctx.params;
    result = await quantizeInt4Weights(model, {
      blockSize: Number(p.blockSize ?? 32), symmetric: String(p.int4Scheme ?? 'symmetric') === 'symmetric', accuracyLevel: Number(p.accuracyLevel ?? 0),
      excludeNodes: options.excludeNodes, excludeOpTypes: options.excludeOpTypes, excludeFirst: options.excludeFirst, excludeLast: options.excludeLast,
    }, pass);
  } else if (mode === 'fp16') {
    result = await convertFp16(model, { keepFp32Ops: options.excludeOpTypes, keepFp32Nodes: options.excludeNodes });
  } else if (mode === 'static') {
    if (!ctx.inputs.calibration) {
      throw new WhittleError('quantize.no-calibration', 'Static int8 quantization needs calibration data, and the "Calibration data" input is not connected.', 'Connect a dataset node (a few hundred samples of real inputs), or choose the dynamic or fp16 mode.', ctx.nodeId);
    }
    ctx.progress(0, 1, 'Loading calibration data');
    const calibration = await openDataset(datasetInput(ctx, 'calibration'), ctx.documentDir, { signal: ctx.signal });
    if (ctx.params.accuracyAware) {
      const validation = ctx.inputs.validation ? await openDataset(datasetInput(ctx, 'validation'), ctx.documentDir, { signal: ctx.signal }) : calibration;
      const r = await quantizeAccuracyAware(model, calibration, validation, { ...options, maxDropPoints: Number(ctx.params.maxDrop ?? 0.5), ranking: String(ctx.params.ranking ?? 'auto') as 'auto' | 'trial' | 'sqnr' }, pass);
      result = r;
      accuracy = r.accuracy;
      if (!ctx.inputs.validation) r.report.warnings.push('Accuracy-aware mode measured the drop on the calibration data itself; connect a validation dataset for an unbiased figure.');
    } else {
      result = await quantizeStatic(model, calibration, options, pass);
    }
  } else {
    throw new WhittleError('quantize.bad-mode', `Unknown quantization mode '${mode}'.`, 'Choose static, dynamic, int4 or fp16.', ctx.nodeId);
  }
  const path = join(ctx.workDir, 'model.onnx');
  // Encoded once: the bytes checked and hashed below are the file's.
  saveModelFile(result.model, path);
  const bytes = new Uint8Array(readFileSync(path));
  const suffix = mode === 'fp16' ? 'fp16' : mode === 'dynamic' ? 'int8 dynamic' : mode === 'int4' ? `int4 weights b${String(ctx.params.blockSize ?? 32)}` : `int8 ${result.report.target}`;
  const value: ModelValue = { type: 'model', path, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, label: `${input.label} · ${suffix}` };
  const report = result.report;
  const activations = report.tensors.filter((t) => t.kind === 'activation' && t.sqnrDb !== undefined && Number.isFinite(t.sqnrDb));
  const worst = activations.reduce<(typeof activations)[number] | undefined>((a, t) => (!a || t.sqnrDb! < a.sqnrDb! ? t : a), undefined);
  const metrics: NodeResult['metrics'] = {
    mode, sizeBytes: bytes.length, inputSizeBytes: input.sizeBytes, sizeRatio: bytes.length / input.sizeBytes,
    quantizedNodes: report.quantizedNodes.length, floatNodes: report.floatNodes.length,
    ...layerCounts(model, report),
  };
  // The label says what happened: a result with no layer converted is still fp32.
  if (metrics.layersInt8 === 0 || metrics.layersFp16 === 0 || metrics.layersInt4 === 0) value.label = `${input.label} · fp32 (nothing quantized)`;
  if (report.target) metrics.target = report.target;
  if (report.fusion) {
    metrics.fusedGroups = report.fusion.fused;
    metrics.quantizedGroups = report.fusion.groups;
    if (report.fusion.unfused.length > 0) metrics.unfused = report.fusion.unfused.map((u) => `${u.opType} ${u.node}: ${u.reason}`).join('; ');
  }
  if (report.calibration) metrics.calibrationMs = report.calibration.durationMs;
  if (report.outputs) {
    metrics.outputSqnrDb = Number.isFinite(report.outputs.int8VsFloatDb) ? report.outputs.int8VsFloatDb : 'inf';
    metrics.fusedVsQdqSqnrDb = Number.isFinite(report.outputs.fusedVsQdqDb) ? report.outputs.fusedVsQdqDb : 'inf';
    if (report.outputs.top1Agreement !== undefined) metrics.top1Agreement = report.outputs.top1Agreement;
  }
  if (report.calibration) metrics.calibrationSamples = report.calibration.samples;
  if (report.keptInFloat?.length) metrics.keptInFloat = report.keptInFloat.map((k) => k.node).join(', ');
  if (report.biasFits?.length) metrics.biasScaleRaised = report.biasFits.length;
  if (report.codebookWeights) metrics.codebookWeights = report.codebookWeights;
  if (!report.outputs) await checkOtherModes(ctx, input.path, bytes, metrics, report);
  ctx.progress(0, 1, 'Timing the result against its input');
  const speed = await checkSpeed(input.path, bytes, ctx.signal);
  Object.assign(metrics, speedMetrics(speed));
  if (typeof speed !== 'string' && speed.slower) {
    const unfused = report.fusion?.unfused.reduce((a, u) => a + (u.node.startsWith('(') ? Number(u.node.slice(1).split(' ')[0]) : 1), 0);
    report.warnings.push(quantizeSlowerWarning(speed, { mode: mode as 'static' | 'dynamic' | 'fp16' | 'int4', unfused, target: report.target, hostTarget: detectHostCpu().target }));
  }
  if (worst) {
    metrics.worstLayer = worst.tensor;
    metrics.worstSqnrDb = worst.sqnrDb!;
  }
  if (accuracy) {
    metrics.baselinePct = accuracy.baselinePct;
    const last = accuracy.steps[accuracy.steps.length - 1];
    metrics.finalPct = last.metricPct;
    metrics.dropPoints = last.dropPoints;
    metrics.withinLimit = accuracy.reached;
    metrics.layersInFloat = last.floatLayers.length;
  }
  const reports: NonNullable<NodeResult['reports']> = [
    { kind: 'quantize.layers', title: 'Quantization per layer', data: jsonSafe({
      mode, target: report.target, tensors: report.tensors, floatNodes: report.floatNodes, fusion: report.fusion ?? null, outputs: report.outputs ?? null,
      settings: report.settings, notes: report.notes ?? [], keptInFloat: report.keptInFloat ?? [], biasFits: report.biasFits ?? [], speed,
    }) },
  ];
  if (accuracy) reports.push({ kind: 'quantize.accuracy', title: 'Accuracy-aware steps', data: jsonSafe(accuracy) });
  return { outputs: { model: value }, metrics, reports, warnings: report.warnings };
};

/**
 * Weighted layers (Conv/Gemm/MatMul) that compute in the new precision, of all of them: what
 * a label like "int8 9/35 layers" is made from. A group ONNX Runtime did not fuse is not int8.
 */
function layerCounts(input: Model, report: QuantizeReport): NodeResult['metrics'] {
  const layersTotal = input.graph.node.filter((n) => WEIGHTED_OPS.has(n.opType)).length;
  const unfused = new Set(report.fusion?.unfused.map((u) => u.node) ?? []);
  const done = report.quantizedNodes.filter((q) => WEIGHTED_OPS.has(q.opType) && !unfused.has(q.node)).length;
  const unnamed = report.fusion?.unfused.filter((u) => u.node.startsWith('(') && WEIGHTED_OPS.has(u.opType)).reduce((a, u) => a + Number(u.node.slice(1).split(' ')[0]), 0) ?? 0;
  const layers = Math.max(0, done - unnamed);
  if (report.mode === 'int4') return { layersInt4: layers, layersTotal };
  return report.mode === 'fp16' ? { layersFp16: layers, layersTotal } : { layersInt8: layers, layersTotal };
}

/**
 * Dynamic and fp16 results against their input: the static pass measures itself on its
 * calibration samples; these modes are measured here, on the calibration or validation data
 * when connected (under the floor: a warning), else on random inputs (figures only).
 */
async function checkOtherModes(ctx: NodeContext, inputPath: string, output: Uint8Array, metrics: NodeResult['metrics'], report: QuantizeReport): Promise<void> {
  const port = ctx.inputs.validation ?? ctx.inputs.calibration;
  const ds = port && port.type === 'dataset' ? await openDataset(port, ctx.documentDir, { signal: ctx.signal }) : undefined;
  const inputBytes = new Uint8Array(readFileSync(inputPath));
  let feeds: Awaited<ReturnType<typeof fidelityFeeds>>;
  try {
    feeds = await fidelityFeeds(inputBytes, ds, 64);
  } catch (err) {
    if (!(err instanceof WhittleError) || !err.code.startsWith('runtime.')) throw err;
    metrics.fidelityOn = 'not measured';
    report.warnings.push(`The ${report.mode} model could not be checked against its input: ${err.message} Connect calibration or validation data so it can be.`);
    return;
  }
  const figures = await measureFidelity(inputBytes, output, feeds);
  metrics.outputSqnrDb = Number.isFinite(figures.sqnrDb) ? figures.sqnrDb : figures.sqnrDb > 0 ? 'inf' : '-inf';
  if (figures.agreement !== undefined) metrics.top1Agreement = figures.agreement;
  metrics.fidelityOn = figures.on;
  const missing = fidelityMiss(figures);
  if (missing && ds) {
    report.warnings.unshift(`The ${report.mode} model is under the fidelity floor (${FIDELITY_FLOOR.sqnrDb} dB / ${100 * FIDELITY_FLOOR.agreement}% top-1 agreement) against its input: ${missing} on ${figures.on}. Keep the most sensitive layers in float (excludeNodes${report.mode === 'fp16' ? ', kept in fp32' : ''}) or use static int8 with calibration data.`);
  }
}
