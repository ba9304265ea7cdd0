// Image-folder datasets from PNG/JPEG files generated into a temp folder: class order, resize
// and center crop, normalization, NCHW vs NHWC, grayscale, previews and the bad cases.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImageFolder } from '../../src/main/data/images.ts';
import { openDataset } from '../../src/main/data/open.ts';
import { previewDataset } from '../../src/main/data/preview.ts';
import { isWhittleError } from '../../src/shared/errors.ts';

/** An RGB image w x h whose pixel (x, y) is fn(x, y). */
async function png(path: string, w: number, h: number, fn: (x: number, y: number) => [number, number, number], format: 'png' | 'jpeg' = 'png'): Promise<void> {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(fn(x, y), (y * w + x) * 3);
  const img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  await (format === 'png' ? img.png() : img.jpeg({ quality: 100 })).toFile(path);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  return isWhittleError(e) ? e.code : `not a WhittleError: ${String(e)}`;
}

describe('image folder datasets', () => {
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'whittle-images-'));
    mkdirSync(join(root, 'zebra')); mkdirSync(join(root, 'apple'));
    // apple: 8x4 with columns 0, 30, ..., 210 in R, constant G, B: cropping keeps the middle 4 columns.
    await png(join(root, 'apple', 'a1.png'), 8, 4, (x) => [x * 30, 100, 200]);
    await png(join(root, 'apple', 'a2.png'), 8, 4, () => [255, 255, 255]);
    await png(join(root, 'zebra', 'z1.jpg'), 4, 4, () => [0, 0, 0], 'jpeg');
    writeFileSync(join(root, 'zebra', 'notes.txt'), 'ignored');
  });

  it('labels classes by sorted folder name and center-crops after resizing the shorter side', async () => {
    const ds = await loadImageFolder({ path: root, resize: 4, crop: 4, layout: 'NCHW' });
    expect(ds.classNames).toEqual(['apple', 'zebra']);
    expect(Array.from(ds.labels!)).toEqual([0, 0, 1]);
    expect(ds.sampleShape).toEqual([3, 4, 4]);
    expect(ds.size).toBe(3);
    const red = Array.from(ds.inputs.subarray(0, 4)).map((v) => Math.round(v * 255));
    expect(red).toEqual([60, 90, 120, 150]);
    const green = ds.inputs.subarray(16, 32);
    expect(Array.from(green).every((v) => Math.abs(v - 100 / 255) < 1e-6)).toBe(true);
    const jpegBlack = ds.inputs.subarray(2 * 48, 3 * 48);
    expect(Math.max(...jpegBlack)).toBeLessThan(3 / 255);
  });

  it('normalizes with per-channel mean/std and lays out NHWC as the transpose of NCHW', async () => {
    const mean = [0.5, 0.4, 0.3];
    const std = [0.2, 0.25, 0.5];
    const nchw = await loadImageFolder({ path: root, resize: 4, crop: 2, mean, std });
    const nhwc = await loadImageFolder({ path: root, resize: 4, crop: 2, mean, std, layout: 'NHWC' });
    expect(nhwc.sampleShape).toEqual([2, 2, 3]);
    // sample 1 (all white): every channel (1 - mean) / std
    const white = Array.from(nchw.inputs.subarray(12, 24));
    expect(white.slice(0, 4).every((v) => Math.abs(v - 2.5) < 1e-5)).toBe(true);
    expect(white.slice(8, 12).every((v) => Math.abs(v - 1.4) < 1e-5)).toBe(true);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 4; p++) {
      expect(nhwc.inputs[p * 3 + c]).toBe(nchw.inputs[c * 4 + p]);
    }
  });

  it('converts to one grayscale channel', async () => {
    const ds = await loadImageFolder({ path: root, resize: 4, crop: 4, color: 'grayscale' });
    expect(ds.sampleShape).toEqual([1, 4, 4]);
    expect(ds.inputs[16]).toBeCloseTo(1, 5); // white image
  });

  it('is reached through openDataset with a path relative to the document, and previews as PNGs', async () => {
    const ds = await openDataset({ type: 'dataset', source: 'images', options: { path: '.', resize: 4, crop: 4 }, label: 'fruit' }, root);
    expect(ds.size).toBe(3);
    expect(ds.name).toBe('fruit');
    const preview = await previewDataset(ds, 2, 16);
    expect(preview.samples).toHaveLength(2);
    expect(preview.samples[0].className).toBe('apple');
    const bytes = Buffer.from(preview.samples[0].dataUrl.replace('data:image/png;base64,', ''), 'base64');
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 16, 16]);
  });

  it('decodes a fingerprinted folder once and shares it between consumers', async () => {
    const v = (fingerprint: string) => ({ type: 'dataset' as const, source: 'images', options: { path: root, resize: 4, crop: 4, fingerprint }, label: 'fruit' });
    const a = await openDataset(v('3:1'), '/');
    const b = await openDataset(v('3:1'), '/');
    expect(b.inputs).toBe(a.inputs);
    b.name = 'renamed';
    expect((await openDataset(v('3:1'), '/')).name).toBe('fruit');
    const changed = await openDataset(v('3:2'), '/');
    expect(changed.inputs).not.toBe(a.inputs);
    expect(changed.inputs).toEqual(a.inputs);
    const unmarked = { type: 'dataset' as const, source: 'images', options: { path: root, resize: 4, crop: 4 }, label: 'x' };
    expect((await openDataset(unmarked, '/')).inputs).not.toBe((await openDataset(unmarked, '/')).inputs);
  });

  it('gives clear errors for no classes, empty classes, a corrupt image and a crop larger than the resize', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'whittle-empty-'));
    expect(await codeOf(loadImageFolder({ path: empty }))).toBe('data.no-classes');
    mkdirSync(join(empty, 'cls'));
    expect(await codeOf(openDataset({ type: 'dataset', source: 'images', options: { path: empty }, label: 'e' }, '/'))).toBe('data.empty');
    writeFileSync(join(empty, 'cls', 'broken.png'), Buffer.from('not really a png'));
    expect(await codeOf(loadImageFolder({ path: empty, resize: 4, crop: 4 }))).toBe('data.bad-image');
    expect(await codeOf(loadImageFolder({ path: root, resize: 4, crop: 8 }))).toBe('data.bad-crop');
    expect(await codeOf(loadImageFolder({ path: join(root, 'nope') }))).toBe('data.not-found');
    expect(await codeOf(loadImageFolder({ path: root, resize: 4, crop: 4, mean: [0.1, 0.2] }))).toBe('data.bad-normalize');
  });
});
