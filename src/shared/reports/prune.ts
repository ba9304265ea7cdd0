// Payloads of the prune/share reports: written by src/main/passes/prune (size-report.ts,
// reports.ts, sensitivity.ts), drawn by src/renderer/reports/prune.

export interface LayerSize {
  layer: string;
  opType: string;
  /** Logical weights and biases of the layer. */
  params: number;
  nonzeros: number;
  /** Bytes of the initializers that store them (codebook + indices for clustered weights). */
  storedBytes: number;
  gzipBytes: number;
  bitsPerWeight: number;
  macs: number;
}

export interface SizeReport {
  fileBytes: number;
  gzipBytes: number;
  params: number;
  nonzeros: number;
  macs: number;
  /** File bits per layer parameter (whole file, gzip-free). */
  bitsPerWeight: number;
  layers: LayerSize[];
}

export interface LayerRow {
  layer: string;
  paramsBefore: number;
  paramsAfter: number;
  nonzerosAfter: number;
  sparsity: number;
  macsBefore: number;
  macsAfter: number;
  bitsPerWeightBefore: number;
  bitsPerWeightAfter: number;
}

export interface SensitivityCurve {
  layer: string;
  /** Weights (magnitude) or channels (channels) the layer's ratio applies to. */
  units: number;
  points: { ratio: number; score: number }[];
}

export interface SensitivityResult {
  metric: 'accuracy' | 'agreement';
  baseline: number;
  curves: SensitivityCurve[];
  /** Proposed ratio per layer (layers left out keep 0). */
  proposal: Record<string, number>;
  /** Fraction removed by the proposal (the target, within rounding). */
  proposedFraction: number;
  /** Baseline minus predictedScore: in [0, baseline]. */
  predictedLoss: number;
  /** Score the curves predict for the proposal (layers taken as independent), in the metric's range. */
  predictedScore?: number;
}
