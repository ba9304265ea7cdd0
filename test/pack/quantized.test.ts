// Cluster-preserving quantization then packing (issue 18): share keeps at most k values per
// layer, quantize maps those centroids onto the int8 grid (at most k int8 values per layer),
// and pack stores the int8 weights as 4-bit indices into an int8 codebook in front of the
// DequantizeLinear — losslessly, with ORT's int8 fusion intact.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import type { DatasetValue, ModelValue, Params, PortValue } from '../../src/shared/catalog/types.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import { loadModelFile } from '../../src/main/onnx/file.ts';
import { decodeModel } from '../../src/main/onnx/model.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { createSession } from '../../src/main/runtime/session.ts';
import { PACK_LAYERS_KIND, type PackLayersData } from '../../src/shared/reports/pack.ts';
import { FIXTURES_DIR, LENET_FIXTURE } from '../fixtures-path.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function context(kind: string, params: Params, inputs: Record<string, PortValue>): NodeContext {
  const spec = findKind(kind)!;
  const defaults = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  const workDir = mkdtempSync(join(tmpdir(), `whittle-${kind}-`));
  dirs.push(workDir);
  return {
    nodeId: kind, params: { ...defaults, ...params }, inputs, documentDir: FIXTURES_DIR, workDir,
    signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
  };
}

/** Counts of the ops ONNX Runtime actually runs (its optimized graph, inspection only). */
async function runtimeOps(path: string): Promise<Map<string, number>> {
  const out = join(mkdtempSync(join(tmpdir(), 'whittle-opt-')), 'optimized.onnx');
  dirs.push(join(out, '..'));
  const session = await createSession(path, { optimization: 'extended', optimizedModelPath: out });
  await session.release();
  const counts = new Map<string, number>();
  for (const n of decodeModel(readFileSync(out)).graph.node) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  return counts;
}

const bytes = readFileSync(LENET_FIXTURE);
const lenet: ModelValue = { type: 'model', path: LENET_FIXTURE, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, label: 'LeNet-5' };
const calibration: DatasetValue = { type: 'dataset', source: 'mnist', options: { split: 'train', limit: 256 }, label: 'MNIST train' };
const test: DatasetValue = { type: 'dataset', source: 'mnist', options: { split: 'test', limit: 256 }, label: 'MNIST test' };

describe('prune -> share -> quantize -> pack', () => {
  it('stores the int8 weights in 4 bits, loses nothing and keeps the int8 kernels', async () => {
    const pruned = await HANDLERS.prune(context('prune', { sparsity: 0.9 }, { model: lenet }));
    const shared = await HANDLERS.share(context('share', { k: 16 }, { model: pruned.outputs.model }));
    const q = await HANDLERS.quantize(context('quantize', {}, { model: shared.outputs.model, calibration }));
    const qValue = q.outputs.model as ModelValue;
    const packed = await HANDLERS.pack(context('pack', {}, { model: qValue, dataset: test }));
    expect(packed.warnings).toEqual([]);
    const layers = packed.reports!.find((r) => r.kind === PACK_LAYERS_KIND)!.data as PackLayersData;
    expect(layers.identical).toBe(true);
    // Every big int8 weight kept at most 16 values, so a 4-bit form could hold it; it took
    // the smallest measured form (4-bit for the large fully connected ones).
    const int8 = layers.tensors.filter((t) => t.elements >= 1000);
    expect(int8.length).toBeGreaterThanOrEqual(3);
    for (const t of int8) {
      expect(t.distinctValues).toBeLessThanOrEqual(16);
      const uint4 = t.candidates.find((c) => c.form === 'codebook-uint4')!;
      expect(uint4.rejected).toBeUndefined();
      expect(t.gzipBytes).toBeLessThanOrEqual(uint4.gzipBytes!);
    }
    expect(int8.filter((t) => t.form === 'codebook-uint4' || t.form === 'runlength-codebook').length).toBeGreaterThanOrEqual(2);
    const path = (packed.outputs.model as ModelValue).path;
    const m = loadModelFile(path);
    expect(m.graph.initializer.some((t) => t.name.endsWith('.codebook') && t.dataType === DataType.INT8)).toBe(true);
    expect(gzipSync(readFileSync(path)).length).toBeLessThan(gzipSync(readFileSync(qValue.path)).length);
    // ORT folds the storage chains before its QDQ fusion: the same int8 kernels run.
    const [before, after] = [await runtimeOps(qValue.path), await runtimeOps(path)];
    for (const op of ['QLinearConv', 'QGemm', 'QLinearMatMul', 'MatMulIntegerToFloat']) expect(after.get(op) ?? 0).toBe(before.get(op) ?? 0);
    expect((before.get('QLinearConv') ?? 0) + (before.get('QGemm') ?? 0)).toBeGreaterThan(0);
    expect(after.get('Gather') ?? 0).toBe(0);
  }, 300_000);
});
