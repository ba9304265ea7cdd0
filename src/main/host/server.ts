// The browser host: an HTTP server for the built renderer plus a WebSocket speaking the
// API contract. Bound to 127.0.0.1 only; every request must present the per-launch token
// (in the URL at first load, then in an HttpOnly SameSite=Strict cookie); the Host header
// (against DNS rebinding) and the Origin (against other sites' pages) must name this server.
// Every handler is total: a malformed request gets a 4xx or a closed socket, and a fault
// in one request is logged and answered with a 500 — the host keeps serving.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SocketServerMessage } from '../../shared/api/client.ts';
import { EVENT_NAMES } from '../../shared/api/contract.ts';
import type { ApiService } from '../api/service.ts';
import { contentSecurityPolicy, parseRequestTarget, presentedToken, tokenCookie, tokenMatches, tokenPage, type RequestTarget } from './requests.ts';
import { handleSocketFrame, type MessageOffload } from './socket-messages.ts';
import { startupDataElementFor } from './startup-data.ts';

export const HOST_ADDRESS = '127.0.0.1';
/** Big enough for a pipeline.parse of an oversized file to come back as a clear error. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.map': 'application/json',
};

export interface HostOptions {
  api: ApiService;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Serve HTTP through this instead of staticDir (vite dev middleware). */
  middleware?: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  /** Answers large socket messages off the main thread (see document-offload.ts). */
  offload?: MessageOffload;
  /** Where faults caught by the last-resort handlers are reported (default console.error). */
  log?: (message: string) => void;
}

export interface HostServer {
  url: string;
  token: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };

function plain(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...TEXT, ...extra }).end(body);
}

