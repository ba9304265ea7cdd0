// Static int8 quantization in QDQ format: normalize, plan, calibrate, write Q/DQ and int8
// weights, then verify in ONNX Runtime that the groups fuse into int8 kernels and measure
// the per-tensor SQNR of the result.
import type { Dataset } from '../../data/dataset.ts';
import { opsetVersion, type Model } from '../../onnx/model.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { chooseRange, type CalibrationMethod, type ClipRange, type TensorStats } from './calibrate.ts';
import { checkDatasetFits, collectStats, HISTOGRAM_SAMPLE_VALUES, spreadSamples, type CollectResult } from './collect.ts';
import { assertNotQuantized, findCodebookWeights, normalizeForQuantization, type CodebookWeight } from './normalize.ts';
import { activationParams, quantizeValue, sqnrDb, typeBounds, type QuantParams } from './params.ts';
import { planQuantization, isPlumbing, type QuantPlan } from './plan.ts';
import { detectHostCpu, PRESETS, type ActivationType, type QuantTarget } from './presets.ts';
import { probeValueTypes, type ValueType } from './probe.ts';
import { buildQdqModel, type BiasFit } from './qdq.ts';
import { activationSqnr, checkOutputs } from './sqnr.ts';
import type { ExclusionOptions, PassContext, QuantizeReport, QuantizeResult, StaticOptions, TensorQuantInfo } from './types.ts';
import { verifyFusion } from './verify.ts';
import { guardFidelity } from './guard.ts';

export interface ResolvedSettings {
  target: QuantTarget;
  method: CalibrationMethod;
  percentile: number;
  perChannel: boolean;
  activationType: ActivationType;
  activationSymmetric: boolean;
  reduceRange: boolean;
  calibrationSamples: number;
  histogramValues: 'sampled' | 'all';
}

/**
 * Whether a method's histogram is sampled when the options leave it open: every histogram method
 * is; MinMax reduces every value in ORT. Int8 output SQNR from a sample against every value, 64
 * samples (`npm run bench quantize`, sampling rows): within -0.6..+0.7 dB for Percentile, Entropy
 * and MSE on MobileNetV2, EfficientNet-B0-style and the four test fixtures, where calibrating on 64
 * other samples moved it by up to 4.6 dB. Calibration took 1.3-1.7x the bare forward passes
 * sampled and 3.9-5.3x binning every value (AMD EPYC, 64 and 256 samples). Entropy samples since
 * its search skips the degenerate cuts a sample led it to (calibrate.ts, ENTROPY_MIN_KEPT).
 */
function histogramValuesFor(method: CalibrationMethod, asked: 'sampled' | 'all' | undefined): 'sampled' | 'all' {
  return method === 'minmax' ? 'all' : (asked ?? 'sampled');
}

export function resolveSettings(options: StaticOptions): ResolvedSettings {
  const target = options.target ?? detectHostCpu().target;
  const preset = PRESETS[target];
  return {
    target,
    method: options.method ?? 'minmax',
    percentile: options.percentile ?? 99.999,
    perChannel: options.perChannel ?? true,
    activationType: options.activationType ?? preset.activationType,
    activationSymmetric: options.activationSymmetric ?? preset.activationSymmetric,
    reduceRange: options.reduceRange ?? preset.reduceRange,
    calibrationSamples: options.calibrationSamples ?? 256,
    histogramValues: histogramValuesFor(options.method ?? 'minmax', options.histogramValues),
  };
}

/** Everything calibration produced; building with other exclusions reuses it. */
export interface Calibrated {
  source: Model;
  normalized: Model;
  types: Map<string, ValueType>;
  settings: ResolvedSettings;
  collect: CollectResult;
  ranges: Map<string, ClipRange>;
  inputName: string;
  fixedBatch?: number;
  /** Shared-weight codebooks the source model stored (expanded to plain weights in `normalized`). */
  codebooks: CodebookWeight[];
}

