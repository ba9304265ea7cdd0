// Picks the door at start-up: Electron's preload exposes `window.whittle`; in a plain
// browser page the host's WebSocket is reached with the token from the page URL.
import { createApiClient, createSocketTransport, socketUrlFor, type ApiClient, type ApiTransport } from '../../shared/api/client.ts';

/** What the desktop preload exposes: the transport, and the path of a File dropped on the window. */
export type DesktopBridge = ApiTransport & { pathForFile?(file: File): string };

declare global {
  interface Window {
    whittle?: DesktopBridge;
  }
}

const lostListeners = new Set<() => void>();

/** Called when the browser host's socket closes (the host stopped or restarted). */
export function onConnectionLost(listener: () => void): () => void {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}

export async function connectApi(): Promise<ApiClient> {
  if (window.whittle) return createApiClient(window.whittle);
  const socket = new WebSocket(socketUrlFor(window.location.href));
  socket.addEventListener('close', () => { for (const listener of lostListeners) listener(); });
  const transport = createSocketTransport(socket);
  await transport.ready;
  return createApiClient(transport);
}
