// Host fuzzing: random request lines, headers, upgrade requests and WebSocket frames sent to
// a real browser host process on loopback. Every case must end with an answer or a closed
// socket; the host must survive and keep serving its page.
import { connect, type Socket } from 'node:net';
import { int, pick, randomBytes, type Rng } from './mutate.ts';

export interface HostTarget { port: number; token: string }
export type HostOutcome = 'success' | 'refusal' | 'failure' | 'closed' | 'hang';

const METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'get', 'G\u0000ET', 'BREW', ''];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1x', '', 'FOO'];

function target(rng: Rng, t: HostTarget): string {
  return pick(rng, [
    '/', '//', '///x', '/%E0%A4%A', '/%', '/%zz', '/%00', '/index.html', '/assets/../../../etc/passwd', '/..%2f..%2fetc%2fpasswd',
    `/?token=${t.token}`, `/?token=${t.token.slice(1)}`, '/?token=', '/api', `/api?token=${t.token}`, '*', 'http://127.0.0.1/', 'http://evil.example/',
    `/${'a'.repeat(int(rng, 100_000))}`, '/\\..\\..\\x', '/é/😀', `/${Buffer.from(randomBytes(rng, 16)).toString('latin1')}`, '/index.html?x=%', '/#frag', '',
  ]);
}

function headers(rng: Rng, t: HostTarget, upgrade: boolean): string[] {
  const host = pick(rng, [`127.0.0.1:${t.port}`, `127.0.0.1:${t.port}`, `localhost:${t.port}`, 'evil.example', '', `127.0.0.1:${t.port + 1}`]);
  const out: string[] = [];
  if (rng() < 0.9) out.push(`Host: ${host}`);
  if (rng() < 0.1) out.push(`Host: ${host}`);
  if (rng() < 0.5) out.push(`Cookie: ${pick(rng, [`whittle-token-${t.port}=${t.token}`, `whittle-token-${t.port}=nope`, '=;;;"', `a=b; whittle-token-${t.port}`, 'x'.repeat(int(rng, 20_000))])}`);
  if (rng() < 0.3) out.push(`Origin: ${pick(rng, [`http://127.0.0.1:${t.port}`, 'http://evil.example', 'null', ''])}`);
  if (upgrade) {
    out.push('Connection: Upgrade', `Upgrade: ${pick(rng, ['websocket', 'websocket', 'WebSocket', 'h2c', ''])}`);
    out.push(`Sec-WebSocket-Key: ${pick(rng, ['dGhlIHNhbXBsZSBub25jZQ==', 'dGhlIHNhbXBsZSBub25jZQ==', 'short', ''])}`);
    out.push(`Sec-WebSocket-Version: ${pick(rng, ['13', '13', '8', 'x'])}`);
  }
  if (rng() < 0.15) out.push(`Content-Length: ${pick(rng, ['0', '5', '-1', '99999999999999999999', 'abc', '1, 2'])}`);
  if (rng() < 0.1) out.push('Transfer-Encoding: chunked');
  if (rng() < 0.1) out.push(pick(rng, ['Bad Header', 'X-Ctl: \u0001\u0002', `X-Long: ${'y'.repeat(int(rng, 100_000))}`, ': empty-name', 'X-NL: a\rb']));
  if (rng() < 0.05) for (let i = 0; i < 200; i++) out.push(`X-${i}: ${i}`);
  return out;
}

/** One random request, as bytes; sometimes byte-mutated on top. */
export function randomRequest(rng: Rng, t: HostTarget): { bytes: Buffer; upgrade: boolean } {
  const upgrade = rng() < 0.2;
  const validWs = upgrade && rng() < 0.6;
  const line = validWs ? `GET /api?token=${t.token} HTTP/1.1` : `${pick(rng, METHODS)} ${target(rng, t)} ${pick(rng, VERSIONS)}`;
  const hs = validWs ? [`Host: 127.0.0.1:${t.port}`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'] : headers(rng, t, upgrade);
  let text = `${line}\r\n${hs.join('\r\n')}\r\n\r\n`;
  if (!validWs && rng() < 0.15) text = pick(rng, [text.replace(/\r\n/g, '\n'), text.slice(0, int(rng, text.length)), `${text}garbage`, text.replace(' ', '  ')]);
  return { bytes: Buffer.from(text, 'latin1'), upgrade: validWs };
}

const SAFE_CALLS = ['app.info', 'catalog.list', 'pipeline.parse', 'pipeline.validate', 'pipeline.serialize', 'examples.list', 'runs.list', 'runs.get', 'no.such', '__proto__', 'constructor'];

function frame(opcode: number, payload: Buffer, opts: { fin?: boolean; mask?: boolean; rsv?: number; claimLength?: number } = {}): Buffer {
  const fin = opts.fin ?? true;
  const mask = opts.mask ?? true;
  const length = opts.claimLength ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | (opcode & 0x0f)];
  if (length < 126) head.push((mask ? 0x80 : 0) | length);
  else if (length < 65536) head.push((mask ? 0x80 : 0) | 126, length >> 8, length & 0xff);
  else { head.push((mask ? 0x80 : 0) | 127); const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); head.push(...b); }
  const key = Buffer.from([1, 2, 3, 4]);
  const body = mask ? Buffer.from(payload.map((byte, i) => byte ^ key[i % 4])) : payload;
  return Buffer.concat([Buffer.from(head), mask ? key : Buffer.alloc(0), body]);
}