export async function startHost(options: HostOptions): Promise<HostServer> {
  const token = randomBytes(24).toString('hex');
  const staticRoot = resolve(options.staticDir);
  const log = options.log ?? ((m: string) => console.error(m));
  let port = 0;
  const hostAllowed = (host: unknown) => host === `${HOST_ADDRESS}:${port}` || host === `localhost:${port}`;
  const originAllowed = (origin: string) => origin === `http://${HOST_ADDRESS}:${port}` || origin === `http://localhost:${port}`;

  /** 'ok', or why the request may not see the app (the token page says so). */
  function tokenState(req: IncomingMessage, target: RequestTarget): 'ok' | 'fresh' | 'missing' | 'wrong' {
    const given = presentedToken(req, target, port);
    if (tokenMatches(token, given.query)) return given.cookie === token ? 'ok' : 'fresh';
    if (tokenMatches(token, given.cookie)) return 'ok';
    return given.query || given.cookie ? 'wrong' : 'missing';
  }

  async function serveStatic(target: RequestTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let rel = target.path;
    if (rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(staticRoot, rel));
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) return plain(res, 403, 'Forbidden');
    let body: Buffer;
    try {
      if (!(await stat(file)).isFile()) return plain(res, 404, 'Not found');
      body = await readFile(file);
    } catch {
      return plain(res, 404, 'Not found');
    }
    const isHtml = file.endsWith('.html');
    const headers: Record<string, string> = {
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': isHtml ? 'no-store' : 'no-cache',
    };
    if (isHtml) headers['Content-Security-Policy'] = contentSecurityPolicy(HOST_ADDRESS, port);
    const bodyEnd = rel === '/index.html' && req.method === 'GET' ? body.lastIndexOf('</body>') : -1;
    if (bodyEnd < 0) {
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    await sendWithStartupData(res, headers, body, bodyEnd);
  }

  /**
   * The app's page with its start-up data before `</body>` (only a request with the token gets
   * here). The head goes out first, so the browser fetches the scripts while the data is gathered.
   */
  async function sendWithStartupData(res: ServerResponse, headers: Record<string, string>, body: Buffer, bodyEnd: number): Promise<void> {
    const element = startupDataElementFor(options.api).catch((err: unknown) => {
      fault('start-up data', err);
      return '';
    });
    res.writeHead(200, headers);
    res.write(body.subarray(0, bodyEnd));
    res.end(Buffer.concat([Buffer.from(await element, 'utf8'), body.subarray(bodyEnd)]));
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host)) return plain(res, 403, 'Forbidden: unexpected Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    const target = parseRequestTarget(req.url);
    if (!target) return plain(res, 400, 'Bad request: malformed path.');
    const state = tokenState(req, target);
    if (state === 'missing' || state === 'wrong') {
      res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' })
        .end(req.method === 'HEAD' ? undefined : tokenPage(state));
      return;
    }
    if (state === 'fresh') {
      // First load: keep the token in a cookie and clean the address bar (and history) of it.
      const rawPath = (req.url ?? '/').split('?')[0];
      res.writeHead(303, { Location: rawPath, 'Set-Cookie': tokenCookie(port, token), 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).end();
      return;
    }
    if (options.middleware) {
      options.middleware(req, res, () => { serveStatic(target, req, res).catch((err: unknown) => fault('static file', err, res)); });
      return;
    }
    await serveStatic(target, req, res);
  }

  function fault(where: string, err: unknown, res?: ServerResponse): void {
    log(`whittle host: ${where} failed, the host goes on: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    if (res) plain(res, 500, 'Internal error; the host is still running.');
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => fault(`${String(req.method)} request`, err, res));
  });
  // A client that never finishes its request (slowloris) is cut off, not waited for.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // A request line or header Node cannot parse: answer 400 on the socket if it is still open.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (socket.writable && err.code !== 'ECONNRESET') socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('error', (err) => fault('WebSocket server', err));
  const refuse = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const target = parseRequestTarget(req.url);
    if (!target) return refuse(socket, '400 Bad Request');
    if (target.path !== '/api') return refuse(socket, '404 Not Found');
    if (!hostAllowed(req.headers.host)) return refuse(socket, '403 Forbidden');
    const origin = req.headers.origin;
    // Browsers always send Origin on a WebSocket; a page of another site must not connect.
    if (origin !== undefined && !originAllowed(origin)) return refuse(socket, '403 Forbidden');
    const state = tokenState(req, target);
    if (state !== 'ok' && state !== 'fresh') return refuse(socket, '401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // Protocol errors (bad opcode, unmasked or oversized frame, invalid UTF-8): ws closes the socket.
      ws.on('error', () => sockets.delete(ws));
      ws.on('message', (data: RawData, isBinary: boolean) => onFrame(ws, data, isBinary));
    });
  }
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      onUpgrade(req, socket, head);
    } catch (err) {
      fault('upgrade', err);
      socket.destroy();
    }
  });

  function onFrame(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      ws.close(1003, 'The Whittle API speaks JSON text frames.');
      return;
    }
    const frame = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    handleSocketFrame(frame, { api: options.api, offload: options.offload ?? null }).then((outcome) => {
      if (outcome.close) ws.close(1008, outcome.close);
      else if (outcome.reply !== null && ws.readyState === ws.OPEN) ws.send(outcome.reply, { binary: false });
    }).catch((err: unknown) => {
      fault('socket message', err);
      if (ws.readyState === ws.OPEN) ws.close(1011, 'Internal error; the host is still running.');
    });
  }

  const unsubscribers = EVENT_NAMES.map((name) => options.api.on(name, (payload) => {
    let text: string;
    try {
      text = JSON.stringify({ type: 'event', name, payload } satisfies SocketServerMessage);
    } catch (err) {
      return fault(`event ${name}`, err);
    }
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  }));

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST_ADDRESS, () => resolveListen());
  });
  server.on('error', (err) => fault('server', err));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${HOST_ADDRESS}:${port}/?token=${token}`,
    token,
    port,
    server,
    async close() {
      for (const u of unsubscribers) u();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await options.offload?.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * The host process's last resort: a fault that escaped every handler is logged and the
 * host keeps serving (runs in progress and other clients go on).
 */
export function keepServingOnFaults(log: (message: string) => void = (m) => console.error(m)): void {
  const report = (kind: string) => (err: unknown) => log(`whittle host: ${kind}, the host goes on: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled rejection'));
}
