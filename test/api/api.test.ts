// The API service as every door sees it: dispatch by name with schema-checked requests,
// errors as data, documents (bad files lose nothing, saves are stable and relative),
// examples, autosave, runs and the file browser's scope.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiService } from '../../src/main/api/service.ts';
import type { RunEvent } from '../../src/shared/api/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-api-'));
const workspace = join(dir, 'ws');
mkdirSync(workspace);
const api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace, fileScope: [workspace] });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dispatch', () => {
  it('answers an unknown call and a malformed request with error data, not a throw', async () => {
    expect(await api.dispatch('files.delete', {})).toEqual({ ok: false, error: expect.objectContaining({ code: 'api.unknown-call' }) });
    const bad = await api.dispatch('runs.get', { runId: 42 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'api.bad-request', message: expect.stringContaining('runId') } });
  });

  it('lists the catalog', async () => {
    const { kinds } = await api.call('catalog.list', {});
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['model.onnx', 'export']));
  });
});

describe('documents', () => {
  const write = (name: string, text: string) => {
    const p = join(workspace, name);
    writeFileSync(p, text);
    return p;
  };

  it('opens the example and reports no problems', async () => {
    const { example } = await api.call('examples.get', { id: 'lenet5' });
    const api2 = createApiService({ door: 'cli', home: join(dir, 'home') });
    const opened = await api2.call('documents.open', { path: example.path });
    expect(opened).toMatchObject({ canceled: false, problems: [] });
  });

  it('gives a clear problem for truncated, non-JSON, wrong-format and newer-version files', async () => {
    const text = readFileSync(new URL('../../resources/examples/lenet5.json', import.meta.url), 'utf8');
    const cases: [string, string, string][] = [
      ['truncated.json', text.slice(0, 100), 'pipeline.truncated'],
      ['notjson.json', 'hello world', 'pipeline.not-json'],
      ['model.json', '{"layers": [1, 2]}', 'pipeline.wrong-format'],
      ['newer.json', text.replace('"version": 2', '"version": 3'), 'pipeline.version-newer'],
      ['newkind.json', text.replace('"kind": "export"', '"kind": "export", "kindVersion": 9'), 'pipeline.kind-newer'],
    ];
    for (const [name, body, code] of cases) {
      const opened = await api.call('documents.open', { path: write(name, body) });
      expect(opened.canceled ? null : opened.problems[0].code, name).toBe(code);
    }
  });

  it('refuses a 50 MB file before reading it', async () => {
    const p = write('huge.json', '');
    truncateSync(p, 50 * 1024 * 1024);
    await expect(api.call('documents.open', { path: p })).rejects.toMatchObject({ code: 'pipeline.too-large', message: expect.stringContaining('50.0 MB') });
  });

  it('refuses paths outside the workspace in the browser host', async () => {
    await expect(api.call('documents.open', { path: '/etc/hostname' })).rejects.toMatchObject({ code: 'files.outside-roots' });
    await expect(api.call('files.list', { dir: '/etc' })).rejects.toMatchObject({ code: 'files.outside-roots' });
  });

  it('saves stable bytes with paths made relative to the new folder', async () => {
    const { document, example } = await api.call('examples.get', { id: 'lenet5' });
    const scoped = createApiService({ door: 'electron', home: join(dir, 'home') });
    const target = join(workspace, 'sub', 'mine.json');
    const saved = await scoped.call('documents.save', { path: target, document, fromPath: example.path });
    const onDisk = readFileSync(target, 'utf8');
    expect(saved.text).toBe(onDisk);
    const reopened = await scoped.call('documents.open', { path: target });
    if (reopened.canceled) throw new Error('unexpected');
    expect(reopened.document!.nodes[0].params.path).toMatch(/^(\.\.\/)+.*resources\/models\/lenet5-mnist\.onnx$/);
    expect(reopened.problems).toEqual([]);
    const again = await scoped.call('documents.save', { path: target, document: reopened.document! });
    expect(again.text).toBe(onDisk);
    await expect(scoped.call('documents.saveAs', { document })).rejects.toMatchObject({ code: 'documents.path-required' });
    await expect(scoped.call('documents.save', { path: example.path, document })).rejects.toMatchObject({ code: 'documents.example-read-only' });
  });

  it('lists the workspace, folders first, filtered by extension', async () => {
    const listing = await api.call('files.list', { extensions: ['json'] });
    expect(listing.root).toBe(workspace);
    expect(listing.parent).toBeNull();
    expect(listing.entries[0]).toMatchObject({ kind: 'dir', name: 'sub' });
    expect(listing.entries.every((e) => e.kind === 'dir' || e.name.endsWith('.json'))).toBe(true);
  });
});

describe('autosave', () => {
  it('writes, reads back and clears', async () => {
    const { document } = await api.call('examples.get', { id: 'lenet5' });
    expect((await api.call('autosave.read', {})).entry).toBeNull();
    await api.call('autosave.write', { document, documentPath: null, dirty: true });
    expect((await api.call('autosave.read', {})).entry).toMatchObject({ document, documentPath: null, dirty: true });
    await api.call('autosave.clear', {});
    expect((await api.call('autosave.read', {})).entry).toBeNull();
  });
});

describe('runs', () => {
  it('starts the example, streams events, and keeps the record in history', async () => {
    const events: RunEvent[] = [];
    api.on('run.event', (e) => events.push(e));
    const { document, example } = await api.call('examples.get', { id: 'lenet5' });
    const { runId } = await api.call('runs.start', { document, documentPath: example.path, outDir: join(workspace, 'out') });
    const record = await api.ctx.runner.wait(runId);
    expect(record.status).toBe('done');
    expect(events.filter((e) => e.runId === runId).map((e) => e.type)).toEqual(expect.arrayContaining(['run.started', 'queued', 'started', 'progress', 'finished', 'run.finished']));
    expect((await api.call('runs.get', { runId })).run.nodes.model.metrics.parameters).toBe(61706);
    const { runs } = await api.call('runs.list', {});
    expect(runs[0]).toMatchObject({ id: runId, status: 'done', nodeCount: 2, failedNodeIds: [] });
    await expect(api.call('runs.get', { runId: '../../etc/passwd' })).rejects.toMatchObject({ code: 'runs.bad-id' });
  });

  it('refuses to run an invalid document, with the problem and its node', async () => {
    const { document } = await api.call('examples.get', { id: 'lenet5' });
    const broken = { ...document, edges: [] };
    await expect(api.call('runs.start', { document: broken })).rejects.toMatchObject({ code: 'pipeline.invalid', nodeId: 'export' });
  });
});
