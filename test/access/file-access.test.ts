// The file guard as an attacker with the session token meets it: every file-touching API call
// tried with '..', an absolute outside path, a symlink that leads out, a FIFO and a NUL byte.
// Each must be refused with a clear WhittleError, never hang (FIFO), and never echo a byte of
// the file it was pointed at.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiService } from '../../src/main/api/service.ts';
import { LENET_FIXTURE } from '../fixtures-path.ts';

const SECRET = 'TOPSECRET-4242 root:x:0:0';
const dir = mkdtempSync(join(tmpdir(), 'whittle-guard-'));
const ws = join(dir, 'ws');
const outside = join(dir, 'outside');
for (const d of [ws, outside, join(ws, 'Whittle')]) mkdirSync(d, { recursive: true });
for (const name of ['secret.json', 'secret.onnx', 'secret.npy']) writeFileSync(join(outside, name), SECRET);
mkdirSync(join(outside, 'imgs', 'cls'), { recursive: true });
copyFileSync(LENET_FIXTURE, join(ws, 'lenet.onnx'));
symlinkSync(outside, join(ws, 'link-out'));
// Uploads land in Whittle/models: a link there must not carry them out either.
symlinkSync(outside, join(ws, 'Whittle', 'models'));
for (const name of ['pipe.json', 'pipe.onnx', 'pipe.npy']) execFileSync('mkfifo', [join(ws, name)]);
mkdirSync(join(ws, 'fifo-dir'));
execFileSync('mkfifo', [join(ws, 'fifo-dir', 'x')]);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace: ws, fileScope: [ws], startupDocument: null });
// A second workspace whose upload folder is real, with a FIFO where an upload's partial file goes.
const ws2 = join(dir, 'ws2');
mkdirSync(join(ws2, 'Whittle', 'models'), { recursive: true });
execFileSync('mkfifo', [join(ws2, 'Whittle', 'models', '.attack-upload.upload')]);
const fifoUploads = createApiService({ door: 'browser', home: join(dir, 'home2'), workspace: ws2, fileScope: [ws2], startupDocument: null });
afterAll(() => { api.dispose(); fifoUploads.dispose(); });

type Attack = 'dotdot' | 'absolute' | 'symlink' | 'fifo' | 'nul';
const ATTACKS: Attack[] = ['dotdot', 'absolute', 'symlink', 'fifo', 'nul'];

/** A path of each attack for a file named like `name` (secret.<ext> outside, pipe.<ext> as FIFO). */
function attackPath(attack: Attack, ext: string): string {
  switch (attack) {
    case 'dotdot': return `../outside/secret.${ext}`;
    case 'absolute': return join(outside, `secret.${ext}`);
    case 'symlink': return join(ws, 'link-out', `secret.${ext}`);
    case 'fifo': return join(ws, `pipe.${ext}`);
    case 'nul': return `lenet.onnx\0/../../outside/secret.${ext}`;
  }
}

const doc = (modelPath: string) => ({
  format: 'whittle.pipeline', version: 2, name: 'attack',
  nodes: [{ id: 'load', kind: 'model.onnx', params: { path: modelPath } }, { id: 'save', kind: 'export', params: { path: 'out.onnx' } }],
  edges: [{ from: ['load', 'model'], to: ['save', 'model'] }],
});
const validDoc = doc('lenet.onnx');
const docPath = join(ws, 'doc.json');
writeFileSync(docPath, JSON.stringify(validDoc));

