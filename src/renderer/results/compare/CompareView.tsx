// Compare every model of a run: a table of statistics and metrics, accuracy against size
// and against latency with the Pareto front marked, and the selected model's layers.
import { useMemo, useState } from 'react';
import type { RunRecord } from '../../../shared/api/run.ts';
import { formatBytes, formatCount, modelRows, type ModelRow } from './compareData.ts';
import { LayerBreakdown } from './LayerBreakdown.tsx';
import { ParetoScatter, type ScatterPoint } from './ParetoScatter.tsx';
import { useModelInspections, type InspectionState } from './useModelInspections.ts';
import './compare.css';

const pct = (v: number | undefined) => (v === undefined ? '' : `${(v * 100).toFixed(2)}%`);

function sqnrText(v: number | string | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'number' ? `${v.toFixed(1)} dB` : v === 'inf' ? '∞ (identical)' : v;
}

function StatCells({ state }: { state: InspectionState | undefined }) {
  if (!state || state.status === 'loading') return <td colSpan={5} className="wh-muted">Reading statistics…</td>;
  if (state.status === 'error') return <td colSpan={5} className="wh-error">{state.message}</td>;
  const s = state.value;
  return (
    <>
      <td className="wh-num">{formatBytes(s.gzipSizeBytes)}</td>
      <td className="wh-num">{formatCount(s.parameters)}</td>
      <td className="wh-num">{formatCount(s.nonZeroParameters)}</td>
      <td className="wh-num">{(s.sparsity * 100).toFixed(1)}%</td>
      <td className="wh-num">{formatCount(s.macs)}{s.macsUnknownLayers > 0 ? '*' : ''}</td>
    </>
  );
}

function scatterPoints(rows: ModelRow[], x: (r: ModelRow) => number | undefined): ScatterPoint[] {
  return rows.flatMap((r) => {
    const xv = x(r);
    // An amber model keeps its ⚠ in the chart too (e.g. accuracy measured on training data).
    return xv !== undefined && r.accuracy !== undefined ? [{ key: r.key, x: xv, y: r.accuracy, label: r.warnings.length > 0 ? `⚠ ${r.label}` : r.label }] : [];
  });
}

