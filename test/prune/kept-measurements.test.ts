// Measurements an engine process keeps between jobs (a sweep's siblings share their input):
// the size report by the model's bytes and the reference outputs of a fidelity check. A kept
// figure must equal a fresh one, and bytes that do not identify a model must not be used.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMlp } from '../../src/main/onnx/builder/index.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { saveModelFile } from '../../src/main/onnx/file.ts';
import { fidelityFeeds, measureFidelity } from '../../src/main/passes/fidelity.ts';
import { pruneMagnitude } from '../../src/main/passes/prune/magnitude.ts';
import { sizeReport } from '../../src/main/passes/prune/size-report.ts';

describe('measurements kept between jobs', () => {
  it('a size report asked again for the same bytes equals the first, and is a copy', async () => {
    const model = buildMlp({ sizes: [784, 64, 10], seed: 3 });
    const first = await sizeReport(model);
    first.layers[0].params = -1;
    const again = await sizeReport(model);
    expect(again.layers[0].params).toBe(784 * 64 + 64);
    const pruned = pruneMagnitude(model, { sparsity: 0.5 }).model;
    const after = await sizeReport(pruned);
    expect(after.nonzeros).toBeLessThan(again.nonzeros);
  });

  it('two models whose weights live in external data are told apart (their .onnx bytes are the same)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-kept-'));
    const a = buildMlp({ sizes: [784, 64, 10], seed: 1 });
    const b = buildMlp({ sizes: [784, 64, 10], seed: 2 });
    saveModelFile(a, join(dir, 'a.onnx'), { externalDataThresholdBytes: 1, externalDataName: 'weights.data' });
    saveModelFile(b, join(dir, 'b.onnx'), { externalDataThresholdBytes: 1, externalDataName: 'weights.data' });
    const [bytesA, bytesB] = [readFileSync(join(dir, 'a.onnx')), readFileSync(join(dir, 'b.onnx'))];
    expect(bytesA.equals(bytesB)).toBe(true);
    const [reportA, reportB] = [await sizeReport(a, bytesA), await sizeReport(b, bytesB)];
    expect(reportB.layers).toEqual((await sizeReport(b)).layers);
    expect(reportB.layers.map((l) => l.gzipBytes)).not.toEqual(reportA.layers.map((l) => l.gzipBytes));
  });

  it('a fidelity check against a reference already run gives the figures of a fresh one', async () => {
    const reference = encodeModel(buildMlp({ sizes: [784, 32, 10], seed: 5 }));
    const candidates = [0.3, 0.6].map((s) => encodeModel(pruneMagnitude(buildMlp({ sizes: [784, 32, 10], seed: 5 }), { sparsity: s }).model));
    const feeds = await fidelityFeeds(reference, undefined, 16);
    const first = await Promise.all(candidates.map(async (c) => measureFidelity(reference, c, feeds)));
    // The same reference on other feeds is another measurement.
    const other = await measureFidelity(reference, candidates[0], await fidelityFeeds(reference, undefined, 8));
    expect(other.samples).toBe(8);
    for (const [i, c] of candidates.entries()) expect(await measureFidelity(reference, c, feeds)).toEqual(first[i]);
    expect(first[1].sqnrDb).toBeLessThan(first[0].sqnrDb);
  });
});
