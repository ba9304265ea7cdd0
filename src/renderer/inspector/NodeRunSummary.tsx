// The selected node's state in the current run, under its form: status, time, every
// metric, and the full error with its hint when it failed.
import { useMemo } from 'react';
import { formatMs, formatValue } from '../app/format.ts';
import { usePipelineStore } from '../store/usePipelineStore.ts';
import { nodeRunSelector } from '../store/selectors.ts';

export function NodeRunSummary({ nodeId }: { nodeId: string }) {
  const select = useMemo(() => nodeRunSelector(nodeId), [nodeId]);
  const run = usePipelineStore(select);
  if (!run) return null;
  const metrics = Object.entries(run.metrics ?? {});
  return (
    <section className="wh-runsummary" data-testid="inspector-run">
      <h3 className="wh-runsummary__title">
        Last run <span className={`wh-pill wh-pill--${run.status}`}>{run.status}</span>
        {run.durationMs !== undefined && <span className="wh-muted"> {formatMs(run.durationMs)}</span>}
      </h3>
      {run.error && (
        <p className="wh-error">
          {run.error.message}
          {run.error.hint && <span className="wh-muted"> {run.error.hint}</span>}
        </p>
      )}
      {run.skippedReason && <p className="wh-muted">{run.skippedReason}</p>}
      {metrics.length > 0 && (
        <table className="wh-table wh-table--kv">
          <tbody>
            {metrics.map(([k, v]) => <tr key={k}><th>{k}</th><td>{formatValue(v, k)}</td></tr>)}
          </tbody>
        </table>
      )}
    </section>
  );
}
