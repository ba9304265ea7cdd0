// The selected model's graph, read-only and layered top to bottom (a simpler Netron), with
// the hovered node's attributes and per-layer statistics beside it.
import { useEffect, useMemo, useState } from 'react';
import type { GraphNode, ModelGraph, ModelInspection } from '../../../shared/api/models.ts';
import type { RunRecord } from '../../../shared/api/run.ts';
import { useApi } from '../../api/useApi.ts';
import { modelRows } from '../compare/compareData.ts';
import { GraphSvg } from './GraphSvg.tsx';
import { NodeDetails } from './NodeDetails.tsx';
import './model-view.css';

type Loaded = { graph: ModelGraph; stats: ModelInspection | null } | { error: string } | null;

export function ModelView({ run, nodeId }: { run: RunRecord; nodeId: string | null }) {
  const api = useApi();
  const rows = useMemo(() => modelRows(run), [run]);
  const [picked, setPicked] = useState<string | null>(null);
  // The node selected in the Nodes tab wins when it outputs a model; otherwise the picker.
  const fromTab = rows.find((r) => r.nodeId === nodeId);
  const row = fromTab ?? rows.find((r) => r.key === picked) ?? rows[0];
  const [loaded, setLoaded] = useState<Loaded>(null);
  const [hovered, setHovered] = useState<GraphNode | null>(null);
  const [scale, setScale] = useState(1);
  useEffect(() => {
    if (!row) return;
    let live = true;
    setLoaded(null);
    setHovered(null);
    const ref = { runId: run.id, nodeId: row.nodeId, port: row.port };
    api.call('models.graph', ref).then(async (graph) => {
      const stats = await api.call('models.inspect', ref).catch(() => null);
      if (live) setLoaded({ graph, stats });
    }, (err: unknown) => { if (live) setLoaded({ error: err instanceof Error ? err.message : String(err) }); });
    return () => { live = false; };
    // `row` is re-derived every render; its identity is its node and port.
  }, [api, run.id, row?.nodeId, row?.port]);
  if (!row) return <p className="wh-muted" data-testid="model-view-empty">This run produced no models to draw.</p>;
  const layers = loaded && 'graph' in loaded && loaded.stats ? new Map(loaded.stats.layers.map((l) => [l.name, l])) : undefined;
  return (
    <div className="wh-modelview" data-testid="model-view">
      <header className="wh-modelview__bar">
        <label>Model{' '}
          <select value={row.key} onChange={(e) => setPicked(e.target.value)} disabled={fromTab !== undefined} data-testid="model-view-picker">
            {rows.map((r) => <option key={r.key} value={r.key}>{r.label} ({r.nodeId})</option>)}
          </select>
        </label>
        {fromTab && <span className="wh-muted">selected in the Nodes tab</span>}
        <label>Zoom <input type="range" min={0.3} max={1.5} step={0.1} value={scale} onChange={(e) => setScale(Number(e.target.value))} /></label>
        {loaded && 'graph' in loaded && <span className="wh-muted">{loaded.graph.nodes.length} nodes · {loaded.graph.edges.length} edges{loaded.graph.truncated ? ' · cut to the first operators' : ''}</span>}
      </header>
      {!loaded && <p className="wh-muted">Reading the model…</p>}
      {loaded && 'error' in loaded && <p className="wh-error">{loaded.error}</p>}
      {loaded && 'graph' in loaded && (
        <div className="wh-modelview__body">
          <div className="wh-modelview__canvas">
            <GraphSvg graph={loaded.graph} scale={scale} hovered={hovered?.id ?? null} onHover={(n) => { if (n) setHovered(n); }} />
          </div>
          <aside className="wh-modelview__side">
            <NodeDetails node={hovered} layer={hovered ? layers?.get(hovered.name) : undefined} graph={loaded.graph} />
          </aside>
        </div>
      )}
    </div>
  );
}
