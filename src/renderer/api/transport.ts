// Picks the door at start-up: Electron's preload exposes `window.whittle`; in a plain
// browser page the host's WebSocket is reached with the token from the page URL.
import { createApiClient, createSocketTransport, socketUrlFor, type ApiClient, type ApiTransport } from '../../shared/api/client.ts';

declare global {
  interface Window {
    whittle?: ApiTransport;
  }
}

export async function connectApi(): Promise<ApiClient> {
  if (window.whittle) return createApiClient(window.whittle);
  const socket = new WebSocket(socketUrlFor(window.location.href));
  const transport = createSocketTransport(socket);
  await transport.ready;
  return createApiClient(transport);
}
