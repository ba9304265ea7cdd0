// The quantize report payloads the renderer draws (their parts are declared once in
// src/shared/reports/quantize.ts), plus the worst-layer pick and number formatting.
import type { AccuracyAwareReport, AccuracyStep as SharedAccuracyStep, FloatNode, FusionReport, TensorQuantInfo } from '../../../shared/reports/quantize.ts';

/** A tensor row as it arrives over JSON, where an exact (infinite) SQNR becomes null. */
export type TensorRow = Omit<TensorQuantInfo, 'sqnrDb'> & { sqnrDb?: number | null };
export type FusionSummary = FusionReport;
export type AccuracyStep = SharedAccuracyStep;
export type AccuracyReport = AccuracyAwareReport;

/** The `quantize.layers` payload (built by src/main/engine/handlers/quantize.ts). */
export interface LayersReport {
  mode: string;
  target?: string;
  tensors: TensorRow[];
  floatNodes: FloatNode[];
  fusion: FusionReport | null;
  settings?: Record<string, unknown>;
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
