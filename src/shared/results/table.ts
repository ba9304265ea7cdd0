// The compare table as data: its columns (label, unit, how a row's value is read, how it
// compares with the baseline), which columns a set of rows needs, the combined delta the
// CLI prints, and the CSV export. The app, the CSV and the CLI read the same columns.
import { costDelta, latencyDelta, macsDelta, pointsDelta, sizeDelta, type Delta } from './deltas.ts';
import { formatInUnit, type MetricUnit } from './metrics.ts';
import type { ModelRow } from './rows.ts';

/** The statistics of a model file the table shows (a subset of models.inspect). */
export interface ModelFileStats {
  gzipSizeBytes: number;
  parameters: number;
  nonZeroParameters: number;
  sparsity: number;
  macs: number;
  macsUnknownLayers: number;
}

export interface CompareColumn {
  id: string;
  label: string;
  unit: MetricUnit;
  value(row: ModelRow, stats: ModelFileStats | undefined): number | string | undefined;
  delta?(value: number, baseline: number): Delta | undefined;
  /** Statistics come from the model file: the column is shown while they load. */
  fromFile?: boolean;
  /** Shown whenever any model was evaluated; an empty cell then says why (agreement, SQNR). */
  withAccuracy?: boolean;
  /** Why a cell is empty: what would measure it. */
  missing?: string;
  /** False when the file's figure is only a lower bound (MACs with layers of unknown size): no delta then. */
  exact?(stats: ModelFileStats | undefined): boolean;
}

const col = (c: CompareColumn) => c;

export const COMPARE_COLUMNS: readonly CompareColumn[] = [
  col({ id: 'size', label: 'Size', unit: 'bytes', value: (r) => r.sizeBytes, delta: sizeDelta }),
  col({ id: 'gzip', label: 'Gzip size', unit: 'bytes', value: (_r, s) => s?.gzipSizeBytes, delta: sizeDelta, fromFile: true }),
  col({ id: 'params', label: 'Parameters', unit: 'count', value: (_r, s) => s?.parameters, fromFile: true }),
  col({ id: 'nonzeros', label: 'Non-zeros', unit: 'count', value: (_r, s) => s?.nonZeroParameters, delta: (v, b) => costDelta(v, b, ['fewer', 'more', 'same count']), fromFile: true }),
  col({ id: 'sparsity', label: 'Sparsity', unit: 'fraction', value: (_r, s) => s?.sparsity, fromFile: true }),
  col({ id: 'macs', label: 'MACs', unit: 'count', value: (_r, s) => s?.macs, delta: macsDelta, fromFile: true, exact: (s) => !s || s.macsUnknownLayers === 0 }),
  col({ id: 'top1', label: 'Top-1', unit: 'fraction', value: (r) => r.accuracy, delta: pointsDelta, missing: 'No Evaluate node with a labelled dataset measured this model.' }),
  col({ id: 'top5', label: 'Top-5', unit: 'fraction', value: (r) => r.top5, delta: pointsDelta, missing: 'No Evaluate node with a labelled dataset measured this model.' }),
  col({ id: 'map', label: 'mAP 50–95', unit: 'fraction', value: (r) => r.mapValue, delta: pointsDelta, missing: 'No Evaluate node with the Detection (YOLO) task measured this model.' }),
  col({ id: 'map50', label: 'mAP@50', unit: 'fraction', value: (r) => r.map50, delta: pointsDelta, missing: 'No Evaluate node with the Detection (YOLO) task measured this model.' }),
  col({ id: 'agreement', label: 'Agreement', unit: 'fraction', value: (r) => r.agreement, withAccuracy: true }),
  col({ id: 'sqnr', label: 'SQNR', unit: 'db', value: (r) => r.sqnrDb, withAccuracy: true }),
  col({ id: 'hostLatency', label: 'Latency p50 (host)', unit: 'ms', value: (r) => r.latencyMs, delta: latencyDelta, missing: 'No Host latency node measured this model.' }),
  col({ id: 'throughput', label: 'Throughput (host)', unit: 'perSec', value: (r) => r.throughputPerSec, missing: 'No Host latency node measured this model.' }),
  col({ id: 'boardLatency', label: 'Latency p50 (board)', unit: 'ms', value: (r) => r.boardLatencyMs, delta: latencyDelta, missing: 'No Profile node ran this model on a board.' }),
  col({ id: 'boardPower', label: 'Power (board)', unit: 'mw', value: (r) => r.boardPowerMw, delta: (v, b) => costDelta(v, b, ['less power', 'more power', 'same power']), missing: 'No power reading: no Profile node ran this model, or its board reports no power (tegrastats on Jetson does).' }),
  col({ id: 'boardEnergy', label: 'Energy / inference (board)', unit: 'mj', value: (r) => r.boardEnergyMj, delta: (v, b) => costDelta(v, b, ['less energy', 'more energy', 'same energy']), missing: 'No power reading: no Profile node ran this model, or its board reports no power (tegrastats on Jetson does).' }),
  col({ id: 'boardMemory', label: 'Peak memory (board)', unit: 'bytes', value: (r) => r.boardPeakMemoryBytes, missing: 'No Profile node ran this model on a board, or its runner reports no memory.' }),
];