/** Every file-touching call, and the request that puts the attack path where it reads or writes. */
type Service = ReturnType<typeof createApiService>;
const CALLS: [string, (a: Attack) => [string, unknown, Service?]][] = [
  ['documents.open', (a) => ['documents.open', { path: attackPath(a, 'json') }]],
  ['documents.save', (a) => ['documents.save', { path: attackPath(a, 'json'), document: validDoc }]],
  ['documents.saveAs', (a) => ['documents.saveAs', { path: attackPath(a, 'json'), document: validDoc }]],
  ['files.list', (a) => ['files.list', { dir: a === 'fifo' ? join(ws, 'fifo-dir', 'x') : a === 'symlink' ? join(ws, 'link-out') : attackPath(a, 'json').replace(/secret\.json$/, '') }]],
  ['files.upload', (a) => ['files.upload', {
    name: a === 'symlink' || a === 'fifo' ? 'model.onnx' : attackPath(a, 'onnx'),
    uploadId: 'attack-upload', offsetBytes: 0, totalBytes: 4, dataBase64: 'AAAAAA==',
  }, a === 'fifo' ? fifoUploads : api]],
  ['datasets.preview (tensors)', (a) => ['datasets.preview', { kind: 'dataset.tensors', params: { path: attackPath(a, 'npy') }, documentPath: docPath }]],
  ['datasets.preview (images)', (a) => ['datasets.preview', { kind: 'dataset.images', params: { path: a === 'fifo' ? join(ws, 'pipe.npy') : attackPath(a, 'npy').replace(/secret\.npy$/, 'imgs') }, documentPath: docPath }]],
  ['models.view', (a) => ['models.view', { path: attackPath(a, 'onnx') }]],
  ['devices.profile', (a) => ['devices.profile', { deviceId: 'none', modelPath: attackPath(a, 'onnx') }]],
  ['devices.add key file', (a) => ['devices.add', { name: 'b', transport: 'ssh', host: '127.0.0.1', port: 22, user: 'u', auth: { kind: 'key', keyPath: attackPath(a, 'onnx'), hasPassphrase: false } }]],
  ['runs.start documentPath', (a) => ['runs.start', { document: validDoc, documentPath: attackPath(a, 'json') }]],
  ['runs.start outDir', (a) => ['runs.start', { document: validDoc, documentPath: docPath, outDir: a === 'fifo' ? join(ws, 'pipe.onnx') : attackPath(a, 'json').replace(/secret\.json$/, '') }]],
  ['runs.start allowedPaths', (a) => ['runs.start', { document: doc(attackPath(a, 'onnx')), documentPath: docPath, allowedPaths: [attackPath(a, 'onnx')] }]],
  ['runs.start model path', (a) => ['runs.start', { document: doc(attackPath(a, 'onnx')), documentPath: docPath }]],
  // Exports resolve in whittle-out/<run>/: three levels up leave the workspace.
  ['runs.start export path', (a) => ['runs.start', { document: { ...validDoc, nodes: [validDoc.nodes[0], { id: 'save', kind: 'export', params: { path: a === 'dotdot' ? '../../../outside/secret.onnx' : attackPath(a, 'onnx') } }] }, documentPath: docPath }]],
];


describe('every file-touching call refuses every attack', () => {
  for (const [label, build] of CALLS) {
    for (const attack of ATTACKS) {
      it(`${label} × ${attack}`, async () => {
        const [name, request, service = api] = build(attack);
        const res = await service.dispatch(name, request);
        if (process.env.WHITTLE_PRINT_REFUSALS && !res.ok) console.log(`${label} × ${attack}: ${res.error.code} — ${res.error.message}`);
        expect(res.ok, JSON.stringify(res)).toBe(false);
        if (res.ok) return;
        expect(res.error.code).toMatch(/^(files|documents|pipeline)\./);
        expect(res.error.code).not.toBe('internal');
        expect(res.error.message.length).toBeGreaterThan(10);
        expect(`${res.error.message} ${res.error.hint ?? ''}`).not.toContain('TOPSECRET');
      }, 10_000);
    }
  }

  it('wrote nothing outside the workspace and listed no link that leads out', async () => {
    expect(existsSync(join(outside, 'out.onnx'))).toBe(false);
    expect(existsSync(join(outside, 'model.onnx'))).toBe(false);
    const listing = await api.call('files.list', {});
    expect(listing.entries.map((e) => e.name)).not.toContain('link-out');
    expect(listing.entries.map((e) => e.name)).not.toContain('pipe.json');
  });

  it('still serves what is inside: a model, a listing, a save and a run', async () => {
    const listing = await api.call('files.list', {});
    expect(listing.entries.map((e) => e.name)).toContain('lenet.onnx');
    await api.call('documents.save', { path: 'saved.json', document: validDoc as never });
    const { runId } = await api.call('runs.start', { document: validDoc as never, documentPath: docPath });
    const record = await api.ctx.runner.wait(runId);
    expect(record.status, JSON.stringify(record.error)).toBe('done');
    expect(record.nodes.save.metrics.exportedPath).toBe(join(ws, 'whittle-out', runId, 'out.onnx'));
  });
});
