// One model's graph with Netron's tools: a layered layout (ELK, in a worker), search by
// node name or op type that jumps to each match, a properties panel for the selected node,
// zoom, and folding of int8 QDQ groups into single nodes.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LayerStats, ModelGraph, ModelInspection } from '../../../shared/api/models.ts';
import { displayGraph, hasQdq, searchNodes } from './displayGraph.ts';
import { GraphSvg } from './GraphSvg.tsx';
import { NodeProperties } from './NodeProperties.tsx';
import { useGraphLayout } from './useGraphLayout.ts';
import './model-view.css';

interface Props { graph: ModelGraph; stats: ModelInspection | null; toolbar?: React.ReactNode }

export function ModelGraphView({ graph, stats, toolbar }: Props) {
  const qdq = useMemo(() => hasQdq(graph), [graph]);
  const [fuse, setFuse] = useState(false);
  const display = useMemo(() => displayGraph(graph, fuse && qdq), [graph, fuse, qdq]);
  const laid = useGraphLayout(display);
  const [selected, setSelected] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [matchIndex, setMatchIndex] = useState(-1);
  const [scale, setScale] = useState(1);
  const canvas = useRef<HTMLDivElement>(null);
  const matches = useMemo(() => searchNodes(display, query), [display, query]);
  const matchIds = useMemo(() => new Set(matches.map((n) => n.id)), [matches]);
  const layers = useMemo(() => (stats ? new Map<string, LayerStats>(stats.layers.map((l) => [l.name, l])) : undefined), [stats]);
  const layout = laid && 'layout' in laid ? laid.layout : null;

  useEffect(() => { setMatchIndex(-1); }, [query, display]);
  // A fused id stands for its operator: keep the selection across the toggle.
  useEffect(() => {
    setSelected((id) => {
      if (!id || display.nodes.some((n) => n.id === id)) return id;
      const plain = id.replace(/^fused:/, '');
      return display.nodes.find((n) => n.members.some((m) => m.id === plain))?.id ?? null;
    });
  }, [display]);

  const reveal = (id: string) => {
    const box = layout?.boxes.get(id);
    const el = canvas.current;
    if (!box || !el) return;
    el.scrollTo({ left: (box.x + box.width / 2) * scale - el.clientWidth / 2, top: (box.y + box.height / 2) * scale - el.clientHeight / 2 });
  };
  const jump = (step: 1 | -1) => {
    if (!matches.length) return;
    const next = (matchIndex + step + matches.length) % matches.length;
    setMatchIndex(next);
    setSelected(matches[next].id);
    reveal(matches[next].id);
  };
  const fit = () => {
    const el = canvas.current;
    if (!layout || !el) return;
    setScale(Math.max(0.2, Math.min(1.5, (el.clientWidth - 16) / layout.width, (el.clientHeight - 16) / layout.height)));
  };
  const selectedNode = display.nodes.find((n) => n.id === selected) ?? null;
  // A new layout starts at the graph's first node, centred across (wide graphs sit far right otherwise).
  useEffect(() => {
    const first = layout && display.nodes[0] ? layout.boxes.get(display.nodes[0].id) : undefined;
    const el = canvas.current;
    if (first && el) el.scrollTo({ left: (first.x + first.width / 2) * scale - el.clientWidth / 2, top: 0 });
    // Only when a layout arrives, not on every zoom step.
  }, [layout]);

  return (
    <div className="wh-modelview" data-testid="model-view">
      <header className="wh-modelview__bar">
        {toolbar}
        <span className="wh-modelview__search">
          <input
            className="wh-input" type="search" placeholder="Find node or op (Enter: next)" value={query} aria-label="Find a node by name or op type"
            onChange={(e) => setQuery(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); jump(e.shiftKey ? -1 : 1); } }}
            data-testid="model-search"
          />
          {query.trim() && <span className="wh-muted" data-testid="model-search-count">{matches.length ? `${matchIndex + 1 > 0 ? `${matchIndex + 1} of ` : ''}${matches.length} found` : 'none found'}</span>}
          <button type="button" className="wh-btn wh-btn--small" disabled={!matches.length} onClick={() => jump(-1)} aria-label="Previous match">↑</button>
          <button type="button" className="wh-btn wh-btn--small" disabled={!matches.length} onClick={() => jump(1)} aria-label="Next match" data-testid="model-search-next">↓</button>
        </span>
        {qdq && (
          <label title="Draw each DequantizeLinear → op → QuantizeLinear group as one node">
            <input type="checkbox" checked={fuse} onChange={(e) => setFuse(e.target.checked)} data-testid="model-fuse" /> Fuse int8 groups
            {fuse && display.fusedGroups > 0 && <span className="wh-muted"> ({display.fusedGroups})</span>}
          </label>
        )}
        <label>Zoom <input type="range" min={0.2} max={1.5} step={0.05} value={scale} onChange={(e) => setScale(Number(e.target.value))} aria-label="Zoom" /></label>
        <button type="button" className="wh-btn wh-btn--small" onClick={fit} disabled={!layout}>Fit</button>
        <span className="wh-muted" data-testid="model-graph-count">
          {graph.nodes.length} nodes · {graph.edges.length} edges{graph.truncated ? ' · cut to the first operators' : ''}
          {laid && 'ms' in laid ? ` · laid out in ${Math.round(laid.ms)} ms` : ''}
        </span>
      </header>
      <div className="wh-modelview__body">
        <div className="wh-modelview__canvas" ref={canvas}>
          {!laid && <p className="wh-muted" data-testid="model-layout-pending">Laying out {display.nodes.length} nodes…</p>}
          {laid && 'error' in laid && <p className="wh-error">{laid.error}</p>}
          {layout && <GraphSvg display={display} layout={layout} scale={scale} selected={selected} matches={matchIds} onSelect={setSelected} />}
        </div>
        <aside className="wh-modelview__side" aria-label="Node properties">
          <NodeProperties node={selectedNode} display={display} layers={layers} />
        </aside>
      </div>
    </div>
  );
}
