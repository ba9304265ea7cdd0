// The coordinator's content-addressed artifact store (DESIGN.md §10): model files and dataset
// files move to and from queue workers by sha256 over HTTP. One store per run, with its own
// token; downloads stream and resume (Range), uploads are checked against their hash before
// they become a blob.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface StoreAddress {
  /** http://HOST:PORT of the store. */
  url: string;
  /** Bearer token of this run: the store answers nobody else. */
  token: string;
}

const BLOB_PATH = /^\/blobs\/([0-9a-f]{64})$/;

/** `bytes=START-` or `bytes=START-END` of a file of `size` bytes, or null for the whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  const m = header ? /^bytes=(\d+)-(\d*)$/.exec(header.trim()) : null;
  if (!m) return null;
  const start = Number(m[1]);
  const end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  return start <= end ? { start, end } : { start: size, end: size - 1 };
}

export class ArtifactStore {
  readonly token = randomBytes(24).toString('hex');
  /** sha256 -> a file of the coordinator that has that content. */
  private readonly files = new Map<string, string>();
  private server: Server | null = null;
  bytesSent = 0;
  bytesReceived = 0;

  constructor(private readonly blobDir: string) {}

  /** Serve on HOST (loopback unless the workers are elsewhere); resolves with the address. */
  async listen(host = '127.0.0.1', advertise = host): Promise<StoreAddress> {
    await mkdir(this.blobDir, { recursive: true });
    const server = createServer((req, res) => void this.handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return { url: `http://${advertise.includes(':') ? `[${advertise}]` : advertise}:${port}`, token: this.token };
  }

  register(sha256: string, path: string): void {
    this.files.set(sha256, path);
  }

  /** A file holding this content: a registered file, or a blob a worker uploaded. */
  async pathOf(sha256: string): Promise<string | null> {
    const known = this.files.get(sha256);
    if (known && (await stat(known).then((s) => s.isFile(), () => false))) return known;
    const blob = join(this.blobDir, sha256);
    return (await stat(blob).then((s) => s.isFile(), () => false)) ? blob : null;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = BLOB_PATH.exec(req.url ?? '');
    if (req.headers.authorization !== `Bearer ${this.token}`) return void res.writeHead(401).end();
    if (!m) return void res.writeHead(404).end();
    const sha = m[1];
    if (req.method === 'PUT') return this.receive(sha, req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    const path = await this.pathOf(sha);
    if (!path) return void res.writeHead(404).end();
    const size = (await stat(path)).size;
    const range = parseRange(req.headers.range, size);
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(Math.max(0, end - start + 1)), 'accept-ranges': 'bytes' };
    res.writeHead(range ? 206 : 200, range ? { ...headers, 'content-range': `bytes ${start}-${end}/${size}` } : headers);
    if (req.method === 'HEAD' || end < start) return void res.end();
    const stream = createReadStream(path, { start, end });
    stream.on('data', (chunk) => { this.bytesSent += chunk.length; });
    await pipeline(stream, res);
  }

  /** An upload becomes a blob only when its bytes hash to the name it was sent under. */
  private async receive(sha: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (await this.pathOf(sha)) {
      req.resume();
      return void res.writeHead(200).end();
    }
    const tmp = join(this.blobDir, `${sha}.${randomBytes(4).toString('hex')}.part`);
    const hash = createHash('sha256');
    req.on('data', (chunk: Buffer) => { hash.update(chunk); this.bytesReceived += chunk.length; });
    try {
      await pipeline(req, createWriteStream(tmp));
    } catch {
      await rm(tmp, { force: true });
      return void res.writeHead(400).end();
    }
    if (hash.digest('hex') !== sha) {
      await rm(tmp, { force: true });
      return void res.writeHead(422).end('content does not match its sha256');
    }
    await rename(tmp, join(this.blobDir, sha));
    res.writeHead(201).end();
  }
}