export type StatsOf = (row: ModelRow) => ModelFileStats | undefined;

/** The columns these rows have values for (file statistics always; agreement with any accuracy). */
export function visibleColumns(rows: readonly ModelRow[], statsOf: StatsOf): CompareColumn[] {
  const evaluated = rows.some((r) => r.accuracy !== undefined || r.mapValue !== undefined || r.agreement !== undefined);
  return COMPARE_COLUMNS.filter((c) => c.fromFile || (c.withAccuracy && evaluated) || rows.some((r) => c.value(r, statsOf(r)) !== undefined));
}

/** A cell's text: the value in its unit ("96.11 %", "242.6 KB"), SQNR 'inf' as ∞. */
export function cellText(c: CompareColumn, v: number | string | undefined): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return c.unit === 'db' && v === 'inf' ? '∞ (identical)' : v;
  return formatInUnit(v, c.unit);
}

/** The row's value against the baseline's, when both are numbers and the column compares. */
export function cellDelta(c: CompareColumn, row: ModelRow, baseline: ModelRow | undefined, statsOf: StatsOf): Delta | undefined {
  if (!c.delta || !baseline || baseline.uid === row.uid) return undefined;
  // "48× fewer MACs" from a count that misses layers would be a false claim.
  if (c.exact && (!c.exact(statsOf(row)) || !c.exact(statsOf(baseline)))) return undefined;
  const v = c.value(row, statsOf(row));
  const b = c.value(baseline, statsOf(baseline));
  return typeof v === 'number' && typeof b === 'number' ? c.delta(v, b) : undefined;
}

/** "3.7× smaller, −0.2 pt, 2.1× faster": size, the quality and the latency against the baseline. */
export function summaryDelta(row: ModelRow, baseline: ModelRow | undefined, statsOf: StatsOf): string {
  if (!baseline) return '';
  if (baseline.uid === row.uid) return 'baseline';
  const ids = ['size', row.accuracy !== undefined ? 'top1' : 'map', 'macs', row.boardLatencyMs !== undefined ? 'boardLatency' : 'hostLatency'];
  const parts = ids.map((id) => COMPARE_COLUMNS.find((c) => c.id === id)!).map((c) => cellDelta(c, row, baseline, statsOf)?.text).filter((t): t is string => Boolean(t));
  return parts.join(', ');
}

const CSV_UNITS: Record<MetricUnit, string> = {
  fraction: '%', bytes: 'bytes', ms: 'ms', db: 'dB', mw: 'mW', mj: 'mJ', perSec: 'per s', count: '', ratio: '×', number: '', text: '',
};

function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  // Text a spreadsheet would run as a formula (a run named "=HYPERLINK(…)") is kept as text.
  const s = typeof v === 'string' && /^[=+@\t\r]|^-(?![\d.])/.test(v) ? `'${v}` : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Numbers a spreadsheet can compute with: fractions as percentages, others raw in their unit. */
function csvValue(c: CompareColumn, v: number | string | undefined): string | number | undefined {
  if (typeof v !== 'number') return v;
  return c.unit === 'fraction' ? Number((v * 100).toFixed(4)) : Number(v.toPrecision(10));
}

/** The table as CSV: one line per model, values raw with the unit in the header, deltas as text. */
export function compareCsv(rows: readonly ModelRow[], statsOf: StatsOf, baseline: ModelRow | undefined): string {
  const cols = visibleColumns(rows, statsOf);
  const header = ['Model', 'Run', 'Node', 'Baseline', ...cols.flatMap((c) => {
    const unit = CSV_UNITS[c.unit];
    return [unit ? `${c.label} (${unit})` : c.label, ...(c.delta ? [`${c.label} vs baseline`] : [])];
  }), 'Warnings'];
  const lines = rows.map((r) => {
    const s = statsOf(r);
    const cells = cols.flatMap((c) => [csvValue(c, c.value(r, s)), ...(c.delta ? [cellDelta(c, r, baseline, statsOf)?.text ?? ''] : [])]);
    return [r.label, r.runName, r.nodeId, baseline?.uid === r.uid ? 'yes' : '', ...cells, r.warnings.join(' | ')].map(csvField).join(',');
  });
  return `${[header.map(csvField).join(','), ...lines].join('\r\n')}\r\n`;
}
