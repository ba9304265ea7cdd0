// The list of past and current runs, newest first.
import type { RunSummary } from '../../shared/api/run.ts';
import { formatMs } from '../app/format.ts';

interface Props {
  runs: RunSummary[] | null;
  error: string | null;
  selected: string | null;
  onSelect(id: string): void;
  onRefresh(): void;
}

export function RunList({ runs, error, selected, onSelect, onRefresh }: Props) {
  return (
    <aside className="wh-runlist" data-testid="run-list">
      <div className="wh-runlist__header">
        <h2 className="wh-panel-title">Runs</h2>
        <button type="button" className="wh-btn wh-btn--small" onClick={onRefresh}>Refresh</button>
      </div>
      {error && <p className="wh-error">{error}</p>}
      {runs?.length === 0 && <p className="wh-muted">No runs yet.</p>}
      <ul>
        {runs?.map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className={`wh-runlist__item${r.id === selected ? ' wh-runlist__item--active' : ''}`}
              onClick={() => onSelect(r.id)}
              data-testid={`run-item-${r.id}`}
              data-status={r.status}
            >
              <span className={`wh-pill wh-pill--${r.status}`}>{r.status}</span>
              <span className="wh-runlist__name">{r.name}</span>
              <span className="wh-muted wh-runlist__meta">
                {new Date(r.startedAt).toLocaleTimeString()} · {r.nodeCount} nodes{r.durationMs !== undefined ? ` · ${formatMs(r.durationMs)}` : ''}
              </span>
              {r.failedNodeIds.length > 0 && <span className="wh-error wh-runlist__meta">failed: {r.failedNodeIds.join(', ')}</span>}
              {r.warningNodeIds.length > 0 && (
                <span className="wh-runlist__meta wh-runlist__warned" data-testid={`run-warnings-${r.id}`}>
                  ⚠ {r.warningNodeIds.length} with warnings: {r.warningNodeIds.join(', ')}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
