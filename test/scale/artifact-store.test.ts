// The artifact store between a coordinator and its workers: only the run's token is
// answered; a download resumes from what a broken transfer left (Range) and is checked
// against its hash; an upload whose bytes do not match the hash it is sent under is refused.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactClient } from '../../src/main/scale/artifact-client.ts';
import { ArtifactStore, parseRange, type StoreAddress } from '../../src/main/scale/artifact-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-artifacts-'));
const bytes = randomBytes(300_000);
const sha = createHash('sha256').update(bytes).digest('hex');
let store: ArtifactStore;
let address: StoreAddress;

beforeAll(async () => {
  writeFileSync(join(dir, 'model.onnx'), bytes);
  store = new ArtifactStore(join(dir, 'store'));
  address = await store.listen();
  store.register(sha, join(dir, 'model.onnx'));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('artifact store', () => {
  it('answers only its token, and serves ranges', async () => {
    expect((await fetch(`${address.url}/blobs/${sha}`)).status).toBe(401);
    expect((await fetch(`${address.url}/blobs/${sha}`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const res = await fetch(`${address.url}/blobs/${sha}`, { headers: { authorization: `Bearer ${address.token}`, range: 'bytes=1000-' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 1000-${bytes.length - 1}/${bytes.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(1000))).toBe(true);
    expect(parseRange('bytes=5-9', 100)).toEqual({ start: 5, end: 9 });
    expect(parseRange('items=1-2', 100)).toBeNull();
  });

  it('a worker resumes a broken download and keeps the blob by hash', async () => {
    const blobs = join(dir, 'worker-blobs');
    mkdirSync(blobs, { recursive: true });
    writeFileSync(join(blobs, `${sha}.part`), bytes.subarray(0, 123_456));
    const client = new ArtifactClient(blobs, address);
    const path = await client.fetch(sha);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(client.bytesDownloaded).toBe(bytes.length - 123_456);
    const named = await client.materialize(sha, 'model.onnx');
    expect(named.endsWith('model.onnx')).toBe(true);
    expect(readFileSync(named).equals(bytes)).toBe(true);
    // A second fetch is the cache: nothing moves.
    await client.fetch(sha);
    expect(client.bytesDownloaded).toBe(bytes.length - 123_456);
  });

  it('refuses an upload whose bytes do not match its hash, and keeps a good one', async () => {
    const other = randomBytes(1000);
    const otherSha = createHash('sha256').update(other).digest('hex');
    const put = (name: string, body: Buffer) => fetch(`${address.url}/blobs/${name}`, { method: 'PUT', body, headers: { authorization: `Bearer ${address.token}` } });
    expect((await put(otherSha, randomBytes(1000))).status).toBe(422);
    expect(await store.pathOf(otherSha)).toBeNull();
    writeFileSync(join(dir, 'result.bin'), other);
    const client = new ArtifactClient(join(dir, 'b2'), address);
    await client.upload(join(dir, 'result.bin'), otherSha);
    expect(readFileSync((await store.pathOf(otherSha))!).equals(other)).toBe(true);
    expect(client.bytesUploaded).toBe(1000);
  });
});
