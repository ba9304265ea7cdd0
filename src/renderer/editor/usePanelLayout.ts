// Which side panels are open, remembered across launches, with their keyboard toggles
// (VS Code's: Ctrl+B the left one, Ctrl+Alt+B the right one; listed in shortcuts.ts).
import { useEffect } from 'react';
import { useRememberedFlag } from './rememberedFlag.ts';

export const PALETTE_SHORTCUT = 'Ctrl+B';
export const INSPECTOR_SHORTCUT = 'Ctrl+Alt+B';

export interface PanelLayout {
  palette: boolean;
  inspector: boolean;
  togglePalette(): void;
  toggleInspector(): void;
}

const open = () => true;

export function usePanelLayout(active: boolean): PanelLayout {
  const [palette, setPalette] = useRememberedFlag('whittle.editor.palette', open);
  const [inspector, setInspector] = useRememberedFlag('whittle.editor.inspector', open);
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.code !== 'KeyB' || document.querySelector('.wh-modal')) return;
      e.preventDefault();
      if (e.altKey) setInspector((v) => !v);
      else setPalette((v) => !v);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, setPalette, setInspector]);
  return {
    palette,
    inspector,
    togglePalette: () => setPalette((v) => !v),
    toggleInspector: () => setInspector((v) => !v),
  };
}
