// The renderer's side of the contract: one typed client over a transport. Electron's
// preload provides a transport as `window.whittle`; the browser host is reached over a
// WebSocket (createSocketTransport). Failures arrive as ErrorData and are thrown as
// WhittleError, so callers see `err.code`, `err.message`, `err.hint`, `err.nodeId`.
import { WhittleError, type ErrorData } from '../errors.ts';
import type { CallName, CallRequest, CallResponse, EventName, EventPayload } from './contract.ts';

/** What crosses a door for one call: the response, or the error as data. */
export type Envelope = { ok: true; value: unknown } | { ok: false; error: ErrorData };

/** The minimal door a client needs; `window.whittle` in Electron is exactly this. */
export interface ApiTransport {
  invoke(name: string, request: unknown): Promise<Envelope>;
  /** Returns a function that unsubscribes. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}

export interface ApiClient {
  call<N extends CallName>(name: N, request: CallRequest<N>): Promise<CallResponse<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createApiClient(transport: ApiTransport): ApiClient {
  return {
    async call(name, request) {
      const envelope = await transport.invoke(name, request);
      if (!envelope.ok) throw WhittleError.fromData(envelope.error);
      return envelope.value as never;
    },
    on(event, listener) {
      return transport.on(event, listener as (payload: unknown) => void);
    },
  };
}

// ---- WebSocket wire format (browser host) -----------------------------------------
// client -> server: { type: 'call', id, name, request }
// server -> client: { type: 'result', id, envelope } | { type: 'event', name, payload }
export type SocketClientMessage = { type: 'call'; id: number; name: string; request: unknown };
export type SocketServerMessage =
  | { type: 'result'; id: number; envelope: Envelope }
  | { type: 'event'; name: string; payload: unknown };

/** The subset of the WebSocket API we use: the browser's and the `ws` package's both fit. */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** The socket URL for a host page URL: same origin, path /api, the page's token. */
export function socketUrlFor(pageUrl: string): string {
  const url = new URL(pageUrl);
  const token = url.searchParams.get('token') ?? '';
  const protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${url.host}/api?token=${encodeURIComponent(token)}`;
}

/** A transport over one WebSocket; calls made before it opens wait for it. */
export function createSocketTransport(socket: SocketLike): ApiTransport & { ready: Promise<void> } {
  let nextId = 1;
  const pending = new Map<number, (envelope: Envelope) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const closedError: ErrorData = { code: 'host.disconnected', message: 'The connection to the Whittle host was lost.', hint: 'Restart `npm run web` and reload the page; your autosaved work is kept.' };
  const ready = new Promise<void>((resolve, reject) => {
    if (socket.readyState === 1) resolve();
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(WhittleError.fromData(closedError)));
  });
  // Callers see the failure through invoke(); an unobserved `ready` must not be reported as unhandled.
  ready.catch(() => {});
  socket.addEventListener('message', (event) => {
    let msg: SocketServerMessage;
    try {
      msg = JSON.parse(String(event.data)) as SocketServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'result') {
      pending.get(msg.id)?.(msg.envelope);
      pending.delete(msg.id);
    } else if (msg.type === 'event') {
      for (const listener of listeners.get(msg.name) ?? []) listener(msg.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const resolve of pending.values()) resolve({ ok: false, error: closedError });
    pending.clear();
  });
  return {
    ready,
    async invoke(name, request) {
      await ready;
      if (socket.readyState !== 1) return { ok: false, error: closedError };
      const id = nextId++;
      const result = new Promise<Envelope>((resolve) => pending.set(id, resolve));
      const msg: SocketClientMessage = { type: 'call', id, name, request };
      socket.send(JSON.stringify(msg));
      return result;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
