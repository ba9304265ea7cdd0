// The model a run produced, drawn by ModelGraphView: the node selected in the Nodes tab, or
// the one picked here.
import { useEffect, useMemo, useState } from 'react';
import type { ModelGraph, ModelInspection } from '../../../shared/api/models.ts';
import type { RunRecord } from '../../../shared/api/run.ts';
import { useApi } from '../../api/useApi.ts';
import { modelRows } from '../compare/compareData.ts';
import { ModelGraphView } from './ModelGraphView.tsx';

type Loaded = { graph: ModelGraph; stats: ModelInspection | null } | { error: string } | null;

export function ModelView({ run, nodeId }: { run: RunRecord; nodeId: string | null }) {
  const api = useApi();
  const rows = useMemo(() => modelRows(run), [run]);
  const [picked, setPicked] = useState<string | null>(null);
  // The node selected in the Nodes tab wins when it outputs a model; otherwise the picker.
  const fromTab = rows.find((r) => r.nodeId === nodeId);
  const row = fromTab ?? rows.find((r) => r.key === picked) ?? rows[0];
  const [loaded, setLoaded] = useState<Loaded>(null);
  useEffect(() => {
    if (!row) return;
    let live = true;
    setLoaded(null);
    const ref = { runId: run.id, nodeId: row.nodeId, port: row.port };
    api.call('models.graph', ref).then(async (graph) => {
      const stats = await api.call('models.inspect', ref).catch(() => null);
      if (live) setLoaded({ graph, stats });
    }, (err: unknown) => { if (live) setLoaded({ error: err instanceof Error ? err.message : String(err) }); });
    return () => { live = false; };
    // `row` is re-derived every render; its identity is its node and port.
  }, [api, run.id, row?.nodeId, row?.port]);
  if (!row) return <p className="wh-muted" data-testid="model-view-empty">This run produced no models to draw.</p>;
  const picker = (
    <>
      <label>Model{' '}
        <select className="wh-input wh-modelview__picker" value={row.key} onChange={(e) => setPicked(e.target.value)} disabled={fromTab !== undefined} data-testid="model-view-picker">
          {rows.map((r) => <option key={r.key} value={r.key}>{r.label} ({r.nodeId})</option>)}
        </select>
      </label>
      {fromTab && <span className="wh-muted">selected in the Nodes tab</span>}
    </>
  );
  if (!loaded) return <p className="wh-muted">Reading the model…</p>;
  if ('error' in loaded) return <p className="wh-error">{loaded.error}</p>;
  return <ModelGraphView key={`${row.nodeId}|${row.port}`} graph={loaded.graph} stats={loaded.stats} toolbar={picker} />;
}