function randomPayload(rng: Rng): Buffer {
  const call = { type: pick(rng, ['call', 'call', 'event', 'x']), id: pick(rng, [1, 2, -1, 1.5, 'x', null, 2 ** 60]), name: pick(rng, SAFE_CALLS), request: pick(rng, [{}, null, [], { text: '{"format":"whittle.pipeline","version":1}' }, { document: { nodes: 'x' } }, { runId: 5 }, 'x'.repeat(int(rng, 1000))]) };
  return pick(rng, [
    Buffer.from(JSON.stringify(call)), Buffer.from(JSON.stringify(call)),
    Buffer.from(JSON.stringify(call)).subarray(0, int(rng, 40)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(randomBytes(rng, int(rng, 300))), Buffer.alloc(0),
  ]);
}

/** A few frames after a good handshake: text, binary, control frames, bad opcodes, unmasked, fragments, lies about length. */
export function randomFrames(rng: Rng): Buffer {
  const frames: Buffer[] = [];
  for (let k = 1 + int(rng, 4); k > 0; k--) {
    const payload = randomPayload(rng);
    frames.push(pick(rng, [
      () => frame(1, payload), () => frame(1, payload), () => frame(2, payload), () => frame(9, payload.subarray(0, 100)), () => frame(10, payload.subarray(0, 100)),
      () => frame(pick(rng, [3, 4, 5, 6, 7, 11, 12, 15]), payload), () => frame(1, payload, { mask: false }), () => frame(1, payload, { fin: false }),
      () => frame(0, payload), () => frame(1, payload, { rsv: 1 + int(rng, 7) }), () => frame(8, Buffer.from([0x03, 0xe7, 0x78])), () => frame(1, payload, { claimLength: 2 ** 40 }),
      () => frame(9, Buffer.alloc(200)),
    ])());
  }
  return Buffer.concat(frames);
}

/** Sends one request (and frames after a 101); resolves with how the host answered. */
export function sendCase(t: HostTarget, req: { bytes: Buffer; upgrade: boolean }, frames: Buffer | null, timeoutMs: number): Promise<HostOutcome> {
  return new Promise((resolve) => {
    const socket: Socket = connect(t.port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let settled = false;
    let upgraded = false;
    const finish = (o: HostOutcome) => { if (settled) return; settled = true; clearTimeout(timer); socket.destroy(); resolve(o); };
    const timer = setTimeout(() => finish(upgraded ? 'hang' : got.length ? statusOutcome(got) : 'hang'), timeoutMs);
    socket.on('error', () => finish(got.length ? statusOutcome(got) : 'closed'));
    socket.on('close', () => finish(upgraded ? 'closed' : got.length ? statusOutcome(got) : 'closed'));
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (!upgraded && /^HTTP\/1\.1 101 /.test(got.toString('latin1')) && got.includes('\r\n\r\n')) {
        upgraded = true;
        // Frames, then a good call: the host must answer it or close the socket.
        socket.write(Buffer.concat([frames ?? Buffer.alloc(0), frame(1, Buffer.from(JSON.stringify({ type: 'call', id: 424242, name: 'app.info', request: {} })))]));
        return;
      }
      if (upgraded) {
        const verdict = serverFrames(got.subarray(got.indexOf('\r\n\r\n') + 4));
        if (verdict) finish(verdict);
        return;
      }
      if (!upgraded && got.includes('\r\n\r\n') && !req.upgrade) finish(statusOutcome(got));
    });
    socket.write(req.bytes);
    // A request cut short will never be finished: say so (EOF), as a real client would by closing.
    if (!req.bytes.includes('\r\n\r\n')) socket.end();
  });
}

/** Reads the server's (unmasked) frames: our app.info answered -> success; a close frame -> closed. */
function serverFrames(buf: Buffer): HostOutcome | null {
  let at = 0;
  while (at + 2 <= buf.length) {
    const opcode = buf[at] & 0x0f;
    let length = buf[at + 1] & 0x7f;
    let head = 2;
    if (length === 126) { if (at + 4 > buf.length) return null; length = buf.readUInt16BE(at + 2); head = 4; }
    else if (length === 127) { if (at + 10 > buf.length) return null; length = Number(buf.readBigUInt64BE(at + 2)); head = 10; }
    if (at + head + length > buf.length) return null;
    const payload = buf.subarray(at + head, at + head + length);
    if (opcode === 8) return 'closed';
    if (opcode === 1 && payload.includes('"id":424242')) return 'success';
    at += head + length;
  }
  return null;
}

function statusOutcome(response: Buffer): HostOutcome {
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(response.toString('latin1'))?.[1] ?? 0);
  if (status >= 500) return 'failure';
  if (status >= 400) return 'refusal';
  if (status >= 100) return 'success';
  return 'failure';
}

/** The host still serves its page to a client with the token. */
export function stillServes(t: HostTarget): Promise<boolean> {
  return sendCase(t, { bytes: Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nCookie: whittle-token-${t.port}=${t.token}\r\nConnection: close\r\n\r\n`), upgrade: false }, null, 10_000).then((o) => o === 'success');
}
