// The reproductions of issue 13 against the browser host: malformed request lines, paths,
// headers, methods, upgrades and WebSocket frames each get a 4xx or a closed socket, and
// the host serves the next request. Also the token's move from the URL to a cookie.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiService } from '../../src/main/api/service.ts';
import { startHost, type HostServer } from '../../src/main/host/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-harden-'));
let host: HostServer;
const faults: string[] = [];

beforeAll(async () => {
  const staticDir = join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Whittle</title>');
  const api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace: dir, fileScope: [dir] });
  host = await startHost({ api, staticDir, port: 0, log: (m) => faults.push(m) });
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends raw bytes on a fresh TCP connection; resolves with everything read until close (or 3 s). */
function raw(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(host.port, '127.0.0.1');
    let got = '';
    const done = () => { clearTimeout(timer); socket.destroy(); resolve(got); };
    const timer = setTimeout(done, 3000);
    socket.on('data', (c) => { got += c.toString('latin1'); });
    socket.on('close', done);
    socket.on('error', done);
    socket.write(bytes);
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
const hostHeader = () => `Host: 127.0.0.1:${host.port}\r\n`;
const cookie = () => `Cookie: whittle-token-${host.port}=${host.token}\r\n`;
const get = (target: string, extra = '') => raw(`GET ${target} HTTP/1.1\r\n${hostHeader()}${extra}Connection: close\r\n\r\n`);
const upgrade = (target: string) => raw(`GET ${target} HTTP/1.1\r\n${hostHeader()}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);

async function stillServes(): Promise<void> {
  expect(statusOf(await get('/', cookie()))).toBe(200);
}

describe('browser host: malformed requests get a 4xx and the host goes on', () => {
  it.each([
    ['a broken percent-escape', '/%E0%A4%A'],
    ['a bare escape', '/%'],
    ['an empty authority path', '//'],
    ['a NUL byte', '/index.html%00.js'],
    ['an absolute-form target', 'http://evil.example/'],
    ['an asterisk target', '*'],
  ])('GET with %s', async (_what, target) => {
    const status = statusOf(await get(target, cookie()));
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    await stillServes();
  });

  it('upgrades to a malformed path, a wrong path and without token are refused', async () => {
    expect(statusOf(await upgrade('//'))).toBe(400);
    expect(statusOf(await upgrade('/%E0%A4%A'))).toBe(400);
    expect(statusOf(await upgrade('/elsewhere'))).toBe(404);
    expect(statusOf(await upgrade('/api'))).toBe(401);
    await stillServes();
  });

  it('a broken request line, header or method', async () => {
    expect(statusOf(await raw('GARBAGE\r\n\r\n'))).toBe(400);
    expect(statusOf(await raw(`GET / HTTP/1.1\r\n${hostHeader()}Bad Header\r\n\r\n`))).toBe(400);
    expect(statusOf(await raw(`GET / HTTP/1.1\r\n${hostHeader()}X: \u0001\r\n\r\n`))).toBe(400);
    expect(statusOf(await raw(`DELETE / HTTP/1.1\r\n${hostHeader()}${cookie()}Connection: close\r\n\r\n`))).toBe(405);
    expect(statusOf(await raw(`GET / HTTP/1.1\r\nConnection: close\r\n\r\n`))).toBe(400); // HTTP/1.1 requires Host
    expect(statusOf(await raw(`GET / HTTP/1.0\r\n\r\n`))).toBe(403);
    expect(statusOf(await get('/', `Cookie: =;;;${'"'.repeat(3)}; whittle-token-${host.port}\r\n`))).toBe(401);
    await stillServes();
    expect(faults).toEqual([]);
  });
});

describe('browser host: WebSocket frames', () => {
  function open(): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
      ws.on('open', () => resolve(ws));
      ws.on('error', reject);
    });
  }
  const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));

  it.each([
    ['not JSON', 'not json {'],
    ['JSON that is not a call', '[1,2,3]'],
    ['a call whose name cannot become a string', '{"type":"call","id":1,"name":{"toString":1}}'],
    ['a call without a number id', '{"type":"call","id":"x","name":"app.info"}'],
  ])('%s closes the socket with 1008', async (_what, text) => {
    const ws = await open();
    const code = closeCode(ws);
    ws.send(text);
    expect(await code).toBe(1008);
    await stillServes();
  });

  it('a binary frame closes with 1003; an unknown call and a bad request are answered as data', async () => {
    const ws = await open();
    const replies: unknown[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    ws.send(JSON.stringify({ type: 'call', id: 7, name: 'no.such', request: null }));
    ws.send(JSON.stringify({ type: 'call', id: 8, name: 'runs.get', request: { runId: 42 } }));
    while (replies.length < 2) await new Promise((r) => setTimeout(r, 10));
    expect(replies).toMatchObject([
      { type: 'result', id: 7, envelope: { ok: false, error: { code: 'api.unknown-call' } } },
      { type: 'result', id: 8, envelope: { ok: false, error: { code: 'api.bad-request' } } },
    ]);
    const code = closeCode(ws);
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await code).toBe(1003);
    await stillServes();
  });

  it('frames that break the protocol (unmasked, reserved opcode) end that socket only', async () => {
    const handshake = `GET /api?token=${host.token} HTTP/1.1\r\n${hostHeader()}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    for (const frame of [Buffer.from([0x81, 0x02, 0x68, 0x69]), Buffer.from([0x83, 0x80, 0, 0, 0, 0]), Buffer.from([0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]) {
      const response = await raw(Buffer.concat([Buffer.from(handshake), frame]));
      expect(statusOf(response)).toBe(101);
      await stillServes();
    }
    expect(faults).toEqual([]);
  });
});

