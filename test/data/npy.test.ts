// The .npy parser and the .npz zip reader on files written byte by byte in the test,
// and the tensors dataset built from them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/main/data/npy.ts';
import { loadTensors, readNpz } from '../../src/main/data/tensors.ts';
import { openDataset } from '../../src/main/data/open.ts';
import { isWhittleError } from '../../src/shared/errors.ts';

/** A version-1 .npy: magic, version, header length, header padded with spaces to 64 bytes, payload. */
function npy(descr: string, shape: number[], payload: Uint8Array, fortran = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(payload, 10 + header.length);
  return out;
}

function le(values: number[], bytesPer: number, write: (v: DataView, o: number, x: number) => void): Uint8Array {
  const buf = new Uint8Array(values.length * bytesPer);
  const v = new DataView(buf.buffer);
  values.forEach((x, i) => write(v, i * bytesPer, x));
  return buf;
}
const f32 = (xs: number[]) => le(xs, 4, (v, o, x) => v.setFloat32(o, x, true));
const f64 = (xs: number[]) => le(xs, 8, (v, o, x) => v.setFloat64(o, x, true));
const i64 = (xs: number[]) => le(xs, 8, (v, o, x) => v.setBigInt64(o, BigInt(x), true));

/** A zip with one entry per file; method 0 (stored) or 8 (deflate). */
function zip(files: { name: string; data: Uint8Array }[], method: 0 | 8): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const name = new TextEncoder().encode(f.name);
    const body = method === 8 ? new Uint8Array(deflateRawSync(f.data)) : f.data;
    const crc = crc32(f.data);
    const local = new Uint8Array(30 + name.length + body.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true); lv.setUint16(4, 20, true); lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true); lv.setUint32(18, body.length, true); lv.setUint32(22, f.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30); local.set(body, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true); cv.setUint16(4, 20, true); cv.setUint16(6, 20, true); cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true); cv.setUint32(20, body.length, true); cv.setUint32(24, f.data.length, true);
    cv.setUint16(28, name.length, true); cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local); centrals.push(central);
    offset += local.length;
  }
  const dirSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true); ev.setUint16(8, files.length, true); ev.setUint16(10, files.length, true);
  ev.setUint32(12, dirSize, true); ev.setUint32(16, offset, true);
  return Buffer.concat([...locals, ...centrals, end]);
}

function code(fn: () => unknown): string {
  try { fn(); } catch (e) { return isWhittleError(e) ? e.code : `not a WhittleError: ${String(e)}`; }
  return 'no error';
}

describe('parseNpy', () => {
  it('reads float32, float64, uint8 and int64 little-endian arrays in C order', () => {
    const a = parseNpy(npy('<f4', [2, 3], f32([1, 2, 3, 4.5, -5, 6])));
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4.5, -5, 6]);
    const b = parseNpy(npy('<f8', [3], f64([0.25, -1e10, 3])));
    expect(b.dtype).toBe('<f8');
    expect(Array.from(b.data)).toEqual([0.25, Math.fround(-1e10), 3]);
    const c = parseNpy(npy('|u1', [2, 2], Uint8Array.from([0, 127, 128, 255])));
    expect(Array.from(c.data)).toEqual([0, 127, 128, 255]);
    const d = parseNpy(npy('<i8', [4], i64([0, 1, 9, 123456789])));
    expect(Array.from(d.raw as BigInt64Array, Number)).toEqual([0, 1, 9, 123456789]);
    expect(Array.from(d.data)).toEqual([0, 1, 9, Math.fround(123456789)]);
    const scalar = parseNpy(npy('<f4', [], f32([7])));
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([7]);
  });

  it('reads a version-2 header (4-byte length)', () => {
    const v1 = npy('<f4', [2], f32([1, 2]));
    const headerLen = v1[8] | (v1[9] << 8);
    const v2 = new Uint8Array(v1.length + 2);
    v2.set(v1.subarray(0, 8)); v2[6] = 2;
    new DataView(v2.buffer).setUint32(8, headerLen, true);
    v2.set(v1.subarray(10), 12);
    expect(Array.from(parseNpy(v2).data)).toEqual([1, 2]);
  });

  it('refuses Fortran order, unsupported or big-endian types, truncation and non-npy bytes', () => {
    expect(code(() => parseNpy(npy('<f4', [2, 2], f32([1, 2, 3, 4]), true)))).toBe('data.bad-npy');
    expect(() => parseNpy(npy('<f4', [2, 2], f32([1, 2, 3, 4]), true))).toThrow(/Fortran/);
    expect(() => parseNpy(npy('<c8', [1], f32([1, 2])))).toThrow(/'<c8' is not supported/);
    expect(() => parseNpy(npy('>f4', [1], f32([1])))).toThrow(/'>f4'/);
    expect(() => parseNpy(npy('<f4', [4], f32([1, 2])))).toThrow(/needs 16 bytes/);
    expect(code(() => parseNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])))).toBe('data.bad-npy');
  });
});

