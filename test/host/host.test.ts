// The browser host's doors: loopback only, the per-launch token on the socket, Host and
// Origin checked, static files served with a CSP and no path traversal, and the contract
// spoken over the socket (calls and run events).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiService } from '../../src/main/api/service.ts';
import { startHost, type HostServer } from '../../src/main/host/server.ts';
import { createApiClient, createSocketTransport, socketUrlFor, type SocketLike } from '../../src/shared/api/client.ts';
import type { RunEvent } from '../../src/shared/api/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-host-'));
let host: HostServer;
let api: ReturnType<typeof createApiService>;

beforeAll(async () => {
  const staticDir = join(dir, 'static');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Whittle</title>');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace: dir, fileScope: [dir] });
  host = await startHost({ api, staticDir, port: 0 });
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Try a socket; resolves with 'open' or the HTTP status of the refusal. */
function trySocket(url: string, headers: Record<string, string> = {}): Promise<string | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => { ws.close(); resolve('open'); });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve('error'));
  });
}

describe('browser host', () => {
  it('listens on 127.0.0.1 only and prints a URL with a long random token', () => {
    const address = host.server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[0-9a-f]{48}$`));
  });

  it('requires the token on the socket', async () => {
    const base = `ws://127.0.0.1:${host.port}/api`;
    expect(await trySocket(base)).toBe(401);
    expect(await trySocket(`${base}?token=${'0'.repeat(48)}`)).toBe(401);
    expect(await trySocket(`${base}?token=${host.token}`)).toBe('open');
  });

  it('refuses a foreign Origin and a foreign Host', async () => {
    const url = socketUrlFor(host.url);
    expect(await trySocket(url, { Origin: 'http://evil.example' })).toBe(403);
    expect(await trySocket(url, { Origin: `http://127.0.0.1:${host.port}` })).toBe('open');
    expect(await trySocket(url, { Host: `evil.example:${host.port}` })).toBe(403);
    expect((await get('/', { Host: 'evil.example' })).status).toBe(403);
  });

  it('serves the renderer with a strict CSP and nothing outside its folder', async () => {
    const cookie = { Cookie: `whittle-token-${host.port}=${host.token}` };
    const page = await get('/', cookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Whittle</title>');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(page.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(String(page.headers['content-security-policy'])).toContain("object-src 'none'");
    expect((await get('/../secret.txt', cookie)).body).not.toContain('secret');
    expect((await get('/%2e%2e/secret.txt', cookie)).status).toBeGreaterThanOrEqual(400);
  });

  it('speaks the contract over the socket: calls, errors as data, run events', async () => {
    const ws = new WebSocket(socketUrlFor(host.url), { headers: { Origin: `http://127.0.0.1:${host.port}` } });
    const client = createApiClient(createSocketTransport(ws as unknown as SocketLike));
    const events: RunEvent[] = [];
    client.on('run.event', (e) => events.push(e));
    const { example, document } = await client.call('examples.get', { id: 'lenet5' });
    await expect(client.call('documents.open', { path: '/etc/hostname' })).rejects.toMatchObject({ code: 'files.outside-roots', hint: expect.any(String) });
    const { runId } = await client.call('runs.start', { document, documentPath: example.path, outDir: join(dir, 'out') });
    const end = Date.now() + 30_000;
    while (!events.some((e) => e.runId === runId && e.type === 'run.finished') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const finished = events.find((e) => e.runId === runId && e.type === 'run.finished');
    expect(finished).toMatchObject({ status: 'done' });
    await api.ctx.runner.wait(runId); // the record is in history before the folder goes
    expect(events.filter((e) => e.runId === runId && e.type === 'finished').map((e) => (e as { nodeId: string }).nodeId)).toEqual(['model', 'export']);
    ws.close();
  });
});
