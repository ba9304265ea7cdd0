// A queue worker's side of the artifact store: blobs fetched by sha256 into a local cache
// (kept across jobs and runs, so a model moves once per worker), resumed with Range after
// a broken transfer and checked against their hash; results uploaded the same way.
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WhittleError } from '../../shared/errors.ts';
import { sha256File } from '../engine/cache.ts';
import type { StoreAddress } from './artifact-store.ts';

const ATTEMPTS = 4;
const RETRY_MS = 250;

async function sizeOf(path: string): Promise<number | null> {
  return stat(path).then((s) => s.size, () => null);
}

export class ArtifactClient {
  bytesDownloaded = 0;
  bytesUploaded = 0;

  constructor(private readonly blobDir: string, private readonly store: StoreAddress) {}

  private auth(): Record<string, string> {
    return { authorization: `Bearer ${this.store.token}` };
  }

  /** The local path of the blob, fetched unless the cache has it. */
  async fetch(sha256: string): Promise<string> {
    const blob = join(this.blobDir, sha256);
    if ((await sizeOf(blob)) !== null) return blob;
    await mkdir(this.blobDir, { recursive: true });
    const part = `${blob}.part`;
    let lastError = '';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        await this.download(sha256, part);
        if ((await sha256File(part)) !== sha256) {
          await rm(part, { force: true });
          lastError = 'the bytes received do not match their sha256';
          continue;
        }
        await rename(part, blob);
        return blob;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        await new Promise((r) => setTimeout(r, RETRY_MS * (attempt + 1)));
      }
    }
    throw new WhittleError('artifacts.fetch-failed', `Could not fetch artifact ${sha256.slice(0, 12)} from ${this.store.url}: ${lastError}.`, 'The coordinator that started the run may have stopped; the job is retried elsewhere.');
  }

  /** Appends to what a broken transfer left in `part` (Range), or starts over when the server sends it whole. */
  private async download(sha256: string, part: string): Promise<void> {
    const have = (await sizeOf(part)) ?? 0;
    const res = await fetch(`${this.store.url}/blobs/${sha256}`, { headers: { ...this.auth(), ...(have > 0 ? { range: `bytes=${have}-` } : {}) } });
    if (res.status !== 200 && res.status !== 206) throw new Error(`the store answered HTTP ${res.status}`);
    if (!res.body) throw new Error('the store sent no body');
    const out = createWriteStream(part, { flags: res.status === 206 ? 'a' : 'w' });
    const body = Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]);
    body.on('data', (chunk: Buffer) => { this.bytesDownloaded += chunk.length; });
    await pipeline(body, out);
  }

  /** The blob under a file name (loaders read extensions): a hard link beside the cache, or a copy. */
  async materialize(sha256: string, rel: string, root = join(this.blobDir, 'named', sha256)): Promise<string> {
    const blob = await this.fetch(sha256);
    const target = join(root, rel);
    if ((await sizeOf(target)) !== null) return target;
    await mkdir(dirname(target), { recursive: true });
    await link(blob, target).catch(() => copyFile(blob, target));
    return target;
  }

  /** Sends a file unless the store has its content already. */
  async upload(path: string, sha256: string): Promise<void> {
    const head = await fetch(`${this.store.url}/blobs/${sha256}`, { method: 'HEAD', headers: this.auth() });
    if (head.status === 200) return;
    let lastStatus = 0;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const size = (await sizeOf(path)) ?? 0;
      const body = Readable.toWeb(createReadStream(path)) as unknown as RequestInit['body'];
      const res = await fetch(`${this.store.url}/blobs/${sha256}`, {
        method: 'PUT', body, headers: { ...this.auth(), 'content-length': String(size) }, duplex: 'half',
      } as RequestInit).catch(() => null);
      lastStatus = res?.status ?? 0;
      if (res && (res.status === 200 || res.status === 201)) {
        if (res.status === 201) this.bytesUploaded += size;
        return;
      }
      await new Promise((r) => setTimeout(r, RETRY_MS * (attempt + 1)));
    }
    throw new WhittleError('artifacts.upload-failed', `Could not send artifact ${sha256.slice(0, 12)} to ${this.store.url} (HTTP ${lastStatus}).`, 'The coordinator that started the run may have stopped; the job is retried elsewhere.');
  }
}