describe('.npz and the tensors dataset', () => {
  const x = npy('<f4', [3, 2, 2], f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
  const y = npy('<i8', [3], i64([2, 0, 1]));

  it('reads stored and deflated members by name', () => {
    for (const method of [0, 8] as const) {
      const arrays = readNpz(zip([{ name: 'x.npy', data: x }, { name: 'y.npy', data: y }], method), 't.npz');
      expect([...arrays.keys()]).toEqual(['x', 'y']);
      expect(arrays.get('x')!.shape).toEqual([3, 2, 2]);
      expect(Array.from(arrays.get('y')!.data)).toEqual([2, 0, 1]);
    }
  });

  it('builds a dataset from x/y of an .npz, or from two .npy files, with scaling', () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-npz-'));
    writeFileSync(join(dir, 'd.npz'), zip([{ name: 'x.npy', data: x }, { name: 'y.npy', data: y }], 8));
    const ds = loadTensors({ path: join(dir, 'd.npz'), scale: 0.5 });
    expect(ds.size).toBe(3);
    expect(ds.sampleShape).toEqual([2, 2]);
    expect(Array.from(ds.inputs.subarray(4, 8))).toEqual([2, 2.5, 3, 3.5]);
    expect(Array.from(ds.labels!)).toEqual([2, 0, 1]);
    expect(ds.numClasses).toBe(3);
    writeFileSync(join(dir, 'x.npy'), x);
    writeFileSync(join(dir, 'y.npy'), npy('|u1', [2], Uint8Array.from([1, 1])));
    expect(code(() => loadTensors({ path: join(dir, 'x.npy'), labelsPath: join(dir, 'y.npy') }))).toBe('data.bad-labels');
    expect(code(() => loadTensors({ path: join(dir, 'd.npz'), inputsKey: 'images' }))).toBe('data.npz-key');
    expect(code(() => loadTensors({ path: join(dir, 'missing.npy') }))).toBe('data.not-found');
    writeFileSync(join(dir, 'bad.npz'), Buffer.from('not a zip at all, just some text bytes'));
    expect(code(() => loadTensors({ path: join(dir, 'bad.npz') }))).toBe('data.bad-npz');
  });
  it('supplies further arrays as extra model inputs by name (models with several data inputs)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-npz-'));
    const mask = npy('<f4', [3, 2], f32([1, 0, 0, 1, 1, 1]));
    writeFileSync(join(dir, 'd.npz'), zip([{ name: 'x.npy', data: x }, { name: 'mask.npy', data: mask }, { name: 'y.npy', data: y }], 8));
    const ds = loadTensors({ path: join(dir, 'd.npz'), extraInputKeys: ['mask'] });
    expect(ds.extraInputs).toHaveLength(1);
    expect(ds.extraInputs![0]).toMatchObject({ name: 'mask', sampleShape: [2] });
    // Subsets (splits, shuffles, limits) keep each sample's extra values with it.
    const opened = await openDataset({ type: 'dataset', source: 'tensors', options: { path: join(dir, 'd.npz'), extraInputKeys: ['mask'], shuffle: true, seed: 3 }, label: 'd' }, dir);
    const row = (i: number) => Array.from(opened.inputs.subarray(i * 4, i * 4 + 4));
    for (let i = 0; i < 3; i++) {
      const original = row(i)[0] / 4;
      expect(Array.from(opened.extraInputs![0].values.subarray(i * 2, i * 2 + 2))).toEqual([[1, 0], [0, 1], [1, 1]][original]);
    }
    expect(code(() => loadTensors({ path: join(dir, 'd.npz'), extraInputKeys: ['attention'] }))).toBe('data.npz-key');
    writeFileSync(join(dir, 'short.npz'), zip([{ name: 'x.npy', data: x }, { name: 'mask.npy', data: npy('<f4', [2, 2], f32([1, 0, 0, 1])) }], 8));
    expect(code(() => loadTensors({ path: join(dir, 'short.npz'), extraInputKeys: ['mask'] }))).toBe('data.bad-tensors');
    writeFileSync(join(dir, 'x.npy'), x);
    expect(code(() => loadTensors({ path: join(dir, 'x.npy'), extraInputKeys: ['mask'] }))).toBe('data.extra-inputs-need-npz');
  });
});
