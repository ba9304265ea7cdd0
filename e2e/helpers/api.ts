// One call of the app's API for assertions: the project's own typed client over the browser
// host's socket, with the host URL's token (what the app itself would read).
import WebSocket from 'ws';
import { createApiClient, createSocketTransport, socketUrlFor, type SocketLike } from '../../src/shared/api/client.ts';
import type { CallName, CallRequest, CallResponse } from '../../src/shared/api/contract.ts';

export async function callHostApi<N extends CallName>(hostUrl: string, name: N, request: CallRequest<N>): Promise<CallResponse<N>> {
  const ws = new WebSocket(socketUrlFor(hostUrl), { headers: { Origin: new URL(hostUrl).origin } });
  try {
    return await createApiClient(createSocketTransport(ws as unknown as SocketLike)).call(name, request);
  } finally {
    ws.close();
  }
}
