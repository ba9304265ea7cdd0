// A context menu (WAI-ARIA menu): focus moves to the first item, arrows / Home / End move
// between items, Enter or Space picks one, Escape or a click outside closes it.
import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useDismiss } from './useDismiss.ts';

export interface MenuItem {
  id: string;
  label: string;
  /** The key that does the same from the canvas, shown at the right. */
  shortcut?: string;
  disabled?: boolean;
  danger?: boolean;
  run(): void;
}

interface Props {
  screen: { x: number; y: number };
  label: string;
  items: MenuItem[];
  onClose(): void;
}

const ITEM_PX = 30;

export function ContextMenu({ screen, label, items, onClose }: Props) {
  const menu = useRef<HTMLDivElement>(null);
  useDismiss(menu, onClose);
  useEffect(() => {
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]:not([disabled])')?.focus();
  }, []);

  const onKeyDown = (e: React.KeyboardEvent) => {
    // Keys belong to the menu while it is open (Delete must not delete the selection).
    e.stopPropagation();
    const buttons = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not([disabled])') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const focus = (i: number) => buttons[(i + buttons.length) % buttons.length]?.focus();
    if (e.key === 'ArrowDown') focus(at + 1);
    else if (e.key === 'ArrowUp') focus(at - 1);
    else if (e.key === 'Home') focus(0);
    else if (e.key === 'End') focus(buttons.length - 1);
    else if (e.key === 'Tab') onClose();
    else return;
    e.preventDefault();
  };

  const left = Math.min(screen.x, window.innerWidth - 240);
  const top = Math.min(screen.y, window.innerHeight - items.length * ITEM_PX - 16);
  // On the page's body: the canvas is a stacking context under the side panels (shell.css).
  return createPortal(
    <div ref={menu} className="wh-context-menu" style={{ left, top }} role="menu" aria-label={label} onKeyDown={onKeyDown} data-testid="context-menu" onContextMenu={(e) => e.preventDefault()}>
      {items.map((item) => (
        <button
          key={item.id}
          type="button"
          role="menuitem"
          className={`wh-context-menu__item${item.danger ? ' wh-context-menu__item--danger' : ''}`}
          disabled={item.disabled}
          onClick={() => { onClose(); item.run(); }}
          data-testid={`menu-${item.id}`}
        >
          <span>{item.label}</span>
          {item.shortcut && <span className="wh-context-menu__key">{item.shortcut}</span>}
        </button>
      ))}
    </div>,
    document.body,
  );
}
