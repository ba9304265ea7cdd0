// The selected node's state in the current run, under its form: outcome, time, every
// warning, every metric, and the full error with its hint when it failed. Results from
// before an edit of the node's params or inputs are dimmed and marked outdated.
import { useMemo } from 'react';
import { nodeOutcome } from '../../shared/api/node-outcome.ts';
import { formatMetric, metricLabel, orderedMetrics } from '../../shared/results/metrics.ts';
import { formatMs } from '../app/format.ts';
import { usePipelineStore } from '../store/usePipelineStore.ts';
import { nodeOutdatedSelector, nodeRunSelector } from '../store/selectors.ts';

const OUTCOME_TEXT: Record<string, string> = { warning: 'done with warnings' };

export function NodeRunSummary({ nodeId }: { nodeId: string }) {
  const select = useMemo(() => nodeRunSelector(nodeId), [nodeId]);
  const selectOutdated = useMemo(() => nodeOutdatedSelector(nodeId), [nodeId]);
  const run = usePipelineStore(select);
  const outdated = usePipelineStore(selectOutdated);
  if (!run) return null;
  const outcome = nodeOutcome(run);
  const metrics = orderedMetrics(run.metrics ?? {});
  const warnings = run.warnings ?? [];
  return (
    <section className={`wh-runsummary${outdated ? ' wh-runsummary--outdated' : ''}`} data-testid="inspector-run" data-outdated={outdated ? 'true' : undefined}>
      <h3 className="wh-runsummary__title">
        Last run <span className={`wh-pill wh-pill--${outcome}`}>{OUTCOME_TEXT[outcome] ?? run.status}</span>
        {run.status === 'cached' && outcome === 'warning' && <span className="wh-muted">cached</span>}
        {run.durationMs !== undefined && <span className="wh-muted"> {formatMs(run.durationMs)}</span>}
        {outdated && <span className="wh-pill wh-pill--outdated" data-testid="inspector-outdated">outdated</span>}
      </h3>
      {outdated && <p className="wh-muted wh-runsummary__note">These results are from before the last edit of this node or its inputs. Run again to refresh them.</p>}
      <div className="wh-runsummary__body">
        {run.error && (
          <p className="wh-error">
            {run.error.message}
            {run.error.hint && <span className="wh-muted"> {run.error.hint}</span>}
          </p>
        )}
        {warnings.length > 0 && (
          <ul className="wh-warnings" data-testid="inspector-warnings">
            {warnings.map((w, i) => <li key={i}>{w}</li>)}
          </ul>
        )}
        {run.skippedReason && <p className="wh-muted">{run.skippedReason}</p>}
        {metrics.length > 0 && (
          <table className="wh-table wh-table--kv">
            <tbody>
              {metrics.map(([k, v]) => <tr key={k}><th>{metricLabel(k)}</th><td>{formatMetric(k, v)}</td></tr>)}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
