// The preload: exposes exactly one object, `window.whittle`, an ApiTransport over two IPC
// channels, plus `pathForFile` for a file dropped on the window (the sandboxed page sees a
// File without its path). It forwards call names and raw requests; the main side checks the
// sender and parses every request with the contract's schema. Built as CJS for the sandbox;
// it imports nothing at run time but 'electron' (types only from src/shared).
import type { ApiTransport, Envelope } from '../shared/api/client.ts';
import type { CallName, EventName } from '../shared/api/contract.ts';

interface IpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
}
interface ContextBridge {
  exposeInMainWorld(key: string, api: unknown): void;
}
interface WebUtils {
  /** '' for a File that is not on disk (made by the page, or dragged from a browser). */
  getPathForFile(file: unknown): string;
}

// `electron` is optional and may lack types here; the sandboxed preload can require it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CJS sandbox preload, see above
const { contextBridge, ipcRenderer, webUtils } = require('electron') as { contextBridge: ContextBridge; ipcRenderer: IpcRenderer; webUtils: WebUtils };

const INVOKE_CHANNEL = 'whittle:invoke';
const EVENT_CHANNEL = 'whittle:event';

const bridge: ApiTransport & { door: 'electron'; pathForFile(file: unknown): string } = {
  door: 'electron',
  // The path goes to the page, not to main: every call that then reads it passes main's
  // file guard like any typed path (DESIGN.md §8).
  pathForFile: (file: unknown) => webUtils.getPathForFile(file),
  invoke(name: string, request: unknown): Promise<Envelope> {
    return ipcRenderer.invoke(INVOKE_CHANNEL, name as CallName, request) as Promise<Envelope>;
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    const wanted = event as EventName;
    // The IPC event object (with its sender) never reaches the page.
    const handler = (_e: unknown, name: unknown, payload: unknown) => {
      if (name === wanted) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('whittle', bridge);
