// The dataset.coco node on a tiny image folder written in the test (sharp PNGs), the
// letterbox geometry, and an evaluate run of the YOLO fixture on it (task detection-yolo).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import type { DatasetValue, ModelValue, Params, PortValue } from '../../src/shared/catalog/types.ts';
import { letterboxGeometry, loadCoco, readCocoAnnotations } from '../../src/main/data/coco.ts';
import { isWhittleError } from '../../src/shared/errors.ts';
import { fixtureModel, LENET_FIXTURE } from '../fixtures-path.ts';
import { createApiService } from '../../src/main/api/service.ts';

function context(kind: string, params: Params, inputs: Record<string, PortValue | undefined>, documentDir: string): NodeContext {
  const spec = findKind(kind)!;
  const defaults: Params = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  return {
    nodeId: 'n1', params: { ...defaults, ...params }, inputs, documentDir,
    workDir: mkdtempSync(join(tmpdir(), 'whittle-node-')), signal: new AbortController().signal,
    progress: () => undefined, log: () => undefined, report: () => undefined,
  };
}

const model = (path: string, label: string): ModelValue => ({ type: 'model', path, sha256: label, sizeBytes: readFileSync(path).length, label });
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'whittle-coco-'));
  mkdirSync(join(dir, 'img'));
  // Three images of different sizes: a red one, a landscape with a blue square, a portrait with noise.
  await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toFile(join(dir, 'img', 'red.png'));
  await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 250, g: 250, b: 250 } } })
    .composite([{ input: { create: { width: 80, height: 60, channels: 3, background: { r: 0, g: 0, b: 255 } } }, left: 100, top: 90 }]).png().toFile(join(dir, 'img', 'wide.png'));
  const noise = Buffer.from(Array.from({ length: 200 * 300 * 3 }, (_, i) => (i * 97 + (i >> 5) * 13) % 256));
  await sharp(noise, { raw: { width: 200, height: 300, channels: 3 } }).png().toFile(join(dir, 'img', 'tall.png'));
  writeFileSync(join(dir, 'val.json'), JSON.stringify({
    images: [
      { id: 7, file_name: 'red.png', width: 64, height: 64 },
      { id: 8, file_name: 'wide.png', width: 320, height: 240 },
      { id: 9, file_name: 'tall.png', width: 200, height: 300 },
    ],
    // 80 categories like COCO's, so every class of the 80-class fixture maps to one.
    categories: [{ id: 1, name: 'person' }, { id: 3, name: 'car' }, { id: 2, name: 'bicycle' }, ...Array.from({ length: 77 }, (_, i) => ({ id: i + 4, name: `class${i + 4}` }))],
    annotations: [
      { id: 1, image_id: 8, category_id: 3, bbox: [100, 90, 80, 60], area: 4800, iscrowd: 0 },
      { id: 2, image_id: 9, category_id: 1, bbox: [20, 30, 100, 200], area: 20000, iscrowd: 0 },
      { id: 3, image_id: 7, category_id: 2, bbox: [0, 0, 64, 64], area: 4096, iscrowd: 0 },
    ],
  }));
});

describe('dataset.coco', () => {
  it('letterboxes like Ultralytics: largest fitting scale, padding split evenly', () => {
    expect(letterboxGeometry(320, 240, 320)).toMatchObject({ scale: 1, padX: 0, padY: 40, resizedWidth: 320, resizedHeight: 240 });
    expect(letterboxGeometry(200, 300, 320)).toMatchObject({ scale: 320 / 300, padX: 53, padY: 0, resizedWidth: 213, resizedHeight: 320 });
  });

  it('reads the JSON, sorts categories by id, and refuses malformed files with a clear error', () => {
    const ann = readCocoAnnotations(join(dir, 'val.json'));
    expect(ann.categories.slice(0, 4).map((c) => c.name)).toEqual(['person', 'bicycle', 'car', 'class4']);
    expect(ann.annotations[0]).toMatchObject({ imageId: 8, categoryId: 3, bbox: [100, 90, 80, 60], iscrowd: false });
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ images: [{ id: 1, file_name: 'a.png', width: 2, height: 2 }], categories: [{ id: 1 }], annotations: [{ image_id: 5, category_id: 1, bbox: [0, 0, 1, 1] }] }));
    let err: unknown;
    try { readCocoAnnotations(join(dir, 'bad.json')); } catch (e) { err = e; }
    expect(isWhittleError(err) && err.code).toBe('data.bad-coco');
    expect(String((err as Error).message)).toMatch(/an image it does not list/);
  });

  it('the node describes the set; samples are letterboxed RGB in [0, 1], NCHW, with grey padding', async () => {
    const r = await HANDLERS['dataset.coco'](context('dataset.coco', { annotations: 'val.json', images: 'img', size: 320 }, {}, dir));
    const value = r.outputs.dataset as DatasetValue;
    expect(value).toMatchObject({ type: 'dataset', source: 'coco', size: 3, sampleShape: [3, 320, 320] });
    const ds = await loadCoco({ annotationsPath: join(dir, 'val.json'), imagesPath: join(dir, 'img'), size: 320 });
    const plane = 320 * 320;
    // Red image 64x64 -> 320x320, no padding: every pixel (1, 0, 0).
    expect(ds.inputs[0]).toBe(1);
    expect(ds.inputs[plane + 5000]).toBe(0);
    // Wide image: rows 0..39 are padding (114/255); the blue square sits at (100..179, 130..189).
    const wide = 3 * plane;
    expect(ds.inputs[wide + 10 * 320 + 5]).toBeCloseTo(114 / 255, 6);
    expect(ds.inputs[wide + 2 * plane + 150 * 320 + 140]).toBe(1);
    expect(ds.inputs[wide + 150 * 320 + 140]).toBe(0);
    expect(ds.detection.images[1]).toMatchObject({ id: 8, scale: 1, padX: 0, padY: 40 });
  });

  it('previews the first images, and the preview door checks both paths against its roots', async () => {
    const api = createApiService({ door: 'cli', home: mkdtempSync(join(tmpdir(), 'whittle-home-')), startupDocument: null });
    const p = await api.call('datasets.preview', { kind: 'dataset.coco', params: { annotations: 'val.json', images: 'img', size: 64 }, documentPath: join(dir, 'pipeline.json'), count: 2 });
    expect(p.samples.length).toBe(2);
    expect(p.sampleShape).toEqual([3, 64, 64]);
    const scoped = createApiService({ door: 'browser', home: mkdtempSync(join(tmpdir(), 'whittle-home-')), startupDocument: null, workspace: join(dir, 'img'), fileScope: [join(dir, 'img')] });
    await expect(scoped.call('datasets.preview', { kind: 'dataset.coco', params: { annotations: join(dir, 'val.json'), images: join(dir, 'img') }, count: 2 })).rejects.toMatchObject({ code: 'files.outside-roots' });
  });
});

