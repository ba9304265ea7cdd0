// The list of past and current runs, newest first: name (numbered when several runs share
// it), tags, status; a tick box per run picks runs to compare side by side.
import type { RunSummary } from '../../shared/api/run.ts';
import { formatMs } from '../app/format.ts';

interface Props {
  runs: RunSummary[] | null;
  error: string | null;
  selected: string | null;
  onSelect(id: string): void;
  onRefresh(): void;
  picked: string[];
  onPick(ids: string[]): void;
  onCompare(): void;
}

/** "#2" for the second run (by start) of a name that several runs share. */
function ordinals(runs: RunSummary[]): Map<string, string> {
  const byName = new Map<string, RunSummary[]>();
  for (const r of runs) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const out = new Map<string, string>();
  for (const group of byName.values()) {
    if (group.length < 2) continue;
    // The list is newest first: the oldest is #1.
    group.forEach((r, i) => out.set(r.id, `#${group.length - i}`));
  }
  return out;
}

function RunItem({ r, active, ordinal, picked, onSelect, onToggle }: { r: RunSummary; active: boolean; ordinal?: string; picked: boolean; onSelect(): void; onToggle(): void }) {
  return (
    <li className="wh-runlist__row">
      <input type="checkbox" className="wh-checkbox" checked={picked} onChange={onToggle} aria-label={`Compare ${r.name}`} data-testid={`run-pick-${r.id}`} />
      <button type="button" className={`wh-runlist__item${active ? ' wh-runlist__item--active' : ''}`} onClick={onSelect} data-testid={`run-item-${r.id}`} data-status={r.status}>
        <span className={`wh-pill wh-pill--${r.status}`}>{r.status}</span>
        <span className="wh-runlist__name">{r.name}{ordinal && <span className="wh-muted"> {ordinal}</span>}</span>
        {r.tags && r.tags.length > 0 && <span className="wh-runlist__tags">{r.tags.map((t) => <span key={t} className="wh-tag">{t}</span>)}</span>}
        <span className="wh-muted wh-runlist__meta">
          {new Date(r.startedAt).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })} · {r.nodeCount} nodes{r.durationMs !== undefined ? ` · ${formatMs(r.durationMs)}` : ''}
        </span>
        {r.note && <span className="wh-muted wh-runlist__meta wh-runlist__note">{r.note}</span>}
        {r.failedNodeIds.length > 0 && <span className="wh-error wh-runlist__meta">failed: {r.failedNodeIds.join(', ')}</span>}
        {r.warningNodeIds.length > 0 && (
          <span className="wh-runlist__meta wh-runlist__warned" data-testid={`run-warnings-${r.id}`}>
            ⚠ {r.warningNodeIds.length} with warnings: {r.warningNodeIds.join(', ')}
          </span>
        )}
      </button>
    </li>
  );
}

export function RunList({ runs, error, selected, onSelect, onRefresh, picked, onPick, onCompare }: Props) {
  const numbers = runs ? ordinals(runs) : new Map<string, string>();
  const toggle = (id: string) => onPick(picked.includes(id) ? picked.filter((x) => x !== id) : [...picked, id]);
  return (
    <aside className="wh-runlist" data-testid="run-list">
      <div className="wh-runlist__header">
        <h2 className="wh-panel-title">Runs</h2>
        <button type="button" className="wh-btn wh-btn--small" onClick={onRefresh}>Refresh</button>
      </div>
      <div className="wh-runlist__compare">
        <button type="button" className="wh-btn wh-btn--small wh-btn--primary" disabled={picked.length < 2} onClick={onCompare} data-testid="compare-runs" title={picked.length < 2 ? 'Tick two or more runs to compare their models' : undefined}>
          Compare {picked.length >= 2 ? `${picked.length} runs` : 'runs'}
        </button>
        {picked.length > 0 && <button type="button" className="wh-link" onClick={() => onPick([])}>Clear</button>}
      </div>
      {error && <p className="wh-error">{error}</p>}
      {runs?.length === 0 && <p className="wh-muted">No runs yet.</p>}
      <ul>
        {runs?.map((r) => (
          <RunItem key={r.id} r={r} active={r.id === selected} ordinal={numbers.get(r.id)} picked={picked.includes(r.id)} onSelect={() => onSelect(r.id)} onToggle={() => toggle(r.id)} />
        ))}
      </ul>
    </aside>
  );
}
