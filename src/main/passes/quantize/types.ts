// Options and reports shared by the quantization passes (static QDQ, dynamic, fp16).
import type { CalibrationMethod } from './calibrate.ts';
import type { ActivationType, QuantTarget } from './presets.ts';
import type { FloatNode, FusionReport, TensorQuantInfo } from '../../../shared/reports/quantize.ts';

export type { FloatNode, FusionReport, TensorQuantInfo };

export interface PassContext {
  signal?: AbortSignal;
  progress?: (value: number, max: number, message?: string) => void;
  log?: (message: string) => void;
  /** Folder for temporary files (verification writes the optimized graph here). */
  tempDir?: string;
}

export interface ExclusionOptions {
  /** Node names kept in float. */
  excludeNodes?: string[];
  /** Operator types kept in float (e.g. 'Gemm'). */
  excludeOpTypes?: string[];
  /** Keep the first Conv/Gemm/MatMul in float. */
  excludeFirst?: boolean;
  /** Keep the last Conv/Gemm/MatMul in float. */
  excludeLast?: boolean;
}

export interface StaticOptions extends ExclusionOptions {
  /** Default: the host CPU's preset. */
  target?: QuantTarget;
  method?: CalibrationMethod;
  percentile?: number;
  /** Per-channel weights (default true). */
  perChannel?: boolean;
  /** Overrides of the preset. */
  activationType?: ActivationType;
  activationSymmetric?: boolean;
  reduceRange?: boolean;
  /** Calibration samples used (default 256). */
  calibrationSamples?: number;
  /**
   * Histogram methods (Percentile, Entropy, MSE): 'sampled' (default) bins a strided sample of about
   * HISTOGRAM_SAMPLE_VALUES values per calibration sample of each larger activation, every channel
   * in it, with the activation's exact range; 'all' bins every value (slower; the same thresholds
   * within what the data moves them, see static.ts).
   */
  histogramValues?: 'sampled' | 'all';
  /** Samples per calibration run; default picked from the activation memory. */
  batchSize?: number;
  /** Open the result in ONNX Runtime and count fused int8 kernels (default true). */
  verify?: boolean;
  /** Samples for the per-layer SQNR report (default 32, 0 skips it). */
  sqnrSamples?: number;
}

export interface QuantizeReport {
  mode: 'static' | 'dynamic' | 'fp16' | 'int4';
  target?: QuantTarget;
  settings: Record<string, string | number | boolean>;
  tensors: TensorQuantInfo[];
  quantizedNodes: { node: string; opType: string }[];
  floatNodes: FloatNode[];
  fusion?: FusionReport;
  warnings: string[];
  calibration?: { samples: number; batchSize: number; durationMs: number };
  /** Output SQNR of the fused int8 model vs fp32, and fused vs unfused QDQ (same model). */
  outputs?: { int8VsFloatDb: number; fusedVsQdqDb: number; top1Agreement?: number; samples?: number };
  /** What the pass did on its own that the user should know but that is not a problem (fixes applied). */
  notes?: string[];
  /** Layers whose weight scale was raised so their int32 bias fits. */
  biasFits?: { node: string; opType: string; ratio: number; weightSqnrDb: number }[];
  /** Layers the fidelity guard returned to float, with why. */
  keptInFloat?: { node: string; reason: string }[];
  /** Weights that arrived as shared-weight codebooks and were quantized as plain weights. */
  codebookWeights?: number;
}

export interface QuantizeResult<M> {
  model: M;
  report: QuantizeReport;
}
