// The node palette: every kind of the catalog by category; a search lists matches ranked
// (title first, then id and category, then description). Drag an entry onto the canvas,
// or press Enter / double-click to add it at the free spot nearest the middle of the view.
import { useMemo, useState, type DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { NODE_CATEGORIES, type NodeKindSpec } from '../../shared/catalog/types.ts';
import { freshNodeId } from '../../shared/editor/ids.ts';
import { rankKinds } from '../../shared/editor/paletteSearch.ts';
import { freePosition, type Rect } from '../../shared/editor/placement.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectCatalog } from '../store/selectors.ts';
import { PALETTE_DRAG_TYPE } from './useCanvasHandlers.ts';

/** Size of a node not yet measured: 220 px wide (canvas.css), header + port rows + face. */
function estimatedSize(spec: NodeKindSpec | undefined): { width: number; height: number } {
  const rows = spec ? Math.max(spec.inputs.length, spec.outputs.length, 1) : 1;
  const faceLines = spec?.face?.params.length ?? 0;
  return { width: 220, height: 48 + rows * 22 + faceLines * 17 + 16 };
}

function PaletteItem({ spec, onAdd, showCategory }: { spec: NodeKindSpec; onAdd(kind: string): void; showCategory: boolean }) {
  const onDragStart = (e: DragEvent) => {
    e.dataTransfer.setData(PALETTE_DRAG_TYPE, spec.kind);
    e.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <div
      className="wh-palette__item"
      draggable
      tabIndex={0}
      role="button"
      onDragStart={onDragStart}
      onDoubleClick={() => onAdd(spec.kind)}
      onKeyDown={(e) => { if (e.key === 'Enter') onAdd(spec.kind); }}
      title={`${spec.description}\n\nDrag onto the canvas (or press Enter) to add.`}
      data-testid={`palette-item-${spec.kind}`}
    >
      <span className="wh-palette__title">
        {showCategory && <span className={`wh-dot wh-cat--${spec.category}`} title={spec.category} />}
        {spec.title}
      </span>
      <span className="wh-palette__kind">{spec.kind}</span>
    </div>
  );
}

export function Palette() {
  const catalog = usePipelineStore(selectCatalog);
  const store = usePipelineStoreApi();
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const searching = query.trim() !== '';
  const ranked = useMemo(() => (searching ? rankKinds(catalog, query) : []), [catalog, query, searching]);
  const groups = useMemo(
    () => NODE_CATEGORIES.map((cat) => ({ cat, kinds: catalog.filter((k) => k.category === cat) })).filter((g) => g.kinds.length > 0),
    [catalog],
  );

  const addAtCenter = (kind: string) => {
    const s = store.getState();
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    const center = canvas ? flow.screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 }) : { x: 0, y: 0 };
    const taken: Rect[] = flow.getNodes().map((n) => ({
      x: n.position.x, y: n.position.y, width: n.measured?.width ?? 220, height: n.measured?.height ?? 150,
    }));
    const size = estimatedSize(s.kinds.get(kind));
    const position = freePosition({ x: Math.round(center.x - size.width / 2), y: Math.round(center.y - size.height / 2) }, size, taken);
    const id = freshNodeId(kind, new Set(s.history.present.nodes.map((n) => n.id)));
    s.commit([{ type: 'addNode', node: { id, kind, params: {}, position } }], [id]);
  };

  return (
    <aside className="wh-palette" data-testid="palette" aria-label="Node palette">
      <input
        className="wh-input wh-palette__search"
        type="search"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Enter' && ranked[0]) addAtCenter(ranked[0].kind); }}
        data-testid="palette-search"
        aria-label="Search nodes"
      />
      {catalog.length === 0 && <p className="wh-muted">Loading node kinds…</p>}
      {searching && catalog.length > 0 && ranked.length === 0 && <p className="wh-muted">No node matches “{query}”.</p>}
      {searching && ranked.length > 0 && (
        <section className="wh-palette__group" data-testid="palette-results">
          <h3 className="wh-palette__category">Best matches · Enter adds the first</h3>
          {ranked.map((k) => <PaletteItem key={k.kind} spec={k} onAdd={addAtCenter} showCategory />)}
        </section>
      )}
      {!searching && groups.map((g) => (
        <section key={g.cat} className="wh-palette__group">
          <h3 className="wh-palette__category">
            <span className={`wh-dot wh-cat--${g.cat}`} />
            {g.cat}
          </h3>
          {g.kinds.map((k) => <PaletteItem key={k.kind} spec={k} onAdd={addAtCenter} showCategory={false} />)}
        </section>
      ))}
    </aside>
  );
}
