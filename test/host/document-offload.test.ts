// A 100,000-node document's text sent to the browser host is parsed and validated off the
// main thread: a second client's call is answered before the first one's, and both are right.
// Calls with a document too large for the main thread are refused by node count.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiService } from '../../src/main/api/service.ts';
import { createDocumentOffload } from '../../src/main/host/document-offload.ts';
import { startHost, type HostServer } from '../../src/main/host/server.ts';
import { chainDocument } from '../../bench/documents.bench.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-offload-'));
let host: HostServer;
let api: ReturnType<typeof createApiService>;

beforeAll(async () => {
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace: dir, fileScope: [dir] });
  host = await startHost({ api, staticDir: dir, port: 0, offload: createDocumentOffload({ workspace: dir }) });
});
afterAll(async () => {
  await host.close();
  api.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

type Reply = { id: number; envelope: { ok: boolean; value?: { document?: { nodes: unknown[] }; problems?: { code: string }[]; whittleVersion?: string }; error?: { code: string; message: string } } };
function call(ws: WebSocket, id: number, name: string, request: unknown, order: number[]): Promise<Reply> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const reply = JSON.parse(String(data)) as Reply;
      if (reply.id !== id) return;
      ws.off('message', onMessage);
      order.push(id);
      resolve(reply);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, name, request }));
  });
}

describe('browser host: large documents', () => {
  it('answers a second client while the first has a 100,000-node document validated', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const order: number[] = [];
    const big = call(a, 1, 'pipeline.parse', { text: JSON.stringify(chainDocument(100_000, { cycle: true })) }, order);
    const small = await call(b, 2, 'app.info', {}, order);
    const bigReply = await big;
    expect(order).toEqual([2, 1]);
    expect(small.envelope.value?.whittleVersion).toEqual(expect.any(String));
    expect(bigReply.envelope.error).toBeUndefined();
    expect(bigReply.envelope.ok).toBe(true);
    expect(bigReply.envelope.value?.document?.nodes).toHaveLength(100_000);
    expect(bigReply.envelope.value?.problems?.filter((p) => p.code === 'pipeline.cycle')).toHaveLength(99_999);
    a.close();
    b.close();
  }, 120_000);

  it('refuses runs.start and pipeline.validate of a document over the main-thread limit, naming its node count', async () => {
    const ws = await open();
    for (const name of ['runs.start', 'pipeline.validate']) {
      const reply = await call(ws, 3, name, { document: chainDocument(20_000) }, []);
      expect(reply.envelope.ok).toBe(false);
      expect(reply.envelope.error?.code).toBe('host.document-too-large');
      expect(reply.envelope.error?.message).toContain('20,000 nodes');
    }
    ws.close();
  }, 60_000);

  it('a large frame that is not JSON closes that socket only', async () => {
    const ws = await open();
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send(`{${'x'.repeat(200_000)}`);
    expect(await closed).toBe(1008);
    const again = await open();
    expect((await call(again, 4, 'app.info', {}, [])).envelope.ok).toBe(true);
    again.close();
  }, 60_000);
});