export function CompareView({ run }: { run: RunRecord }) {
  const rows = useMemo(() => modelRows(run), [run]);
  const stats = useModelInspections(run.id, rows);
  const [selected, setSelected] = useState<string | null>(null);
  // Pruning shrinks the compressed size only, so the size chart offers both.
  const [sizeKind, setSizeKind] = useState<'file' | 'gzip'>('file');
  const chosen = rows.find((r) => r.key === selected) ?? rows[0];
  const chosenStats = chosen ? stats[chosen.key] : undefined;
  if (rows.length === 0) {
    return <p className="wh-muted" data-testid="compare-empty">This run produced no models yet. Models appear here when nodes that output a model finish.</p>;
  }
  const gzipOf = (r: ModelRow) => { const st = stats[r.key]; return st?.status === 'ok' ? st.value.gzipSizeBytes : undefined; };
  const sizePoints = scatterPoints(rows, sizeKind === 'file' ? (r) => r.sizeBytes : gzipOf);
  const latencyPoints = scatterPoints(rows, (r) => r.latencyMs);
  return (
    <div className="wh-compare" data-testid="compare-view">
      <div className="wh-compare__table-wrap">
        <table className="wh-table wh-table--hover" data-testid="compare-table">
          <thead>
            <tr>
              <th>Model</th><th>Node</th><th className="wh-num">Size</th><th className="wh-num">Gzip size</th>
              <th className="wh-num">Params</th><th className="wh-num">Non-zeros</th><th className="wh-num">Sparsity</th><th className="wh-num">MACs</th>
              <th className="wh-num">Top-1</th><th className="wh-num">Top-5</th><th className="wh-num">Agreement</th><th className="wh-num">SQNR</th>
              <th className="wh-num">Latency p50 (host)</th><th className="wh-num">p50 on board</th><th className="wh-num">Throughput</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.key}
                className={`${r.key === chosen?.key ? 'wh-row--selected' : ''}${r.warnings.length > 0 ? ' wh-compare__row--warning' : ''}`.trim() || undefined}
                onClick={() => setSelected(r.key)}
                data-testid={`compare-row-${r.nodeId}`}
                data-outcome={r.warnings.length > 0 ? 'warning' : 'done'}
              >
                <td className="wh-compare__label">
                  <span data-testid={`compare-label-${r.nodeId}`}>{r.label}</span>
                  {r.warnings.length > 0 && (
                    <div className="wh-compare__warning" data-testid={`compare-warning-${r.nodeId}`} title={r.warnings.join('\n\n')}>
                      ⚠ {r.warnings[0]}{r.warnings.length > 1 ? ` (+${r.warnings.length - 1} more)` : ''}
                    </div>
                  )}
                </td>
                <td><code>{r.nodeId}</code>{r.port !== 'model' ? <span className="wh-muted"> · {r.port}</span> : null}</td>
                <td className="wh-num">{formatBytes(r.sizeBytes)}</td>
                <StatCells state={stats[r.key]} />
                <td className="wh-num" data-testid="compare-top1">{pct(r.accuracy)}</td>
                <td className="wh-num">{pct(r.top5)}</td>
                <td className="wh-num">{pct(r.agreement)}</td>
                <td className="wh-num">{sqnrText(r.sqnrDb)}</td>
                <td className="wh-num" data-testid="compare-host-latency">
                  {r.latencyMs === undefined ? '' : `${r.latencyMs.toFixed(2)} ms`}
                  {r.latencySettings && <div className="wh-muted wh-compare__settings">{r.latencySettings}</div>}
                </td>
                <td className="wh-num" data-testid="compare-board-latency">
                  {r.boardLatencyMs === undefined ? '' : `${r.boardLatencyMs.toFixed(2)} ms`}
                  {r.boardSettings && <div className="wh-muted wh-compare__settings">{r.boardSettings}</div>}
                </td>
                <td className="wh-num">{r.throughputPerSec === undefined ? '' : `${r.throughputPerSec.toFixed(0)}/s`}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="wh-muted wh-compare__note">
          Labels say what each node did (layers quantized, sparsity reached), not what it was asked for; ⚠ marks a model whose node ended with warnings.
          Accuracy comes from an Evaluate node wired to the model; latency (host CPU, median) from a Host latency node, and on a board from a Profile node; the settings under each say how it was measured (a p50 compares only with one taken the same way).
          Gzip size: the model file compressed, what a download costs. MACs at batch 1{Object.values(stats).some((s) => s.status === 'ok' && s.value.macsUnknownLayers > 0) ? '; * some layers have unknown shapes and are not counted' : ''}.
        </p>
      </div>
      <div className="wh-compare__size-toggle" role="radiogroup" aria-label="Size measure">
        Size in the chart:
        <label className="wh-compare__radio"><input type="radio" name="size-kind" checked={sizeKind === 'file'} onChange={() => setSizeKind('file')} /> file</label>
        <label className="wh-compare__radio"><input type="radio" name="size-kind" checked={sizeKind === 'gzip'} onChange={() => setSizeKind('gzip')} data-testid="size-kind-gzip" /> gzip</label>
      </div>
      <div className="wh-compare__charts">
        <ParetoScatter testId="scatter-size" title={`Accuracy against ${sizeKind === 'file' ? 'file' : 'gzip'} size`} xLabel={sizeKind === 'file' ? 'Size' : 'Gzip size'} yLabel="Top-1" points={sizePoints} formatX={(v) => formatBytes(v)} emptyHint="Connect an Evaluate node to the models to plot accuracy against size." />
        <ParetoScatter testId="scatter-latency" title="Accuracy against latency" xLabel="Latency p50 (ms)" yLabel="Top-1" points={latencyPoints} formatX={(v) => `${Number(v.toPrecision(3))} ms`} emptyHint="Connect Evaluate and Host latency nodes to the models to plot accuracy against latency." />
      </div>
      {chosenStats?.status === 'ok' && <LayerBreakdown stats={chosenStats.value} />}
      {chosenStats?.status === 'error' && <p className="wh-error">{chosenStats.message}</p>}
    </div>
  );
}
