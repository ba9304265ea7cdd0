// Compare the models of one or more runs: a formatted table with deltas against a chosen
// baseline (default: the unmodified model), accuracy against size and against latency with
// the Pareto front named, CSV/PNG/SVG exports, and the selected model's layers.
import { useMemo, useState } from 'react';
import type { RunRecord } from '../../../shared/api/run.ts';
import { formatBytes, formatLatencyMs, formatPercent2 } from '../../../shared/format.ts';
import { shortLabels } from '../../../shared/results/pareto.ts';
import { defaultBaseline, modelRowsOfRuns, type ModelRow } from '../../../shared/results/rows.ts';
import { compareCsv, visibleColumns } from '../../../shared/results/table.ts';
import { downloadBlob, fileSlug } from './chartExport.ts';
import { CompareTable, statsOf } from './CompareTable.tsx';
import { LayerBreakdown } from './LayerBreakdown.tsx';
import { ParetoScatter, type ScatterPoint } from './ParetoScatter.tsx';
import { useModelInspections } from './useModelInspections.ts';
import './compare.css';

type Quality = { label: string; of(r: ModelRow): number | undefined };

/** Top-1 when any model has it, else detection mAP. */
function qualityOf(rows: ModelRow[]): Quality {
  if (rows.some((r) => r.accuracy !== undefined) || !rows.some((r) => r.mapValue !== undefined)) return { label: 'Top-1', of: (r) => r.accuracy };
  return { label: 'mAP 50–95', of: (r) => r.mapValue };
}

function scatterPoints(rows: ModelRow[], quality: Quality, x: (r: ModelRow) => number | undefined, baselineUid: string | undefined): ScatterPoint[] {
  // Across runs, a node id repeats: points say which run ("2:q" is node q of the second run).
  const runIds = [...new Set(rows.map((r) => r.runId))];
  const shorts = shortLabels(rows.map((r) => ({ key: r.uid, label: r.label, nodeId: runIds.length > 1 ? `${runIds.indexOf(r.runId) + 1}:${r.nodeId}` : r.nodeId })));
  return rows.flatMap((r) => {
    const xv = x(r);
    const yv = quality.of(r);
    // An amber model keeps its ⚠ in the chart too (e.g. accuracy measured on training data).
    const warn = r.warnings.length > 0 ? '⚠ ' : '';
    return xv !== undefined && yv !== undefined ? [{ key: r.uid, x: xv, y: yv, label: `${warn}${r.label}`, short: `${warn}${shorts.get(r.uid) ?? r.label}`, baseline: r.uid === baselineUid }] : [];
  });
}

export function CompareView({ runs }: { runs: RunRecord[] }) {
  const rows = useMemo(() => modelRowsOfRuns(runs), [runs]);
  const stats = useModelInspections(rows, runs.map((r) => r.status).join(','));
  const [selected, setSelected] = useState<string | null>(null);
  const [baselineUid, setBaselineUid] = useState<string | null>(null);
  // Pruning shrinks the compressed size only, so the size chart offers both.
  const [sizeKind, setSizeKind] = useState<'file' | 'gzip'>('file');
  if (rows.length === 0) {
    return <p className="wh-muted" data-testid="compare-empty">{runs.length > 1 ? 'These runs' : 'This run'} produced no models yet. Models appear here when nodes that output a model finish.</p>;
  }
  const chosen = rows.find((r) => r.uid === selected) ?? rows[0];
  const chosenStats = stats[chosen.uid];
  const baseline = rows.find((r) => r.uid === baselineUid) ?? defaultBaseline(rows);
  const get = statsOf(stats);
  const columns = visibleColumns(rows, get);
  const quality = qualityOf(rows);
  const exportName = runs.length > 1 ? `${runs.length}-runs` : runs[0].name;
  const sizePoints = scatterPoints(rows, quality, sizeKind === 'file' ? (r) => r.sizeBytes : (r) => get(r)?.gzipSizeBytes, baseline?.uid);
  const latencyPoints = scatterPoints(rows, quality, (r) => r.boardLatencyMs ?? r.latencyMs, baseline?.uid);
  const onBoard = rows.some((r) => r.boardLatencyMs !== undefined);
  const saveCsv = () => downloadBlob(new Blob([compareCsv(rows, get, baseline)], { type: 'text/csv' }), `${fileSlug(exportName)}-models.csv`);
  return (
    <div className="wh-compare" data-testid="compare-view">
      <div className="wh-compare__toolbar">
        <label>
          Baseline{' '}
          <select className="wh-input wh-compare__baseline" value={baseline?.uid ?? ''} onChange={(e) => setBaselineUid(e.target.value)} data-testid="baseline-select">
            {rows.map((r) => <option key={r.uid} value={r.uid}>{r.label} ({r.nodeId})</option>)}
          </select>
        </label>
        <button type="button" className="wh-btn wh-btn--small" onClick={saveCsv} data-testid="export-csv">Export CSV</button>
      </div>
      <div className="wh-compare__table-wrap">
        <CompareTable rows={rows} columns={columns} stats={stats} baseline={baseline} selected={chosen.uid} multiRun={runs.length > 1} onSelect={setSelected} />
        <p className="wh-muted wh-compare__note">
          Under each value, the difference from the baseline (pick it above): ratios for sizes, MACs and latency, percentage points (pt) for accuracy.
          Labels say what each node did, not what it was asked for; ⚠ marks a model whose node ended with warnings.
          Accuracy comes from an Evaluate node wired to the model; agreement and SQNR compare its outputs with a reference (the wired one, else the unmodified model); latency from a Host latency node, and on a board from a Profile node.
          Gzip size: the model file compressed, what a download costs. MACs at batch 1{columns.some((c) => c.id === 'macs') && rows.some((r) => (get(r)?.macsUnknownLayers ?? 0) > 0) ? '; * some layers have unknown shapes and are not counted' : ''}.
        </p>
      </div>
      <div className="wh-compare__size-toggle" role="radiogroup" aria-label="Size measure">
        Size in the chart:
        <label className="wh-compare__radio"><input type="radio" name="size-kind" checked={sizeKind === 'file'} onChange={() => setSizeKind('file')} /> file</label>
        <label className="wh-compare__radio"><input type="radio" name="size-kind" checked={sizeKind === 'gzip'} onChange={() => setSizeKind('gzip')} data-testid="size-kind-gzip" /> gzip</label>
      </div>
      <div className="wh-compare__charts">
        <ParetoScatter testId="scatter-size" exportName={exportName} title={`${quality.label} against ${sizeKind === 'file' ? 'file' : 'gzip'} size`} xLabel={sizeKind === 'file' ? 'Size' : 'Gzip size'} yLabel={quality.label} points={sizePoints} formatX={formatBytes} formatY={formatPercent2} emptyHint="Connect an Evaluate node to the models to plot accuracy against size." />
        <ParetoScatter testId="scatter-latency" exportName={exportName} title={`${quality.label} against latency${onBoard ? ' (board where profiled)' : ''}`} xLabel="Latency p50" yLabel={quality.label} points={latencyPoints} formatX={formatLatencyMs} formatY={formatPercent2} emptyHint="Connect Evaluate and Host latency (or Profile) nodes to the models to plot accuracy against latency." />
      </div>
      {chosenStats?.status === 'ok' && <LayerBreakdown stats={chosenStats.value} />}
      {chosenStats?.status === 'error' && <p className="wh-error">{chosenStats.message}</p>}
    </div>
  );
}
