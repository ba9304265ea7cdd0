// Runs in the history as the results view uses them: named after the document's file when
// the document kept the default name, renamed, tagged, noted, listed per document (to
// restore a reopened document's last results) and deleted — all kept in the record file.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiService } from '../../src/main/api/service.ts';
import { runName } from '../../src/shared/results/run-name.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-runs-'));
const api = createApiService({ door: 'cli', home: join(dir, 'home') });
afterAll(() => { api.dispose(); rmSync(dir, { recursive: true, force: true }); });

const DOC = { format: 'whittle.pipeline', version: 1, name: 'Untitled pipeline', nodes: [{ id: 'z', kind: 'model.zoo', params: { arch: 'mlp' }, position: { x: 0, y: 0 } }], edges: [] };

async function runFile(file: string | null, name = 'Untitled pipeline'): Promise<string> {
  const text = JSON.stringify({ ...DOC, name });
  let documentPath: string | null = null;
  if (file) { documentPath = join(dir, file); writeFileSync(documentPath, text); }
  const { document } = await api.call('pipeline.parse', { text });
  const { runId } = await api.call('runs.start', { document: document!, documentPath, outDir: dir });
  await api.ctx.runner.wait(runId);
  return runId;
}

describe('run names', () => {
  it('uses the document name, else the file name, else the default', () => {
    expect(runName('LeNet-5 sweep', '/a/b.json')).toBe('LeNet-5 sweep');
    expect(runName('Untitled pipeline', '/work/mobilenet-int8.json')).toBe('mobilenet-int8');
    expect(runName('  ', 'C:\\pipes\\yolo.JSON')).toBe('yolo');
    expect(runName('Untitled pipeline', null)).toBe('Untitled pipeline');
  });
});

describe('runs.update, runs.list by document, runs.delete', () => {
  let a = '';
  let b = '';
  let c = '';
  it('names runs after their file', async () => {
    a = await runFile('alpha.json');
    b = await runFile('beta.json', 'Beta net');
    c = await runFile(null);
    const { runs } = await api.call('runs.list', {});
    const names = Object.fromEntries(runs.map((r) => [r.id, r.name]));
    expect(names[a]).toBe('alpha');
    expect(names[b]).toBe('Beta net');
    expect(names[c]).toBe('Untitled pipeline');
  }, 60_000);

  it('renames, tags and notes a run, and keeps it in the record file', async () => {
    const { run } = await api.call('runs.update', { runId: a, name: '  alpha, first try ', tags: ['baseline', ' int8 ', 'baseline', ''], note: 'before fine-tuning' });
    expect(run).toMatchObject({ name: 'alpha, first try', tags: ['baseline', 'int8'], note: 'before fine-tuning' });
    const onDisk = JSON.parse(readFileSync(join(dir, 'home', 'runs', `${a}.json`), 'utf8'));
    expect(onDisk).toMatchObject({ name: 'alpha, first try', tags: ['baseline', 'int8'], note: 'before fine-tuning' });
    // Only what is sent changes.
    const again = await api.call('runs.update', { runId: a, note: '' });
    expect(again.run).toMatchObject({ name: 'alpha, first try', tags: ['baseline', 'int8'], note: '' });
    expect((await api.call('runs.get', { runId: a })).run.tags).toEqual(['baseline', 'int8']);
  });

  it('refuses an empty name, a long tag and an unknown run with clear errors', async () => {
    await expect(api.call('runs.update', { runId: a, name: '   ' })).rejects.toMatchObject({ code: 'runs.bad-name' });
    await expect(api.call('runs.update', { runId: a, tags: ['x'.repeat(41)] })).rejects.toMatchObject({ code: 'runs.bad-tag', hint: expect.any(String) });
    await expect(api.call('runs.update', { runId: '20990101-000000-ffffff', name: 'x' })).rejects.toMatchObject({ code: 'runs.not-found' });
    await expect(api.call('runs.update', { runId: '../etc/passwd', name: 'x' })).rejects.toMatchObject({ code: 'runs.bad-id' });
  });

  it('lists the runs of one document, newest first (what a reopened document restores)', async () => {
    const again = await runFile('alpha.json');
    const { runs } = await api.call('runs.list', { documentPath: join(dir, 'alpha.json') });
    expect(runs.map((r) => r.id)).toEqual([again, a]);
    expect((await api.call('runs.list', { documentPath: join(dir, 'nothing.json') })).runs).toEqual([]);
  }, 60_000);

  it('deletes a run: gone from the list and from runs.get', async () => {
    await api.call('runs.delete', { runId: b });
    expect((await api.call('runs.list', {})).runs.map((r) => r.id)).not.toContain(b);
    await expect(api.call('runs.get', { runId: b })).rejects.toMatchObject({ code: 'runs.not-found' });
    await expect(api.call('runs.delete', { runId: b })).rejects.toMatchObject({ code: 'runs.not-found' });
  });
});
