// Odd model files of issue 13: an external-data location naming the model's own folder,
// and input dims so large that MACs would print as "4.5e27 G".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLeNet5 } from '../../src/main/onnx/builder/index.ts';
import { loadModelFile } from '../../src/main/onnx/file.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { onnx } from '../../src/main/onnx/proto.ts';
import { modelStats } from '../../src/main/onnx/stats.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-odd-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('odd model files', () => {
  it.each(['.', './'])('external data at %j is refused as the folder itself, not as a symlink', (location) => {
    const model = buildLeNet5();
    const t = model.graph.initializer.find((x) => x.name === 'c1.weight')!;
    t.rawData = new Uint8Array(0);
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [{ key: 'location', value: location }, { key: 'offset', value: '0' }, { key: 'length', value: '600' }];
    const folder = join(dir, `m${Math.random().toString(16).slice(2)}`);
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'model.onnx'), encodeModel(model));
    let error: { code?: string; message?: string } = {};
    try {
      loadModelFile(join(folder, 'model.onnx'));
    } catch (err) {
      error = err as typeof error;
    }
    expect(error.code).toBe('onnx.external-path-refused');
    expect(error.message).toContain("names the model's folder itself, not a data file");
    expect(error.message).not.toContain('symlink');
  });

  it('absurd input dims give unknown MACs, never a figure past 2^53', () => {
    const model = buildLeNet5();
    const dims = model.graph.input[0].type!.tensorType!.shape!.dim!;
    dims[2].dimValue = 1e12;
    dims[3].dimValue = 1e12;
    const stats = modelStats(model);
    expect(Number.isSafeInteger(stats.macs)).toBe(true);
    expect(stats.layers[0].macs).toBeNull();
    expect(stats.macsUnknownLayers).toBeGreaterThan(0);
    expect(stats.params).toBe(61706);
  });
});
