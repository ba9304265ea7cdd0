// Every quantize mode through the quantize node on the four architecture fixtures: static int8
// (QDQ, a few calibration samples), dynamic int8, fp16 and 4-bit MatMulNBits. Each result runs
// in ONNX Runtime with its outputs close to the unmodified fp32 model's on the same inputs
// (random-weight models: an SQNR floor per mode; the trained ViT: top-1 agreement on digits).
// Weight-only MatMul/Gemm modes on the Conv-only detector end amber, saying why.
import { describe, expect, it } from 'vitest';
import type { ModelValue, NodeResult } from '../../src/shared/catalog/types.ts';
import { compareWithOriginal, expectShapesKept, datasetFor, feedsFor, FIXTURES, fixtureValue, loadModel, outputPath, runNode, type ArchFixture } from './matrix.ts';

/**
 * Output SQNR floors, dB, for random-weight models on random inputs (no trained structure to
 * keep activations tame): int8 keeps ~20-35 dB through these depths, fp16 ~60, 4-bit weights
 * only touch the classifier/attention matrices.
 */
const FLOOR_DB = { static: 10, dynamic: 10, fp16: 40, int4: 10 } as const;

async function checkAgainstOriginal(f: ArchFixture, out: string, floorDb: number): Promise<void> {
  const original = fixtureValue(f);
  const cmp = await compareWithOriginal(original.path, out, feedsFor(f, f.mnist ? 32 : 2));
  expect(cmp.length).toBe(f.classes ? 1 : 3);
  expectShapesKept(cmp);
  for (const c of cmp) expect(c.sqnrDb, `${c.name} SQNR`).toBeGreaterThan(floorDb);
  if (f.mnist) expect(cmp[0].agreement).toBeGreaterThanOrEqual(0.95);
}

const opCount = (path: string, op: string): number => loadModel(path).graph.node.filter((n) => n.opType === op).length;
const matmulOrGemm = (path: string): number => opCount(path, 'MatMul') + opCount(path, 'Gemm');

/** The detector has only Convs: a weight-only MatMul/Gemm mode has nothing to do, says so (amber), and labels its model fp32. */
function expectNothingQuantized(r: NodeResult & { warnings: string[] }, metric: string, why: RegExp): void {
  expect(r.metrics[metric]).toBe(0);
  expect(r.warnings.join('\n')).toMatch(why);
  expect((r.outputs.model as ModelValue).label).toContain('fp32 (nothing quantized)');
}

describe.each(FIXTURES)('quantize on $label', (f) => {
  const original = fixtureValue(f);

  it('static int8 (QDQ): weighted layers quantized, outputs close to fp32 in ORT', async () => {
    const r = await runNode('quantize', { mode: 'static', calibrationSamples: 4 }, { model: original, calibration: datasetFor(f, 4) });
    const out = outputPath(r);
    expect(r.metrics.layersInt8).toBeGreaterThan(0);
    expect(opCount(out, 'QuantizeLinear')).toBeGreaterThan(0);
    await checkAgainstOriginal(f, out, FLOOR_DB.static);
  }, 300_000);

  it('dynamic int8: MatMul/Gemm weights in int8, outputs close to fp32 in ORT; amber naming why when there are none', async () => {
    const r = await runNode('quantize', { mode: 'dynamic' }, { model: original, validation: datasetFor(f, 4) });
    const out = outputPath(r);
    if (matmulOrGemm(original.path) === 0) return expectNothingQuantized(r, 'layersInt8', /No MatMul\/Gemm .* dynamic quantization changed nothing/);
    expect(r.metrics.layersInt8).toBeGreaterThan(0);
    expect(opCount(out, 'DynamicQuantizeLinear') + opCount(out, 'MatMulInteger') + opCount(out, 'DynamicQuantizeMatMul')).toBeGreaterThan(0);
    await checkAgainstOriginal(f, out, FLOOR_DB.dynamic);
  }, 300_000);

  it('fp16: float16 weights, outputs close to fp32 in ORT', async () => {
    const r = await runNode('quantize', { mode: 'fp16' }, { model: original, validation: datasetFor(f, 4) });
    const out = outputPath(r);
    expect(r.metrics.layersFp16).toBeGreaterThan(0);
    expect(loadModel(out).graph.initializer.some((t) => t.dataType === 10)).toBe(true);
    await checkAgainstOriginal(f, out, FLOOR_DB.fp16);
  }, 300_000);

  it('4-bit MatMulNBits: every MatMul/Gemm weight in 4-bit blocks, or amber naming why nothing was', async () => {
    const r = await runNode('quantize', { mode: 'int4', blockSize: '32' }, { model: original, validation: datasetFor(f, 4) });
    const out = outputPath(r);
    if (matmulOrGemm(original.path) === 0) return expectNothingQuantized(r, 'layersInt4', /No MatMul\/Gemm .* 4-bit weight quantization changed nothing/);
    expect(opCount(out, 'MatMulNBits')).toBe(r.metrics.layersInt4);
    expect(r.metrics.layersInt4).toBeGreaterThan(0);
    await checkAgainstOriginal(f, out, FLOOR_DB.int4);
  }, 300_000);
});
