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

/**
 * The client for this page's door. `waitForSocket` false: the page already has what it needs to
 * render (the host's start-up data), so it renders while the socket opens; calls wait for it,
 * and a socket that never opens shows as a lost connection instead of the start-up error.
 */
export async function connectApi({ waitForSocket = true }: { waitForSocket?: boolean } = {}): Promise<ApiClient> {
  if (window.whittle) return createApiClient(window.whittle);
  const socket = new WebSocket(socketUrlFor(window.location.href));
  socket.addEventListener('close', () => { for (const listener of lostListeners) listener(); });
  const transport = createSocketTransport(socket);
  if (waitForSocket) await transport.ready;
  return createApiClient(transport);
}
