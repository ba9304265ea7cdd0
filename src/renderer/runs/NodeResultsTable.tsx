// Per-node results of a run in engine order: status, time, metrics in words and units
// (src/shared/results/metrics.ts); a selected node shows its error, warnings, artifacts
// and reports below.
import { nodeOutcome, type RunRecord } from '../../shared/api/run.ts';
import { formatMetric, metricLabel, orderedMetrics } from '../../shared/results/metrics.ts';
import { formatMs } from '../app/format.ts';
import { selectKinds } from '../store/selectors.ts';
import { usePipelineStore } from '../store/usePipelineStore.ts';
import { ReportView } from '../reports/ReportView.tsx';

interface Props {
  run: RunRecord;
  selected: string | null;
  onSelect(nodeId: string): void;
}

export function NodeResultsTable({ run, selected, onSelect }: Props) {
  const order = [...run.order, ...Object.keys(run.nodes).filter((id) => !run.order.includes(id))];
  const chosen = selected && run.nodes[selected] ? run.nodes[selected] : null;
  const kinds = usePipelineStore(selectKinds);
  const kindTitle = (kind: string) => kinds.get(kind)?.title ?? kind;
  return (
    <>
      <table className="wh-table wh-table--hover" data-testid="node-results">
        <thead>
          <tr><th>Node</th><th>Kind</th><th>Status</th><th className="wh-num">Time</th><th>Metrics</th></tr>
        </thead>
        <tbody>
          {order.map((id) => {
            const n = run.nodes[id];
            if (!n) return null;
            const outcome = nodeOutcome(n);
            return (
              <tr key={id} className={id === selected ? 'wh-row--selected' : undefined} onClick={() => onSelect(id)} data-testid={`node-result-${id}`} data-status={n.status} data-outcome={outcome}>
                <td><code>{id}</code></td>
                <td>{kindTitle(n.kind)}</td>
                <td>
                  <span className={`wh-pill wh-pill--${outcome}`}>{outcome === 'warning' ? 'done with warnings' : n.status}</span>
                  {outcome === 'warning' && n.status === 'cached' && <span className="wh-muted"> cached</span>}
                </td>
                <td className="wh-num wh-node-results__time">{n.durationMs !== undefined ? formatMs(n.durationMs) : ''}</td>
                <td className="wh-metrics">
                  {orderedMetrics(n.metrics).map(([k, v]) => <span key={k} className="wh-metric" data-metric={k}><span className="wh-node-metric__label">{metricLabel(k)}</span> {formatMetric(k, v)}</span>)}
                  {n.error && <span className="wh-error">{n.error.message}</span>}
                  {outcome === 'warning' && <span className="wh-node-warning" title={n.warnings.join('\n\n')}>⚠ {n.warnings[0]}{n.warnings.length > 1 ? ` (+${n.warnings.length - 1} more)` : ''}</span>}
                  {n.skippedReason && <span className="wh-muted">{n.skippedReason}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!chosen && <p className="wh-muted">Select a node to see its reports and artifacts.</p>}
      {chosen && (
        <section className="wh-node-detail" data-testid="node-detail">
          <h3><code>{chosen.nodeId}</code> · {chosen.kind}</h3>
          {chosen.error && <p className="wh-error">{chosen.error.message}{chosen.error.hint ? ` — ${chosen.error.hint}` : ''}</p>}
          {chosen.warnings.length > 0 && <ul className="wh-warnings">{chosen.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>}
          {chosen.artifacts.length > 0 && (
            <details>
              <summary>Artifacts ({chosen.artifacts.length})</summary>
              <ul className="wh-artifacts">{chosen.artifacts.map((a) => <li key={a}><code>{a}</code></li>)}</ul>
            </details>
          )}
          {chosen.reports.map((r, i) => <ReportView key={`${r.kind}-${i}`} report={r} run={run} nodeId={chosen.nodeId} />)}
          {chosen.reports.length === 0 && <p className="wh-muted">This node produced no reports.</p>}
        </section>
      )}
    </>
  );
}
