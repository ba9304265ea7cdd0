// The run state strip at the bottom of a node.
import { formatMs, formatValue } from '../app/format.ts';
import type { NodeRunView } from '../store/runView.ts';

/** Metrics shown inside a finished node; the rest are in Runs & results. */
const NODE_METRICS_SHOWN = 3;

const LABELS: Record<string, string> = {
  pending: 'Waiting', queued: 'Queued', running: 'Running', cached: 'Cached', done: 'Done',
  failed: 'Failed', cancelled: 'Cancelled', skipped: 'Skipped',
};

export function NodeStatusLine({ nodeId, run }: { nodeId: string; run: NodeRunView | undefined }) {
  if (!run) return null;
  const pct = run.progress && run.progress.max > 0 ? Math.min(100, (100 * run.progress.value) / run.progress.max) : null;
  return (
    <div className={`wh-status wh-status--${run.status}`} data-testid={`node-status-${nodeId}`} title="Double-click the node to open its results">
      <div className="wh-status__row">
        <span className="wh-status__badge">{LABELS[run.status] ?? run.status}</span>
        {run.durationMs !== undefined && <span className="wh-status__time">{formatMs(run.durationMs)}</span>}
      </div>
      {run.status === 'running' && (
        <>
          <div className="wh-progress" role="progressbar" aria-valuenow={pct ?? undefined} aria-valuemin={0} aria-valuemax={100}>
            <div className={`wh-progress__bar${pct === null ? ' wh-progress__bar--indeterminate' : ''}`} style={pct === null ? undefined : { width: `${pct}%` }} />
          </div>
          {run.progress?.message && <div className="wh-status__message">{run.progress.message}</div>}
        </>
      )}
      {run.status === 'failed' && run.error && (
        <div className="wh-status__error" data-testid={`node-error-${nodeId}`} title={run.error.hint}>
          {run.error.message}
        </div>
      )}
      {(run.status === 'done' || run.status === 'cached') && run.metrics && Object.keys(run.metrics).length > 0 && (
        <div className="wh-status__metrics">
          {Object.entries(run.metrics).slice(0, NODE_METRICS_SHOWN).map(([k, v]) => (
            <span key={k}><span className="wh-muted">{k}</span> {formatValue(v, k)}</span>
          ))}
        </div>
      )}
      {run.status === 'skipped' && run.skippedReason && <div className="wh-status__message">{run.skippedReason}</div>}
    </div>
  );
}
