// A pipeline document through the engine: model.onnx (YOLO fixture) and dataset.coco (PNGs
// written here) into evaluate with the detection task and the model as its own reference.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineRunner } from '../../src/main/engine/runner.ts';
import { RunHistory } from '../../src/main/store/runs.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';
import { validateDocument } from '../../src/shared/pipeline/validate.ts';
import { fixtureModel } from '../fixtures-path.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-coco-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('detection evaluation as a pipeline', () => {
  it('model + COCO dataset -> evaluate (detection-yolo): done, mAP in [0, 1], self-agreement 1', async () => {
    copyFileSync(fixtureModel('yolo-tiny-random.onnx'), join(dir, 'yolo.onnx'));
    mkdirSync(join(dir, 'images'));
    for (const [i, [w, h]] of [[96, 64], [64, 96]].entries()) {
      await sharp({ create: { width: w, height: h, channels: 3, background: { r: 40 * i, g: 120, b: 200 } } }).png().toFile(join(dir, 'images', `${i}.png`));
    }
    writeFileSync(join(dir, 'val.json'), JSON.stringify({
      images: [{ id: 1, file_name: '0.png', width: 96, height: 64 }, { id: 2, file_name: '1.png', width: 64, height: 96 }],
      categories: Array.from({ length: 80 }, (_, i) => ({ id: i + 1, name: `c${i + 1}` })),
      annotations: [{ id: 1, image_id: 1, category_id: 5, bbox: [10, 10, 40, 30], iscrowd: 0 }, { id: 2, image_id: 2, category_id: 7, bbox: [5, 20, 50, 50], iscrowd: 0 }],
    }));
    const document: PipelineDocument = {
      format: 'whittle.pipeline', version: 2, name: 'YOLO on COCO',
      nodes: [
        { id: 'm', kind: 'model.onnx', params: { path: 'yolo.onnx' }, position: { x: 0, y: 0 } },
        { id: 'd', kind: 'dataset.coco', params: { annotations: 'val.json', images: 'images', size: 320 }, position: { x: 0, y: 200 } },
        { id: 'e', kind: 'evaluate', params: { task: 'detection-yolo', batchSize: 2 }, position: { x: 300, y: 0 } },
      ],
      edges: [
        { from: ['m', 'model'], to: ['e', 'model'] }, { from: ['m', 'model'], to: ['e', 'reference'] },
        { from: ['d', 'dataset'], to: ['e', 'dataset'] },
      ],
    };
    expect(validateDocument(document, CATALOG)).toEqual([]);
    const runner = new EngineRunner({ catalog: CATALOG, history: new RunHistory(join(dir, 'runs')), cacheDir: join(dir, 'cache'), whittleVersion: 'test', defaultDir: dir });
    const documentPath = join(dir, 'pipeline.json');
    writeFileSync(documentPath, JSON.stringify(document));
    const record = await runner.wait(await runner.start(document, { documentPath, outDir: join(dir, 'out') }));
    const e = record.nodes.e;
    expect(e.status, JSON.stringify(e)).not.toBe('failed');
    const m = e.metrics;
    expect(m.images).toBe(2);
    expect(m.map).toBeGreaterThanOrEqual(0);
    expect(m.map).toBeLessThanOrEqual(1);
    expect(m.map50).toBeLessThanOrEqual(1);
    expect(m.agreement).toBe(1);
    runner.dispose();
  });
});
