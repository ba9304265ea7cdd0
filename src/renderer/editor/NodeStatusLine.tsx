// The run state strip at the bottom of a node: done (green), done with warnings (amber,
// with the main warning), failed (red, with the error), progress while running; results
// from before an edit of the node's params or inputs are dimmed and marked outdated. The
// headline figures are on the node's face (NodeFaceLines), not here.
import { formatMs } from '../app/format.ts';
import { nodeOutcome } from '../../shared/api/node-outcome.ts';
import type { NodeRunView } from '../store/runView.ts';

const LABELS: Record<string, string> = {
  pending: 'Waiting', queued: 'Queued', running: 'Running', cached: 'Cached', done: 'Done',
  warning: 'Done with warnings', failed: 'Failed', cancelled: 'Cancelled', skipped: 'Skipped',
};

function badgeText(run: NodeRunView, outcome: string): string {
  if (outcome === 'warning' && run.status === 'cached') return 'Cached · warnings';
  return LABELS[outcome] ?? outcome;
}

interface Props {
  nodeId: string;
  run: NodeRunView | undefined;
  outdated?: boolean;
  /** The node shows a validation problem now: an outdated failure's message would sit beside it. */
  hasProblems?: boolean;
}

export function NodeStatusLine({ nodeId, run, outdated, hasProblems }: Props) {
  if (!run) return null;
  const outcome = nodeOutcome(run);
  const warnings = run.warnings ?? [];
  // A failure from before an edit of the node says so in one line: its message (in the
  // tooltip and the inspector) no longer describes the node as it is.
  const staleFailure = run.status === 'failed' && (outdated || hasProblems);
  const pct = run.progress && run.progress.max > 0 ? Math.min(100, (100 * run.progress.value) / run.progress.max) : null;
  return (
    <div
      className={`wh-status wh-status--${outcome}${outdated ? ' wh-status--outdated' : ''}`}
      data-testid={`node-status-${nodeId}`}
      data-outdated={outdated ? 'true' : undefined}
      title={outdated ? 'Outdated: the node\'s params or inputs changed after this run. Run again to refresh.' : 'Double-click the node to open its results'}
    >
      <div className="wh-status__row">
        <span className="wh-status__badge">{badgeText(run, outcome)}</span>
        {outdated && <span className="wh-status__outdated" data-testid={`node-outdated-${nodeId}`}>outdated</span>}
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
      {run.status === 'failed' && run.error && !staleFailure && (
        <div className="wh-status__error" data-testid={`node-error-${nodeId}`} title={run.error.hint}>
          {run.error.message}
        </div>
      )}
      {staleFailure && (
        <div className="wh-status__message" data-testid={`node-stale-error-${nodeId}`} title={run.error?.message}>
          Failed before the edit; run again.
        </div>
      )}
      {outcome === 'warning' && (
        <div className="wh-status__warning" data-testid={`node-warning-${nodeId}`} title={warnings.join('\n\n')}>
          {warnings[0]}
          {warnings.length > 1 && <span className="wh-status__more"> (+{warnings.length - 1} more)</span>}
        </div>
      )}
      {run.status === 'skipped' && run.skippedReason && <div className="wh-status__message">{run.skippedReason}</div>}
    </div>
  );
}
