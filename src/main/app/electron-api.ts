// The slice of Electron's main-process API the app uses, typed here and loaded with
// require: `electron` is an optional dependency (its binary cannot install everywhere),
// so its type package may be absent where the rest of Whittle builds and type-checks.
import { createRequire } from 'node:module';

export interface WebContents {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: { preventDefault(): void }, ...args: unknown[]) => void): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
  isDestroyed(): boolean;
  openDevTools?(): void;
}

export interface BrowserWindow {
  webContents: WebContents;
  loadURL(url: string): Promise<void>;
  loadFile(path: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): void;
  on(event: 'closed', listener: () => void): void;
  show(): void;
  isDestroyed(): boolean;
}

export interface BrowserWindowOptions {
  width: number;
  height: number;
  minWidth?: number;
  minHeight?: number;
  show?: boolean;
  title?: string;
  backgroundColor?: string;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    nodeIntegrationInWorker?: boolean;
    webSecurity: boolean;
    allowRunningInsecureContent?: boolean;
    webviewTag?: boolean;
    spellcheck?: boolean;
  };
}

export interface IpcMainInvokeEvent {
  sender: WebContents;
  senderFrame: { url: string } | null;
}

export interface MenuItemOptions {
  label?: string;
  role?: string;
  accelerator?: string;
  type?: 'separator' | 'normal' | 'submenu';
  submenu?: MenuItemOptions[];
  click?: () => void;
}

export interface UtilityProcess {
  pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  stderr: NodeJS.ReadableStream | null;
  kill(): boolean;
}

export interface Session {
  setPermissionRequestHandler(handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  webRequest: {
    onHeadersReceived(listener: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void): void;
  };
}

export interface ElectronMain {
  app: {
    isPackaged: boolean;
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'activate', listener: () => void): void;
    on(event: 'web-contents-created', listener: (event: unknown, contents: WebContents) => void): void;
    quit(): void;
    getPath(name: 'userData' | 'home' | 'documents'): string;
    requestSingleInstanceLock(): boolean;
  };
  BrowserWindow: (new (options: BrowserWindowOptions) => BrowserWindow) & { getAllWindows(): BrowserWindow[]; getFocusedWindow(): BrowserWindow | null };
  ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  };
  dialog: {
    showOpenDialog(win: BrowserWindow | undefined, options: { properties: string[]; filters?: { name: string; extensions: string[] }[]; defaultPath?: string }): Promise<{ canceled: boolean; filePaths: string[] }>;
    showSaveDialog(win: BrowserWindow | undefined, options: { filters?: { name: string; extensions: string[] }[]; defaultPath?: string }): Promise<{ canceled: boolean; filePath?: string }>;
  };
  Menu: {
    buildFromTemplate(template: MenuItemOptions[]): unknown;
    setApplicationMenu(menu: unknown): void;
  };
  session: { defaultSession: Session };
  utilityProcess: {
    fork(modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'pipe' | 'inherit' | 'ignore' }): UtilityProcess;
  };
  protocol: {
    registerSchemesAsPrivileged(schemes: { scheme: string; privileges: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean } }[]): void;
    handle(scheme: string, handler: (request: { url: string }) => Promise<Response>): void;
  };
  /** The OS keychain's encryption (device passwords and key passphrases; see store/secrets.ts). */
  safeStorage: {
    isEncryptionAvailable(): boolean;
    /** Linux: which keyring backs it ('basic_text' is none; see store/secrets.ts). */
    getSelectedStorageBackend?(): string;
    encryptString(plainText: string): Buffer;
    decryptString(encrypted: Buffer): string;
  };
}

export function loadElectron(): ElectronMain {
  return createRequire(import.meta.url)('electron') as ElectronMain;
}
