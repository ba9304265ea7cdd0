// Global keys of the editor (see shortcuts.ts). Keys typed into a field belong to it.
import { useEffect } from 'react';
import { useReactFlow } from '@xyflow/react';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { obstaclesOf } from './canvasPlacement.ts';
import { useAutoLayout } from './useAutoLayout.ts';
import { copySelectionToClipboard, cutSelection, deleteSelection, duplicateSelection, pasteClipboard, selectAll } from './editCommands.ts';

export interface ShortcutHandlers {
  save(): void;
  saveAs(): void;
  open(): void;
  run(): void;
  toggleHelp(): void;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

export function useEditorShortcuts(enabled: boolean, handlers: ShortcutHandlers) {
  const store = usePipelineStoreApi();
  const flow = useReactFlow();
  const autoLayout = useAutoLayout();
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || document.querySelector('.wh-modal')) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const s = store.getState();
      let handled = true;
      if (mod && key === 'z' && !e.shiftKey) s.undo();
      else if (mod && ((key === 'z' && e.shiftKey) || key === 'y')) s.redo();
      else if (mod && key === 'c') copySelectionToClipboard(store);
      else if (mod && key === 'x') cutSelection(store);
      else if (mod && key === 'v') pasteClipboard(store, obstaclesOf(flow.getNodes()));
      else if (mod && key === 'd') duplicateSelection(store, obstaclesOf(flow.getNodes()));
      else if (mod && e.shiftKey && key === 'l') void autoLayout();
      else if (mod && key === 'a') selectAll(store);
      else if (mod && key === 's') (e.shiftKey ? handlers.saveAs : handlers.save)();
      else if (mod && key === 'o') handlers.open();
      else if (mod && key === 'enter') handlers.run();
      else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) deleteSelection(store);
      else if (!mod && e.key === 'Escape') s.select([], []);
      else if (!mod && e.key === '?') handlers.toggleHelp();
      else handled = false;
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, store, handlers, flow, autoLayout]);
}
