// The guard's rules one by one: roots by real path, read-only roots win for writes, files to
// write may not exist yet (their nearest folder is checked), dangling links are refused; and
// files.upload: chunks reassembled, names never replace a file, only plain names accepted.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAccess } from '../../src/main/access/guard.ts';
import { createApiService } from '../../src/main/api/service.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-guard-unit-'));
const ws = join(dir, 'ws');
const app = join(ws, 'app');
mkdirSync(join(app, 'examples'), { recursive: true });
writeFileSync(join(ws, 'a.onnx'), 'x');
writeFileSync(join(app, 'examples', 'e.json'), '{}');
symlinkSync(join(dir, 'nowhere', 'target.onnx'), join(ws, 'dangling.onnx'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const access = new FileAccess({ roots: [{ path: ws, writable: true }, { path: app, writable: false }], widenHint: 'widen' });
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('FileAccess', () => {
  it('reads inside a root, by relative or absolute path', () => {
    expect(access.check('a.onnx', 'read-file', ws)).toBe(join(ws, 'a.onnx'));
    expect(access.check(join(ws, 'a.onnx'), 'read', '/')).toBe(join(ws, 'a.onnx'));
    expect(code(() => access.check('missing.onnx', 'read-file', ws))).toBe('files.not-found');
    expect(code(() => access.check('a.onnx', 'read-folder', ws))).toBe('files.not-folder');
    expect(code(() => access.check('.', 'read-file', ws))).toBe('files.is-folder');
  });

  it('writes a file that does not exist yet, in folders that do not exist yet', () => {
    expect(access.check('new/deeper/out.onnx', 'write-file', ws)).toBe(join(ws, 'new', 'deeper', 'out.onnx'));
  });

  it('never writes inside a read-only root, even one that a writable root holds', () => {
    expect(access.check(join(app, 'examples', 'e.json'), 'read-file', '/')).toBe(join(app, 'examples', 'e.json'));
    expect(code(() => access.check(join(app, 'examples', 'e.json'), 'write-file', '/'))).toBe('files.read-only');
    expect(access.canWrite(join(app, 'x'))).toBe(false);
    expect(access.canWrite(join(ws, 'x'))).toBe(true);
  });

  it('refuses a dangling link (following it on write would create a file outside)', () => {
    expect(code(() => access.check('dangling.onnx', 'write-file', ws))).toBe('files.not-regular');
  });

  it('answers outside paths the same whether they exist or not', () => {
    expect(code(() => access.check(join(dir, 'nope.onnx'), 'read-file', '/'))).toBe('files.outside-roots');
    writeFileSync(join(dir, 'exists.onnx'), 'x');
    expect(code(() => access.check(join(dir, 'exists.onnx'), 'read-file', '/'))).toBe('files.outside-roots');
  });

  it('gives roots added later (a dialog pick) their rights', () => {
    const more = new FileAccess({ roots: [], widenHint: 'widen' });
    expect(code(() => more.check(join(ws, 'a.onnx'), 'read-file', '/'))).toBe('files.outside-roots');
    more.addRoot(join(ws, 'a.onnx'), false);
    expect(more.check(join(ws, 'a.onnx'), 'read-file', '/')).toBe(join(ws, 'a.onnx'));
    expect(code(() => more.check(join(ws, 'a.onnx'), 'write-file', '/'))).toBe('files.read-only');
  });
});

describe('files.upload', () => {
  const upload = join(dir, 'upload-ws');
  mkdirSync(upload);
  const api = createApiService({ door: 'browser', home: join(dir, 'home'), workspace: upload, fileScope: [upload], startupDocument: null });
  afterAll(() => api.dispose());
  const send = (name: string, uploadId: string, chunks: Buffer[]) => chunks.reduce<Promise<{ path: string; done: boolean; offset: number }>>(async (prev, chunk) => {
    const { offset } = await prev;
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const res = await api.call('files.upload', { name, uploadId, offsetBytes: offset, totalBytes: total, dataBase64: chunk.toString('base64') });
    return { path: res.path, done: res.done, offset: res.receivedBytes };
  }, Promise.resolve({ path: '', done: false, offset: 0 }));

  it('reassembles chunks into Whittle/models and never replaces a file of the same name', async () => {
    const first = await send('m.onnx', 'upload-0001', [Buffer.from('abc'), Buffer.from('def')]);
    expect(first.done).toBe(true);
    expect(first.path).toBe(join(upload, 'Whittle', 'models', 'm.onnx'));
    expect(readFileSync(first.path, 'utf8')).toBe('abcdef');
    const second = await send('m.onnx', 'upload-0002', [Buffer.from('xyz')]);
    expect(second.path).toBe(join(upload, 'Whittle', 'models', 'm-1.onnx'));
    expect(readFileSync(first.path, 'utf8')).toBe('abcdef');
  });

  it('refuses a gap, a type Whittle does not use, and a name with a folder in it', async () => {
    await expect(api.call('files.upload', { name: 'g.onnx', uploadId: 'upload-0003', offsetBytes: 10, totalBytes: 20, dataBase64: 'AA==' })).rejects.toMatchObject({ code: 'files.upload-gap' });
    await expect(api.call('files.upload', { name: 'run.sh', uploadId: 'upload-0004', offsetBytes: 0, totalBytes: 1, dataBase64: 'AA==' })).rejects.toMatchObject({ code: 'files.bad-type' });
    await expect(api.call('files.upload', { name: 'sub/x.onnx', uploadId: 'upload-0005', offsetBytes: 0, totalBytes: 1, dataBase64: 'AA==' })).rejects.toMatchObject({ code: 'files.bad-name' });
  });
});
