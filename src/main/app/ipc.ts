// The Electron door: ONE ipcMain handler for every contract call. It checks that the
// sender is our own page (the frame's URL), then hands the raw request to the API's
// dispatch, which parses it with the call's schema. Events go to every window.
import { EVENT_NAMES } from '../../shared/api/contract.ts';
import type { ApiService } from '../api/service.ts';
import type { ElectronMain } from './electron-api.ts';

export const INVOKE_CHANNEL = 'whittle:invoke';
export const EVENT_CHANNEL = 'whittle:event';

export function registerIpc(electron: ElectronMain, api: ApiService, isTrustedUrl: (url: string) => boolean): void {
  electron.ipcMain.handle(INVOKE_CHANNEL, async (event, name, request) => {
    const url = event.senderFrame?.url ?? '';
    if (!isTrustedUrl(url)) {
      return { ok: false, error: { code: 'api.untrusted-sender', message: 'This page may not use the Whittle API.', hint: 'Only the Whittle window can call it.' } };
    }
    return api.dispatch(String(name), request);
  });
  for (const name of EVENT_NAMES) {
    api.on(name, (payload) => {
      for (const win of electron.BrowserWindow.getAllWindows()) {
        if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(EVENT_CHANNEL, name, payload);
      }
    });
  }
}
