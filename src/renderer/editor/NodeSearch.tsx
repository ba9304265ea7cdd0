// The quick-add box (ComfyUI's double-click search): type to filter the catalog, ranked
// title first; arrows pick, Enter adds the node where the canvas was double-clicked,
// Escape or a click outside closes it.
import { useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { rankKinds } from '../../shared/editor/paletteSearch.ts';
import { usePipelineStore } from '../store/usePipelineStore.ts';
import { selectCatalog } from '../store/selectors.ts';
import { useDismiss } from './useDismiss.ts';

const MAX_RESULTS = 12;

interface Props {
  /** Where the box opens, in window pixels. */
  screen: { x: number; y: number };
  onPick(kind: string): void;
  onClose(): void;
}

export function NodeSearch({ screen, onPick, onClose }: Props) {
  const catalog = usePipelineStore(selectCatalog);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const results = useMemo(() => rankKinds(catalog, query).slice(0, MAX_RESULTS), [catalog, query]);
  useDismiss(box, onClose);
  useEffect(() => setActive(0), [query]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((i) => Math.min(i + 1, results.length - 1));
    else if (e.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
    else if (e.key === 'Enter' && results[active]) onPick(results[active].kind);
    else if (e.key === 'Escape') onClose();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const left = Math.min(screen.x, window.innerWidth - 340);
  const top = Math.min(screen.y, window.innerHeight - 380);
  // On the page's body: the canvas is a stacking context under the side panels (shell.css).
  return createPortal(
    <div ref={box} className="wh-node-search" style={{ left, top }} data-testid="node-search" role="dialog" aria-label="Add a node">
      <input
        className="wh-input"
        autoFocus
        placeholder="Search nodes to add…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
        role="combobox"
        aria-expanded
        aria-controls="wh-node-search-list"
        aria-activedescendant={results[active] ? `wh-node-search-${results[active].kind}` : undefined}
        data-testid="node-search-input"
      />
      <ul className="wh-node-search__list" id="wh-node-search-list" role="listbox">
        {results.map((k, i) => (
          <li
            key={k.kind}
            id={`wh-node-search-${k.kind}`}
            role="option"
            aria-selected={i === active}
            className={`wh-node-search__item${i === active ? ' wh-node-search__item--active' : ''}`}
            onMouseEnter={() => setActive(i)}
            onMouseDown={(e) => { e.preventDefault(); onPick(k.kind); }}
            data-testid={`node-search-item-${k.kind}`}
          >
            <span className={`wh-dot wh-cat--${k.category}`} title={k.category} />
            <span className="wh-node-search__title">{k.title}</span>
            <span className="wh-node-search__desc">{k.description}</span>
          </li>
        ))}
        {results.length === 0 && <li className="wh-muted wh-node-search__none">No node matches “{query}”.</li>}
      </ul>
    </div>,
    document.body,
  );
}