describe('browser host: the token leaves the URL', () => {
  it('the first load sets an HttpOnly SameSite=Strict cookie and redirects to the clean address', async () => {
    const response = await get(`/?token=${host.token}`);
    expect(statusOf(response)).toBe(303);
    expect(response).toMatch(/\r\nLocation: \/\r\n/);
    const setCookie = /\r\nSet-Cookie: ([^\r]+)/.exec(response)?.[1] ?? '';
    expect(setCookie).toBe(`whittle-token-${host.port}=${host.token}; Path=/; HttpOnly; SameSite=Strict`);
    await stillServes();
  });

  it('a page without the token, or with a wrong one, says the link needs its token', async () => {
    for (const [target, extra] of [['/', ''], [`/?token=${'0'.repeat(48)}`, ''], ['/', `Cookie: whittle-token-${host.port}=nope\r\n`]] as const) {
      const response = await get(target, extra);
      expect(statusOf(response)).toBe(401);
      expect(response).toContain('This link needs its token');
      expect(response).not.toContain(host.token);
    }
  });

  it('the socket accepts the cookie in place of the URL token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, { headers: { Cookie: `whittle-token-${host.port}=${host.token}` } });
    await new Promise<void>((resolve, reject) => { ws.on('open', () => resolve()); ws.on('error', reject); });
    ws.close();
  });
});

describe('browser host: last resort', () => {
  it('a call whose handling throws closes that socket with 1011, is logged, and the host serves the next request', async () => {
    const logged: string[] = [];
    const staticDir = join(dir, 'static');
    const broken = {
      dispatch: () => { throw new TypeError('boom in dispatch'); },
      on: () => () => {},
    } as unknown as Parameters<typeof startHost>[0]['api'];
    const other = await startHost({ api: broken, staticDir, port: 0, log: (m) => logged.push(m) });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${other.port}/api?token=${other.token}`);
      await new Promise<void>((resolve, reject) => { ws.on('open', () => resolve()); ws.on('error', reject); });
      const code = new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
      ws.send(JSON.stringify({ type: 'call', id: 1, name: 'app.info', request: {} }));
      expect(await code).toBe(1011);
      expect(logged.join('\n')).toContain('boom in dispatch');
      const status = await new Promise<number>((resolve) => {
        const s = connect(other.port, '127.0.0.1');
        let got = '';
        s.on('data', (c) => { got += c.toString(); });
        s.on('close', () => resolve(statusOf(got)));
        s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\nCookie: whittle-token-${other.port}=${other.token}\r\nConnection: close\r\n\r\n`);
      });
      expect(status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
