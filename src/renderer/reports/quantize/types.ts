// Shapes of the quantize report payloads (written by src/main/engine/handlers/quantize.ts);
// the renderer cannot import main, so they are mirrored here, plus the worst-layer pick.
export interface TensorRow {
  tensor: string;
  producer: string;
  producerOp: string;
  kind: 'activation' | 'weight';
  scale: number;
  zeroPoint: number;
  observedMin: number;
  observedMax: number;
  rangeMin: number;
  rangeMax: number;
  sqnrDb?: number | null;
  channels?: number;
  sharedWith?: string;
}

export interface FusionSummary {
  groups: number;
  fused: number;
  kernels: Record<string, number>;
  unfused: { node: string; opType: string; reason: string }[];
}

export interface LayersReport {
  mode: string;
  target?: string;
  tensors: TensorRow[];
  floatNodes: { node: string; opType: string; reason: string }[];
  fusion: FusionSummary | null;
  settings?: Record<string, unknown>;
}

export interface AccuracyStep {
  step: number;
  restored?: string;
  floatLayers: string[];
  metricPct: number;
  dropPoints: number;
  withinLimit: boolean;
}

export interface AccuracyReport {
  metric: 'accuracy' | 'agreement';
  baselinePct: number;
  maxDropPoints: number;
  ranking: 'trial' | 'sqnr';
  ranked: { node: string; opType: string; score: number }[];
  steps: AccuracyStep[];
  reached: boolean;
  message: string;
}

/** SQNR below this is flagged as poor whatever its rank (about 1% noise amplitude). */
export const POOR_SQNR_DB = 20;

/** The `count` activations with the lowest SQNR (those with a measured value), worst first. */
export function worstActivations(tensors: TensorRow[], count = 5): TensorRow[] {
  return tensors
    .filter((t) => t.kind === 'activation' && typeof t.sqnrDb === 'number')
    .sort((a, b) => (a.sqnrDb as number) - (b.sqnrDb as number))
    .slice(0, count);
}

export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(digits);
}
