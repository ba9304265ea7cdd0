// The node palette: every kind of the catalog by category, with search. Drag an entry
// onto the canvas, or press Enter / double-click to drop it in the middle of the view.
import { useMemo, useState, type DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { NODE_CATEGORIES, type NodeKindSpec } from '../../shared/catalog/types.ts';
import { freshNodeId } from '../../shared/editor/ids.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectCatalog } from '../store/selectors.ts';
import { PALETTE_DRAG_TYPE } from './useCanvasHandlers.ts';

function matches(spec: NodeKindSpec, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [spec.title, spec.kind, spec.description, spec.category].some((s) => s.toLowerCase().includes(q));
}

export function Palette() {
  const catalog = usePipelineStore(selectCatalog);
  const store = usePipelineStoreApi();
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const groups = useMemo(
    () => NODE_CATEGORIES.map((cat) => ({ cat, kinds: catalog.filter((k) => k.category === cat && matches(k, query)) })).filter((g) => g.kinds.length > 0),
    [catalog, query],
  );

  const onDragStart = (e: DragEvent, kind: string) => {
    e.dataTransfer.setData(PALETTE_DRAG_TYPE, kind);
    e.dataTransfer.effectAllowed = 'copy';
  };

  const addAtCenter = (kind: string) => {
    const s = store.getState();
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const center = canvas ? flow.screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 }) : { x: 0, y: 0 };
    const id = freshNodeId(kind, new Set(s.history.present.nodes.map((n) => n.id)));
    s.commit([{ type: 'addNode', node: { id, kind, params: {}, position: { x: Math.round(center.x), y: Math.round(center.y) } } }], [id]);
  };

  return (
    <aside className="wh-palette" data-testid="palette" aria-label="Node palette">
      <input
        className="wh-input wh-palette__search"
        type="search"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
        aria-label="Search nodes"
      />
      {catalog.length === 0 && <p className="wh-muted">Loading node kinds…</p>}
      {catalog.length > 0 && groups.length === 0 && <p className="wh-muted">No node matches “{query}”.</p>}
      {groups.map((g) => (
        <section key={g.cat} className="wh-palette__group">
          <h3 className="wh-palette__category">
            <span className={`wh-dot wh-cat--${g.cat}`} />
            {g.cat}
          </h3>
          {g.kinds.map((k) => (
            <div
              key={k.kind}
              className="wh-palette__item"
              draggable
              tabIndex={0}
              role="button"
              onDragStart={(e) => onDragStart(e, k.kind)}
              onDoubleClick={() => addAtCenter(k.kind)}
              onKeyDown={(e) => { if (e.key === 'Enter') addAtCenter(k.kind); }}
              title={`${k.description}\n\nDrag onto the canvas (or press Enter) to add.`}
              data-testid={`palette-item-${k.kind}`}
            >
              <span className="wh-palette__title">{k.title}</span>
              <span className="wh-palette__kind">{k.kind}</span>
            </div>
          ))}
        </section>
      ))}
    </aside>
  );
}
