// Payloads of the quantize reports: written by src/main/passes/quantize (types.ts,
// accuracy.ts, via the quantize node), drawn by src/renderer/reports/quantize.

export interface TensorQuantInfo {
  tensor: string;
  /** Node whose output (or input, for graph inputs) this is. */
  producer: string;
  producerOp: string;
  kind: 'activation' | 'weight';
  scale: number;
  zeroPoint: number;
  /** Range seen in calibration (activations) or of the weights. */
  observedMin: number;
  observedMax: number;
  /** Range the quantization covers after clipping. */
  rangeMin: number;
  rangeMax: number;
  /** fp32 vs int8 model activations (or weights vs their int8 values), dB. */
  sqnrDb?: number;
  /** Per-channel weights: number of channels (scale is then the largest channel scale). */
  channels?: number;
  /** Tensor shares the scale of another (data-movement ops). */
  sharedWith?: string;
}

export interface FloatNode {
  node: string;
  opType: string;
  reason: string;
}

export interface FusionReport {
  /** Quantized compute groups (Conv/Gemm/MatMul/Add/...) in the QDQ model. */
  groups: number;
  fused: number;
  /** Op type counts of int8 kernels in ORT's optimized graph. */
  kernels: Record<string, number>;
  unfused: { node: string; opType: string; reason: string }[];
}

export interface AccuracyStep {
  step: number;
  /** Layer returned to float at this step (none at step 0). */
  restored?: string;
  floatLayers: string[];
  /** Accuracy (labels) or agreement with fp32 (no labels), in percent. */
  metricPct: number;
  dropPoints: number;
  withinLimit: boolean;
}

export interface AccuracyAwareReport {
  metric: 'accuracy' | 'agreement';
  baselinePct: number;
  maxDropPoints: number;
  ranking: 'trial' | 'sqnr';
  /** Candidate layers, most harmful first, with the score used to rank them. */
  ranked: { node: string; opType: string; score: number }[];
  steps: AccuracyStep[];
  reached: boolean;
  message: string;
}