describe('evaluate with the detection task', () => {
  it('YOLO fixture on the COCO node: mAP in [0, 1], agreement with itself 1 on all three outputs', async () => {
    const coco = await HANDLERS['dataset.coco'](context('dataset.coco', { annotations: 'val.json', images: 'img', size: 320 }, {}, dir));
    const yolo = model(fixtureModel('yolo-tiny-random.onnx'), 'YOLO');
    const r = await HANDLERS.evaluate(context('evaluate', { task: 'detection-yolo', batchSize: 2 }, { model: yolo, dataset: coco.outputs.dataset, reference: yolo }, dir));
    for (const k of ['map', 'map50', 'map75']) {
      expect(r.metrics[k]).toBeGreaterThanOrEqual(0);
      expect(r.metrics[k]).toBeLessThanOrEqual(1);
    }
    expect(r.metrics.images).toBe(3);
    expect(r.metrics.detections).toBeGreaterThan(0);
    expect(r.metrics.agreement).toBe(1);
    expect(r.metrics.sqnrDb).toBe('inf');
    for (const o of ['p3', 'p4', 'p5']) expect(r.metrics[`agreement.${o}`]).toBe(1);
    const report = r.reports!.find((x) => x.kind === 'evaluate.detection')!.data as { heads: { stride: number; classes: number }[] };
    expect(report.heads.map((h) => [h.stride, h.classes])).toEqual([[8, 80], [16, 80], [32, 80]]);
    console.log(`YOLO (random weights) on 3 generated images: mAP ${(r.metrics.map as number).toFixed(4)}, mAP@0.5 ${(r.metrics.map50 as number).toFixed(4)}, ${r.metrics.detections} detections`);
  });

  it('names what is missing (a COCO dataset for detection, a reference for the outputs task); outputs task alone', async () => {
    const coco = await HANDLERS['dataset.coco'](context('dataset.coco', { annotations: 'val.json', images: 'img', size: 320 }, {}, dir));
    const yolo = model(fixtureModel('yolo-tiny-random.onnx'), 'YOLO');
    const noRef = await HANDLERS.evaluate(context('evaluate', { task: 'outputs' }, { model: yolo, dataset: coco.outputs.dataset }, dir)).catch((e: unknown) => e);
    expect(isWhittleError(noRef) && noRef.code).toBe('evaluate.needs-reference');
    const syn = await HANDLERS['dataset.synthetic'](context('dataset.synthetic', { shape: '1, 28, 28', count: 2 }, {}, dir));
    const lenet = model(LENET_FIXTURE, 'LeNet');
    const noCoco = await HANDLERS.evaluate(context('evaluate', { task: 'detection-yolo' }, { model: lenet, dataset: syn.outputs.dataset }, dir)).catch((e: unknown) => e);
    expect(isWhittleError(noCoco) && noCoco.code).toBe('evaluate.needs-coco');
    const outputs = await HANDLERS.evaluate(context('evaluate', { task: 'outputs' }, { model: lenet, dataset: syn.outputs.dataset, reference: lenet }, dir));
    expect(outputs.metrics.agreement).toBe(1);
    // The sample limit applies to detection too: mAP over the first image only.
    const yoloOne = await HANDLERS.evaluate(context('evaluate', { task: 'detection-yolo', limit: 1 }, { model: yolo, dataset: coco.outputs.dataset }, dir));
    expect(yoloOne.metrics.images).toBe(1);
  });
});
