// The browser host: an HTTP server for the built renderer plus a WebSocket speaking the
// API contract. Bound to 127.0.0.1 only; every socket must present the per-launch token;
// the Host header (against DNS rebinding) and the Origin (against other sites' pages)
// must name this server.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SocketClientMessage, SocketServerMessage } from '../../shared/api/client.ts';
import { EVENT_NAMES } from '../../shared/api/contract.ts';
import type { ApiService } from '../api/service.ts';

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
}

export interface HostServer {
  url: string;
  token: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://${HOST_ADDRESS}:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

export async function startHost(options: HostOptions): Promise<HostServer> {
  const token = randomBytes(24).toString('hex');
  const staticRoot = resolve(options.staticDir);
  let port = 0;
  const allowedHosts = () => new Set([`${HOST_ADDRESS}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${HOST_ADDRESS}:${port}`, `http://localhost:${port}`]);

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${HOST_ADDRESS}`);
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(staticRoot, rel));
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) {
      res.writeHead(403).end('Forbidden');
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      const headers: Record<string, string> = {
        'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': file.endsWith('.html') ? 'no-store' : 'no-cache',
      };
      if (file.endsWith('.html')) headers['Content-Security-Policy'] = contentSecurityPolicy(port);
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    }
  }

  const server = createServer((req, res) => {
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Forbidden: unexpected Host header.');
      return;
    }
    if (options.middleware) {
      options.middleware(req, res, () => void serveStatic(req, res));
      return;
    }
    void serveStatic(req, res);
  });

  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const refuse = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST_ADDRESS}`);
    if (url.pathname !== '/api') return refuse(socket, '404 Not Found');
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(socket, '403 Forbidden');
    const origin = req.headers.origin;
    // Browsers always send Origin on a WebSocket; a page of another site must not connect.
    if (origin !== undefined && !allowedOrigins().has(origin)) return refuse(socket, '403 Forbidden');
    if (!tokenMatches(token, url.searchParams.get('token'))) return refuse(socket, '401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => void onMessage(ws, data.toString()));
    });
  });

  async function onMessage(ws: WebSocket, text: string): Promise<void> {
    let msg: SocketClientMessage;
    try {
      msg = JSON.parse(text) as SocketClientMessage;
    } catch {
      return;
    }
    if (msg?.type !== 'call' || typeof msg.id !== 'number') return;
    const envelope = await options.api.dispatch(String(msg.name), msg.request);
    const reply: SocketServerMessage = { type: 'result', id: msg.id, envelope };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  }

  const unsubscribers = EVENT_NAMES.map((name) => options.api.on(name, (payload) => {
    const text = JSON.stringify({ type: 'event', name, payload } satisfies SocketServerMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  }));

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST_ADDRESS, () => resolveListen());
  });
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
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