/** Calibrate `tensors` (default: every float activation, so any exclusion set can be built later). */
export async function calibrateModel(model: Model, ds: Dataset, options: StaticOptions, ctx: PassContext, onlyFor?: ExclusionOptions): Promise<Calibrated> {
  assertNotQuantized(model);
  const opset = opsetVersion(model) ?? 0;
  if (opset < 10) {
    throw new WhittleError('quantize.opset', `QDQ quantization needs opset 10 or newer (QuantizeLinear); the model uses opset ${opset}.`, 'Re-export the model with opset 13 or newer (per-channel weights need 13).');
  }
  const settings = resolveSettings(options);
  const normalized = normalizeForQuantization(model);
  const types = await probeValueTypes(normalized);
  const input = checkDatasetFits(normalized, types, ds);
  let tensors: string[];
  if (onlyFor) {
    const plan = planQuantization(normalized, types, { ...onlyFor, asymmetric: !settings.activationSymmetric });
    tensors = [...new Set(plan.tensors.values())];
  } else {
    const inits = new Set(normalized.graph.initializer.map((t) => t.name));
    tensors = [input.name, ...normalized.graph.node.flatMap((n) => n.output).filter((o) => o && !inits.has(o) && types.get(o)?.type === 'float32')];
  }
  const collect = await collectStats(normalized, tensors, types, ds, {
    samples: settings.calibrationSamples, batchSize: options.batchSize, histograms: settings.method !== 'minmax',
    histogramSample: settings.histogramValues === 'sampled' ? HISTOGRAM_SAMPLE_VALUES : undefined,
  }, ctx);
  const ranges = new Map<string, ClipRange>();
  for (const [name, stats] of collect.stats) ranges.set(name, rangeFor(stats, settings));
  return { source: model, normalized, types, settings, collect, ranges, inputName: input.name, fixedBatch: input.fixedBatch, codebooks: findCodebookWeights(model) };
}

function rangeFor(stats: TensorStats, s: ResolvedSettings): ClipRange {
  const nonNegative = stats.min >= 0;
  // Quantization steps over [0, threshold]: 255 for unsigned data on an asymmetric grid, else 127.
  const steps = nonNegative && !s.activationSymmetric ? 255 : 127;
  // Entropy: TensorRT's 128 levels are the non-negative half of symmetric int8. One-sided data
  // (after ReLU) on an asymmetric uint8/int8 grid has all 256 levels over [0, t]; searching with
  // 128 there over-clips (LeNet-5 entropy, 256 MNIST samples: 95.21% with 128 and 96.06% with 256 when histograms were binned per batch; 96.01% with 256 since they are binned per sample; fp32 96.11%).
  const levels = nonNegative && !s.activationSymmetric ? 256 : 128;
  return chooseRange(stats, { method: s.method, percentile: s.percentile, entropyLevels: levels }, steps);
}

export interface BuiltStatic {
  model: Model;
  plan: QuantPlan;
  tensors: TensorQuantInfo[];
  warnings: string[];
  dequantized: Map<string, string>;
  biasFits: BiasFit[];
}

/**
 * Values the plan for `exclusions` takes a range from that `cal` did not calibrate (a calibration
 * for one set of exclusions gathers only that plan's values: keeping a layer in float can make a
 * value after it, a MaxPool's output, need a range of its own).
 */
export function uncalibrated(cal: Calibrated, exclusions: ExclusionOptions): string[] {
  const plan = planQuantization(cal.normalized, cal.types, { ...exclusions, asymmetric: !cal.settings.activationSymmetric });
  return [...new Set(plan.tensors.values())].filter((root) => !cal.ranges.has(root));
}

