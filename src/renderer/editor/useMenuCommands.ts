// The desktop app's menu arrives as `app.menu` events (Electron only); each command does
// what its toolbar button or shortcut does. Inside a text field, edit commands go to it.
import { useEffect } from 'react';
import type { EventPayload } from '../../shared/api/contract.ts';
import { useApi } from '../api/useApi.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { deleteSelection, duplicateSelection, selectAll } from './editCommands.ts';

type MenuCommand = EventPayload<'app.menu'>['command'];

export interface MenuHandlers {
  newDocument(): void;
  open(): void;
  save(): void;
  saveAs(): void;
  importFile(): void;
  exportJson(): void;
  run(): void;
  cancel(): void;
  examples(): void;
  showRuns(): void;
}

function inTextField(): boolean {
  const el = document.activeElement as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA'].includes(el.tagName));
}

export function useMenuCommands(handlers: MenuHandlers) {
  const api = useApi();
  const store = usePipelineStoreApi();
  useEffect(() => api.on('app.menu', ({ command }: { command: MenuCommand }) => {
    const s = store.getState();
    const typing = inTextField();
    switch (command) {
      case 'new': return handlers.newDocument();
      case 'open': return handlers.open();
      case 'save': return handlers.save();
      case 'saveAs': return handlers.saveAs();
      case 'import': return handlers.importFile();
      case 'export': return handlers.exportJson();
      case 'undo': return typing ? void document.execCommand('undo') : s.undo();
      case 'redo': return typing ? void document.execCommand('redo') : s.redo();
      case 'duplicate': return typing ? undefined : duplicateSelection(store);
      case 'delete': return typing ? void document.execCommand('delete') : deleteSelection(store);
      case 'selectAll': return typing ? void document.execCommand('selectAll') : selectAll(store);
      case 'run': return handlers.run();
      case 'cancel': return handlers.cancel();
      case 'examples': return handlers.examples();
      case 'runs': return handlers.showRuns();
    }
  }), [api, store, handlers]);
}
