// The Electron entry: security defaults, the API with native dialogs and the engine in
// a utilityProcess, the IPC door, the menu, and one window that opens the bundled example.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApiService } from '../api/service.ts';
import { STARTUP_EXAMPLE, defaultResourcesDir } from '../api/version.ts';
import { configureDeviceKeychain } from '../api/calls/devices.ts';
import { electronDialogs } from './dialogs.ts';
import { loadElectron, type BrowserWindow } from './electron-api.ts';
import { utilitySpawner } from './engine-process.ts';
import { registerIpc } from './ipc.ts';
import { buildMenu } from './menu.ts';
import { APP_ENTRY_URL, isAppUrl, registerAppScheme, serveRenderer } from './protocol.ts';
import { applySecurity } from './security.ts';

const electron = loadElectron();
const { app, BrowserWindow: Window } = electron;

// Built layout: out/main/index.js, out/main/engine.js, out/preload/index.js, out/renderer/.
const mainDir = import.meta.dirname;
const rendererDir = resolve(mainDir, '..', 'renderer');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

/** Only our own page may call the API: the dev server's origin, or the app://whittle origin. */
function isTrustedUrl(url: string): boolean {
  if (devServerUrl && !app.isPackaged) return url.startsWith(new URL(devServerUrl).origin + '/');
  return isAppUrl(url);
}

/** electron-vite names the CJS preload index.cjs or index.js depending on its version. */
function preloadPath(): string {
  const candidates = ['index.cjs', 'index.js', 'index.mjs'].map((n) => join(mainDir, '..', 'preload', n));
  return candidates.find((p) => existsSync(p)) ?? candidates[1];
}

function createWindow(): BrowserWindow {
  const win = new Window({
    width: 1440, height: 900, minWidth: 900, minHeight: 600, show: false, title: 'Whittle', backgroundColor: '#101418',
    webPreferences: {
      preload: preloadPath(),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  if (devServerUrl && !app.isPackaged) void win.loadURL(devServerUrl);
  else void win.loadURL(APP_ENTRY_URL);
  return win;
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerAppScheme(electron);
  await app.whenReady();
  applySecurity(electron);
  serveRenderer(electron, rendererDir);
  const resourcesDir = app.isPackaged ? join((process as NodeJS.Process & { resourcesPath: string }).resourcesPath, 'resources') : defaultResourcesDir();
  const api = createApiService({
    door: 'electron',
    resourcesDir,
    dialogs: electronDialogs(electron),
    workspace: null,
    // The user's home, plus whatever they pick in a native dialog this session (DESIGN.md §8).
    fileScope: [homedir()],
    widenHint: 'Choose the file with the Open dialog: a file you pick there may be used this session.',
    startupDocument: join(resourcesDir, 'examples', `${STARTUP_EXAMPLE}.json`),
    spawner: utilitySpawner(electron, join(mainDir, 'engine.js')),
    warmSpare: true,
  });
  // Board passwords and key passphrases are kept by the OS keychain (safeStorage).
  configureDeviceKeychain(api.ctx, electron.safeStorage);
  registerIpc(electron, api, isTrustedUrl);
  buildMenu(electron, (command) => api.ctx.emit('app.menu', { command }));
  createWindow();
  app.on('activate', () => {
    if (Window.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') {
      api.dispose();
      app.quit();
    }
  });
}

void main();