/** The QDQ model for one set of exclusions from a calibration. */
export function buildStatic(cal: Calibrated, exclusions: ExclusionOptions): BuiltStatic {
  const s = cal.settings;
  const plan = planQuantization(cal.normalized, cal.types, { ...exclusions, asymmetric: !s.activationSymmetric });
  const params = new Map<string, QuantParams>();
  const tensors: TensorQuantInfo[] = [];
  const producers = new Map(cal.normalized.graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const foldedBy = new Map(plan.nodes.filter((p) => p.folded).map((p) => [p.quantizedOutput!, p]));
  for (const [tensor, root] of plan.tensors) {
    const range = cal.ranges.get(root);
    const stats = cal.collect.stats.get(root);
    if (!range || !stats) throw new Error(`tensor '${root}' was not calibrated`);
    let p = params.get(root);
    if (!p) {
      p = activationParams(range.min, range.max, s.activationType, s.activationSymmetric);
      params.set(root, p);
    }
    const producer = producers.get(tensor);
    // A folded Relu/Clip's output is the quantized output of the layer before it.
    const fold = foldedBy.get(tensor);
    tensors.push({
      tensor, producer: fold ? fold.node.name : producer?.name ?? '(graph input)',
      producerOp: fold ? `${fold.node.opType}+${fold.folded!.opType}` : producer?.opType ?? 'input', kind: 'activation',
      scale: p.scale, zeroPoint: p.zeroPoint, observedMin: stats.min, observedMax: stats.max,
      rangeMin: range.min, rangeMax: range.max, sharedWith: root !== tensor ? root : undefined,
    });
  }
  // ORT's QLinearSoftmax assumes the output scale 1/256 with the zero point at the type's
  // minimum (as its own quantizer sets them); any other range gives wrong results once fused.
  for (const p of plan.nodes) {
    if (p.node.opType !== 'Softmax' || !p.quantizedOutput) continue;
    const fixed = { scale: 1 / 256, zeroPoint: s.activationType === 'uint8' ? 0 : -128 };
    params.set(p.quantizedOutput, fixed);
    const row = tensors.find((t) => t.tensor === p.quantizedOutput);
    if (row) Object.assign(row, fixed, { rangeMin: 0, rangeMax: 255 / 256 });
  }
  // A codebook shared per layer keeps its k values on one grid (per-tensor scale); one per channel, per channel.
  const perTensorWeights = new Set(cal.codebooks.filter((c) => !c.perChannel).map((c) => c.weight));
  const built = buildQdqModel(cal.normalized, plan, params, { activationType: s.activationType, perChannel: s.perChannel, reduceRange: s.reduceRange, perTensorWeights });
  return { model: built.model, plan, tensors: [...tensors, ...built.weights], warnings: built.warnings, dequantized: built.dequantized, biasFits: built.biasFits };
}

export async function finishReport(cal: Calibrated, built: BuiltStatic, options: StaticOptions, ctx: PassContext, ds: Dataset): Promise<QuantizeReport> {
  const s = cal.settings;
  const warnings = [...cal.collect.warnings, ...built.warnings];
  const report: QuantizeReport = {
    mode: 'static', target: s.target,
    // The settings as used: a request for more calibration samples than exist ran on all of them.
    settings: { ...s, calibrationSamples: cal.collect.samples, calibrationSamplesRequested: s.calibrationSamples, preset: PRESETS[s.target].why },
    tensors: built.tensors,
    quantizedNodes: built.plan.nodes.map((p) => ({ node: p.node.name, opType: p.node.opType })),
    floatNodes: built.plan.floatNodes,
    warnings,
    calibration: { samples: cal.collect.samples, batchSize: cal.collect.batchSize, durationMs: cal.collect.durationMs },
    notes: [],
    biasFits: built.biasFits,
    codebookWeights: cal.codebooks.length,
  };
  for (const f of built.biasFits) {
    report.notes!.push(`${f.opType} '${f.node}': weight scale raised ${formatRatio(f.ratio)} so its bias fits int32 at input scale x weight scale (as ONNX Runtime's quantizer does); weight SQNR ${f.weightSqnrDb.toFixed(1)} dB.`);
  }
  if (cal.codebooks.length > 0) {
    report.notes!.push(`${cal.codebooks.length} shared-weight codebook(s) quantized as weights: each codebook's centroids were mapped onto the int8 grid (${cal.codebooks.some((c) => !c.perChannel) ? 'one scale per layer for per-layer codebooks' : 'one scale per channel'}), so every layer keeps at most k distinct values and its zeros.`);
  }
  if (options.verify ?? true) {
    ctx.progress?.(0, 1, 'checking int8 fusion in ONNX Runtime');
    const groups = built.plan.nodes.filter((p) => p.role !== 'movement').map((p) => ({ node: p.node.name, opType: p.node.opType }));
    report.fusion = await verifyFusion(built.model, groups, s.activationType, ctx.tempDir);
    if (s.target === 'tensorrt') {
      // TensorRT builds its own int8 engine from the QDQ graph; ORT's CPU fusion is only informative here.
      if (report.fusion.unfused.length > 0) warnings.push(`Target tensorrt: ${report.fusion.unfused.length} group(s) would run in float on ONNX Runtime's CPU provider (listed in the report); TensorRT fuses the QDQ graph itself, so this matters only for CPU runs.`);
    } else {
      for (const u of report.fusion.unfused) warnings.push(`${u.opType} '${u.node}' was not fused into an int8 kernel: ${u.reason}`);
    }
  }
  const sqnrSamples = options.sqnrSamples ?? 32;
  if (sqnrSamples > 0) {
    const sample = spreadSamples(ds, sqnrSamples);
    const pairs = new Map([...built.dequantized].filter(([t]) => t !== cal.inputName));
    const sqnr = await activationSqnr(cal.normalized, built.model, pairs, cal.inputName, sample, sqnrSamples, cal.fixedBatch);
    for (const t of report.tensors) if (t.kind === 'activation' && sqnr.has(t.tensor)) t.sqnrDb = sqnr.get(t.tensor);
    const inputRow = report.tensors.find((t) => t.kind === 'activation' && t.tensor === cal.inputName);
    if (inputRow) inputRow.sqnrDb = inputSqnr(sample, sqnrSamples, inputRow, s.activationType);
    report.outputs = await checkOutputs(cal.normalized, built.model, cal.inputName, sample, sqnrSamples, cal.fixedBatch);
    if (report.outputs.fusedVsQdqDb < FUSED_AGREEMENT_DB) {
      const host = detectHostCpu();
      const cause = s.target === 'x86-vnni' && !s.reduceRange && host.target === 'x86-avx2'
        ? `the x86-vnni target's full-range int8 weights saturate the int16 sums of this CPU's AVX2 kernels (it has no VNNI); set target to "x86-avx2" (or "This computer") or reduceRange to "on"`
        : 'the per-layer SQNR in the report shows where the error starts; keep that layer in float (excludeNodes) or choose another target';
      warnings.push(`ONNX Runtime's fused int8 kernels disagree with the QDQ model's own arithmetic (SQNR ${report.outputs.fusedVsQdqDb.toFixed(1)} dB between them): on this CPU the model computes something else than its QDQ graph says. Cause and fix: ${cause}.`);
    }
  }
  reportFloatNodes(report, warnings);
  return report;
}

/**
 * Float compute nodes (not data movement or shape plumbing): a weighted layer left in float
 * for a reason the user did not choose is a warning; the rest is a note the label reflects.
 */
function reportFloatNodes(report: QuantizeReport, warnings: string[]): void {
  const compute = report.floatNodes.filter((f) => !isPlumbing(f.opType) && !f.reason.startsWith('data movement'));
  const describe = (list: typeof compute): string => `${list.slice(0, 6).map((f) => `${f.opType} '${f.node}' (${f.reason})`).join('; ')}${list.length > 6 ? '; ...' : ''}`;
  const userChosen = (f: (typeof compute)[number]): boolean => f.reason.startsWith('excluded') || f.reason.includes('(exclude') || f.reason.startsWith('kept in float');
  const layers = compute.filter((f) => WEIGHTED_OPS.has(f.opType) && !userChosen(f));
  if (layers.length > 0) warnings.push(`${layers.length} layer(s) stay in float: ${describe(layers)}`);
  const rest = compute.filter((f) => !layers.includes(f));
  if (rest.length > 0) report.notes!.push(`${rest.length} other compute node(s) stay in float: ${describe(rest)}`);
}

/** Layers whose int8 version carries the speed and size gains (the "int8 9/35 layers" count). */
export const WEIGHTED_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

function formatRatio(r: number): string {
  return r >= 100 ? `${r.toExponential(1)}x` : `${r.toFixed(2)}x`;
}

/** The model input's own quantization error, computed directly on the first samples. */
function inputSqnr(ds: Dataset, samples: number, p: QuantParams, type: ActivationType): number {
  const [qmin, qmax] = typeBounds(type);
  const n = Math.min(ds.size, samples) * ds.sampleShape.reduce((a, b) => a * b, 1);
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const x = ds.inputs[i];
    const d = x - (quantizeValue(x, p, qmin, qmax) - p.zeroPoint) * p.scale;
    signal += x * x;
    noise += d * d;
  }
  return sqnrDb(signal, noise);
}

/** Fused int8 vs unfused QDQ outputs below this SQNR mean a kernel computes something else. */
const FUSED_AGREEMENT_DB = 25;

/** Static int8 QDQ quantization of `model`, calibrated on `ds`. */
export async function quantizeStatic(model: Model, ds: Dataset, options: StaticOptions = {}, ctx: PassContext = {}): Promise<QuantizeResult<Model>> {
  const cal = await calibrateModel(model, ds, options, ctx, options);
  const { built, report } = await guardFidelity(cal, options, ctx, ds);
  return { model: built.model, report };
}
