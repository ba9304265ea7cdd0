// Native open/save dialogs behind the API's Dialogs interface.
import type { Dialogs } from '../api/context.ts';
import type { ElectronMain } from './electron-api.ts';

const PIPELINE_FILTER = [{ name: 'Whittle pipeline', extensions: ['json'] }];

export function electronDialogs(electron: ElectronMain): Dialogs {
  const { dialog, BrowserWindow } = electron;
  const parent = () => BrowserWindow.getFocusedWindow() ?? undefined;
  return {
    async openPipeline() {
      const r = await dialog.showOpenDialog(parent(), { properties: ['openFile'], filters: PIPELINE_FILTER });
      return r.canceled ? null : r.filePaths[0] ?? null;
    },
    async savePipeline(defaultPath) {
      const r = await dialog.showSaveDialog(parent(), { filters: PIPELINE_FILTER, ...(defaultPath ? { defaultPath } : {}) });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async pick(mode, extensions, defaultPath) {
      const filters = extensions?.length ? [{ name: extensions.join(', '), extensions }] : undefined;
      if (mode === 'save-file') {
        const r = await dialog.showSaveDialog(parent(), { ...(filters ? { filters } : {}), ...(defaultPath ? { defaultPath } : {}) });
        return r.canceled || !r.filePath ? null : r.filePath;
      }
      const r = await dialog.showOpenDialog(parent(), { properties: [mode === 'open-folder' ? 'openDirectory' : 'openFile'], ...(filters ? { filters } : {}), ...(defaultPath ? { defaultPath } : {}) });
      return r.canceled ? null : r.filePaths[0] ?? null;
    },
  };
}
