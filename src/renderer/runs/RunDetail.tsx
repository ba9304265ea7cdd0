// One run: header (name, status, time, versions, host; rename, tags, note, delete), then
// Sweep (for a sweep run) / Nodes / Compare / Model tabs.
import { useEffect, useState } from 'react';
import { nodeOutcome } from '../../shared/api/run.ts';
import { CompareView } from '../results/compare/CompareView.tsx';
import { ModelView } from '../results/model-view/ModelView.tsx';
import { SweepView } from '../results/sweep/SweepView.tsx';
import { formatMs } from '../app/format.ts';
import { NodeResultsTable } from './NodeResultsTable.tsx';
import { RunMetaEditor } from './RunMetaEditor.tsx';
import { useRunRecord } from './useRunRecord.ts';

type Tab = 'sweep' | 'nodes' | 'compare' | 'model';
const TAB_LABELS: Record<Tab, string> = { sweep: 'Sweep', nodes: 'Nodes', compare: 'Compare models', model: 'Model graph' };

interface Props {
  runId: string;
  focusNodeId?: string | null;
  /** The run's name, tags or note changed, or it was deleted: the list re-reads. */
  onListChanged(): void;
  onDeleted(): void;
}

export function RunDetail({ runId, focusNodeId = null, onListChanged, onDeleted }: Props) {
  const { run, error, reload } = useRunRecord(runId);
  // Unset until the user picks one: a sweep run opens on its Sweep tab, any other on Nodes.
  const [picked, setTab] = useState<Tab | null>(null);
  const [nodeId, setNodeId] = useState<string | null>(focusNodeId);
  useEffect(() => {
    if (focusNodeId) {
      setNodeId(focusNodeId);
      setTab('nodes');
    }
  }, [focusNodeId]);
  if (error) return <p className="wh-error wh-pad">{error}</p>;
  if (!run) return <p className="wh-muted wh-pad">Loading run…</p>;
  const tab: Tab = picked ?? (run.sweep ? 'sweep' : 'nodes');
  const warned = Object.values(run.nodes).filter((n) => nodeOutcome(n) === 'warning').length;
  return (
    <div className="wh-rundetail" data-testid="run-detail" data-run-id={run.id} data-status={run.status}>
      <header className="wh-rundetail__header">
        <h2>
          <span data-testid="run-title">{run.name}</span> <span className={`wh-pill wh-pill--${run.status}`}>{run.status}</span>
          {warned > 0 && <span className="wh-pill wh-pill--warning" data-testid="run-warning-count"> {warned} node{warned > 1 ? 's' : ''} with warnings</span>}
        </h2>
        <div className="wh-muted">
          {new Date(run.startedAt).toLocaleString()}
          {run.durationMs !== undefined && ` · ${formatMs(run.durationMs)}`}
          {` · Whittle ${run.versions.whittle} · ONNX Runtime ${run.versions.onnxruntime} · ${run.host.cpu} (${run.host.cores} cores)`}
        </div>
        <RunMetaEditor run={run} onChanged={() => { reload(); onListChanged(); }} onDeleted={onDeleted} />
        {run.error && <p className="wh-error">{run.error.message}{run.error.hint ? ` ${run.error.hint}` : ''}</p>}
      </header>
      <nav className="wh-subtabs" role="tablist">
        {(run.sweep ? ['sweep', 'nodes', 'compare', 'model'] as const : ['nodes', 'compare', 'model'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={`wh-subtab${tab === t ? ' wh-subtab--active' : ''}`} onClick={() => setTab(t)} data-testid={`results-tab-${t}`}>
            {TAB_LABELS[t]}
          </button>
        ))}
      </nav>
      <div className="wh-rundetail__body">
        {tab === 'sweep' && <SweepView run={run} />}
        {tab === 'nodes' && <NodeResultsTable run={run} selected={nodeId} onSelect={setNodeId} />}
        {tab === 'compare' && <CompareView runs={[run]} />}
        {tab === 'model' && <ModelView run={run} nodeId={nodeId} />}
      </div>
    </div>
  );
}
