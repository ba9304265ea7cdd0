// Shapes of the prune/share report payloads (written by src/main/passes/prune/reports.ts and
// sensitivity.ts); the renderer cannot import main, so they are mirrored here.
export interface LayerSize {
  layer: string;
  opType: string;
  params: number;
  nonzeros: number;
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

export interface SensitivityData {
  metric: 'accuracy' | 'agreement';
  baseline: number;
  curves: { layer: string; units: number; points: { ratio: number; score: number }[] }[];
  proposal: Record<string, number>;
  proposedFraction: number;
  predictedLoss: number;
}

export { formatBytes, formatCount, formatPercent as pct } from '../../../shared/format.ts';
