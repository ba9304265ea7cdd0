// The Electron door's one IPC handler, driven with an in-memory ipcMain (Electron itself
// is optional and absent here): untrusted senders are refused, requests reach the real
// API, events go to every window.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiService } from '../../src/main/api/service.ts';
import { EVENT_CHANNEL, INVOKE_CHANNEL, registerIpc } from '../../src/main/app/ipc.ts';
import type { ElectronMain, IpcMainInvokeEvent } from '../../src/main/app/electron-api.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-ipc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Electron IPC door', () => {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
  const sent: unknown[][] = [];
  const contents = { id: 1, send: (...args: unknown[]) => sent.push(args), isDestroyed: () => false };
  const electron = {
    ipcMain: { handle: (channel: string, fn: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>) => handlers.set(channel, fn) },
    BrowserWindow: { getAllWindows: () => [{ isDestroyed: () => false, webContents: contents }] },
  } as unknown as ElectronMain;
  const api = createApiService({ door: 'electron', home: join(dir, 'home') });
  registerIpc(electron, api, (url) => url.startsWith('file:///app/renderer/'));
  const invoke = (url: string | null, name: string, request: unknown) =>
    handlers.get(INVOKE_CHANNEL)!({ sender: contents, senderFrame: url === null ? null : { url } } as unknown as IpcMainInvokeEvent, name, request);

  it('refuses callers that are not our page', async () => {
    expect(await invoke('https://evil.example/', 'catalog.list', {})).toMatchObject({ ok: false, error: { code: 'api.untrusted-sender' } });
    expect(await invoke(null, 'catalog.list', {})).toMatchObject({ ok: false, error: { code: 'api.untrusted-sender' } });
  });

  it('hands our page\'s requests to the API, parsed by the contract', async () => {
    expect(await invoke('file:///app/renderer/index.html', 'catalog.list', {})).toMatchObject({ ok: true });
    expect(await invoke('file:///app/renderer/index.html', 'runs.get', {})).toMatchObject({ ok: false, error: { code: 'api.bad-request' } });
  });

  it('sends events to every window', () => {
    api.ctx.emit('app.menu', { command: 'save' });
    expect(sent).toContainEqual([EVENT_CHANNEL, 'app.menu', { command: 'save' }]);
  });
});
