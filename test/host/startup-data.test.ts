// The page the browser host serves carries the start-up data (app info, catalog, autosave,
// the start-up document opened): only to a request with the token, escaped so that nothing
// in a document can end the script element, and equal to what the calls answer.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiService } from '../../src/main/api/service.ts';
import { startHost, type HostServer } from '../../src/main/host/server.ts';
import { parseStartupData, scriptSafeJson, STARTUP_DATA_ELEMENT_ID } from '../../src/shared/api/startup.ts';
import { gatherStartup } from '../../src/renderer/app/startupData.ts';
import { createApiClient, type ApiClient } from '../../src/shared/api/client.ts';

const HOSTILE_NAME = 'Hostile </script><script>alert(1)</script> <!-- & \u2028\u2029 name';
const PAGE = '<!doctype html><html><head><title>Whittle</title><script type="module" src="./assets/index.js"></script></head><body><div id="root"></div></body></html>';

const dir = mkdtempSync(join(tmpdir(), 'whittle-startup-'));
const hosts: HostServer[] = [];

function serve(startupDocument: string | null): Promise<HostServer> {
  const staticDir = join(dir, 'static');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), PAGE);
  const api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace: dir, fileScope: [dir], startupDocument });
  return startHost({ api, staticDir, port: 0 }).then((h) => (hosts.push(h), h));
}

function get(host: HostServer, path: string, opts: { cookie?: boolean; method?: string } = {}): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { Host: `127.0.0.1:${host.port}` };
  if (opts.cookie !== false) headers.Cookie = `whittle-token-${host.port}=${host.token}`;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The element's text, as the page's parser would read it (up to the first `</script`). */
function elementText(html: string): string | null {
  const open = `<script type="application/json" id="${STARTUP_DATA_ELEMENT_ID}">`;
  const at = html.indexOf(open);
  if (at < 0) return null;
  const start = at + open.length;
  return html.slice(start, html.toLowerCase().indexOf('</script', start));
}

/** A client that answers through the service and records every call it is asked for. */
function recordingClient(api: ReturnType<typeof createApiService>, calls: string[]): ApiClient {
  return createApiClient({ invoke: (name, request) => (calls.push(name), api.dispatch(name, request)), on: () => () => undefined });
}

beforeAll(() => {
  const doc = { format: 'whittle.pipeline', version: 1, name: HOSTILE_NAME, nodes: [{ id: 'm', kind: 'model.onnx', params: { path: 'models/</script>.onnx' } }], edges: [] };
  writeFileSync(join(dir, 'start.json'), JSON.stringify(doc));
});
afterAll(async () => {
  for (const h of hosts) await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('start-up data in the served page', () => {
  it('carries what the four calls answer, with nothing in it the HTML parser reads as markup', async () => {
    const host = await serve(join(dir, 'start.json'));
    const page = await get(host, '/');
    expect(page.status).toBe(200);
    const text = elementText(page.body);
    expect(text).not.toBeNull();
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    // The element closes where the host closed it: the page goes on with the original body.
    expect(page.body.endsWith(`</script></body></html>`)).toBe(true);
    const data = parseStartupData(text);
    expect(data).not.toBeNull();
    const api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace: dir, fileScope: [dir], startupDocument: join(dir, 'start.json') });
    expect(data!.info).toEqual(await api.call('app.info', {}));
    expect(data!.catalog).toEqual(await api.call('catalog.list', {}));
    expect(data!.autosave).toEqual(await api.call('autosave.read', {}));
    expect(data!.opened).toEqual({ ok: true, value: await api.call('documents.open', { path: join(dir, 'start.json') }) });
    const opened = data!.opened!.ok ? data!.opened!.value as { document: { name: string } } : null;
    expect(opened?.document.name).toBe(HOSTILE_NAME);
  });

  it('is only in the page for a request with the token, and not in a HEAD answer or other files', async () => {
    const host = await serve(join(dir, 'start.json'));
    const noToken = await get(host, '/', { cookie: false });
    expect(noToken.status).toBe(401);
    expect(noToken.body).not.toContain(STARTUP_DATA_ELEMENT_ID);
    expect(noToken.body).not.toContain('Hostile');
    expect((await get(host, '/', { method: 'HEAD' })).body).toBe('');
    expect((await get(host, '/index.html')).body).toContain(STARTUP_DATA_ELEMENT_ID);
  });

  it('carries a start-up document that cannot be opened as its failure, and none when there is none', async () => {
    const missing = await serve(join(dir, 'gone.json'));
    const data = parseStartupData(elementText((await get(missing, '/')).body));
    expect(data?.opened).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.stringContaining('gone.json') } });
    const none = await serve(null);
    expect(parseStartupData(elementText((await get(none, '/')).body))?.opened).toBeNull();
  });
});

describe('scriptSafeJson and parseStartupData', () => {
  it('round-trips any string, including ones that would end a script element', () => {
    const value = { s: '</script><!--<script>&\u2028\u2029>', nested: ['</SCRIPT>', 'é😀'] };
    const text = scriptSafeJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('refuses what is not start-up data', () => {
    for (const text of [null, '', 'not json', '[]', '{}', '{"info":{},"catalog":{"kinds":{}},"autosave":{},"opened":null}', '{"info":{},"catalog":{"kinds":[]},"autosave":{},"opened":{"x":1}}']) {
      expect(parseStartupData(text)).toBeNull();
    }
    expect(parseStartupData('{"info":{},"catalog":{"kinds":[]},"autosave":{"entry":null},"opened":null}')).not.toBeNull();
  });
});

describe('the renderer at start-up (gatherStartup)', () => {
  it('makes no call when the page carries the data, and opens the document from it', async () => {
    const host = await serve(join(dir, 'start.json'));
    const data = parseStartupData(elementText((await get(host, '/')).body));
    const calls: string[] = [];
    const api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace: dir, fileScope: [dir], startupDocument: join(dir, 'start.json') });
    const startup = await gatherStartup(recordingClient(api, calls), data);
    const opened = await startup.opening;
    expect(calls).toEqual([]);
    expect(startup.catalog.kinds.length).toBeGreaterThan(0);
    expect(opened && !opened.canceled ? opened.document?.name : null).toBe(HOSTILE_NAME);
  });

  it('falls back to the calls when the page has no data (Electron, the dev server)', async () => {
    const calls: string[] = [];
    const api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace: dir, fileScope: [dir], startupDocument: join(dir, 'start.json') });
    const startup = await gatherStartup(recordingClient(api, calls), null);
    const opened = await startup.opening;
    expect([...calls].sort()).toEqual(['app.info', 'autosave.read', 'catalog.list', 'documents.open']);
    expect(startup.info.startupDocument).toBe(join(dir, 'start.json'));
    expect(opened && !opened.canceled ? opened.document?.name : null).toBe(HOSTILE_NAME);
  });

  it('rejects the opening with the failure the page carries', async () => {
    const host = await serve(join(dir, 'gone.json'));
    const data = parseStartupData(elementText((await get(host, '/')).body));
    const startup = await gatherStartup(recordingClient(createApiService({ door: 'browser', home: join(dir, 'home') }), []), data);
    await expect(startup.opening).rejects.toMatchObject({ message: expect.stringContaining('gone.json'), hint: expect.any(String) });
  });
});
