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

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
