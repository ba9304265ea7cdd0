// Per-layer k from sensitivity: each layer clustered alone at every k tried, scored on MNIST,
// and a proposal of k per layer that meets a mean index width, applied as codebook storage.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import type { ModelValue, Params, PortValue } from '../../src/shared/catalog/types.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import { checkParamValue, isParamVisible } from '../../src/shared/pipeline/params.ts';
import { decodeModel, encodeModel } from '../../src/main/onnx/model.ts';
import { pruneMagnitude } from '../../src/main/passes/prune/magnitude.ts';
import { readShare } from '../../src/main/passes/share/cluster.ts';
import { proposeRatios } from '../../src/main/passes/prune/sensitivity.ts';
import { indexBits, type ShareSensitivityResult } from '../../src/shared/reports/share.ts';
import { FIXTURES_DIR, LENET_FIXTURE } from '../fixtures-path.ts';

const bytes = readFileSync(LENET_FIXTURE);
const lenet: ModelValue = { type: 'model', path: LENET_FIXTURE, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, label: 'LeNet-5' };
const mnist: PortValue = { type: 'dataset', source: 'mnist', options: { split: 'test', limit: 300, shuffle: true, seed: 1 }, label: 'MNIST test (300)' };

function context(params: Params, inputs: Record<string, PortValue>): NodeContext {
  const spec = findKind('sensitivity')!;
  const defaults = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  return {
    nodeId: 'sens', params: { ...defaults, ...params }, inputs, documentDir: FIXTURES_DIR, workDir: mkdtempSync(join(tmpdir(), 'whittle-share-sens-')),
    signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
  };
}

describe('sensitivity with weight sharing (per-layer k)', () => {
  it('scans every layer at every k and applies a proposal that meets the bit target', async () => {
    const r = await HANDLERS.sensitivity(context({ method: 'share', kValues: '2, 4, 16', targetBits: 2.5, limit: 300 }, { model: lenet, dataset: mnist }));
    const d = r.reports!.find((x) => x.kind === 'share.sensitivity')!.data as ShareSensitivityResult;
    expect(d.kValues).toEqual([16, 4, 2]);
    expect(d.curves.map((c) => c.layer)).toEqual(['/c1/Conv', '/c2/Conv', '/f1/Gemm', '/f2/Gemm', '/f3/Gemm']);
    expect(d.curves.every((c) => c.points.map((p) => p.k).join() === '16,4,2')).toBe(true);
    // Two clusters in a layer cost accuracy that sixteen do not (LeNet's conv1 has 150 weights).
    const c1 = d.curves[0].points;
    expect(c1[2].score).toBeLessThan(c1[0].score);
    const weights = d.curves.reduce((a, c) => a + c.weights, 0);
    const mean = d.curves.reduce((a, c) => a + indexBits(d.proposal[c.layer]) * c.weights, 0) / weights;
    expect(mean).toBeCloseTo(d.meanBits, 9);
    expect(d.meanBits).toBeLessThanOrEqual(2.5);
    expect(Object.values(d.proposal).every((k) => [2, 4, 16].includes(k))).toBe(true);
    // The big fully connected layer holds most weights, so the target cannot be met without shrinking its k.
    expect(d.proposal['/f1/Gemm']).toBeLessThan(16);
    expect(r.metrics.meanIndexBits).toBe(d.meanBits);
    expect(r.warnings).toEqual([]);

    const model = decodeModel(readFileSync((r.outputs.model as ModelValue).path));
    const layout = readShare(model)!;
    for (const c of d.curves) {
      const l = layout.layers.find((x) => x.layer === c.layer)!;
      expect(l.k).toBe(d.proposal[c.layer]);
      const book = model.graph.initializer.find((t) => t.name === l.codebook)!;
      expect(Number(book.dims[0])).toBeLessThanOrEqual(d.proposal[c.layer]);
    }
    const proposal = (r.outputs.metrics as { values: Record<string, number> }).values;
    expect(proposal['k /f1/Gemm']).toBe(d.proposal['/f1/Gemm']);
  }, 120_000);

  it('ends amber when the curves predict the proposal breaks the model', async () => {
    // After 90% pruning, k = 2 is the zero cluster plus one value: every surviving weight loses its sign.
    const pruned = encodeModel(pruneMagnitude(decodeModel(bytes), { sparsity: 0.9 }).model);
    const path = join(mkdtempSync(join(tmpdir(), 'whittle-share-sens-')), 'pruned.onnx');
    writeFileSync(path, pruned);
    const value: ModelValue = { ...lenet, path, sha256: createHash('sha256').update(pruned).digest('hex'), sizeBytes: pruned.length };
    const r = await HANDLERS.sensitivity(context({ method: 'share', kValues: '2, 16', targetBits: 1, limit: 200 }, { model: value, dataset: mnist }));
    const d = r.reports!.find((x) => x.kind === 'share.sensitivity')!.data as ShareSensitivityResult;
    expect(Object.values(d.proposal)).toEqual([2, 2, 2, 2, 2]);
    expect(d.predictedScore / d.baseline).toBeLessThan(0.9);
    expect(r.warnings?.join(' ')).toMatch(/The curves predict .* the target is more than these layers tolerate together/);
  }, 120_000);

  it('refuses a target the k values cannot reach, naming the range', async () => {
    await expect(HANDLERS.sensitivity(context({ method: 'share', kValues: '4, 16', targetBits: 1, limit: 50 }, { model: lenet, dataset: mnist })))
      .rejects.toThrow(/outside 2\.\.4/);
  });

  it('hides the pruning params and shows the sharing ones only for method share', () => {
    const spec = findKind('sensitivity')!;
    expect(spec.params.kValues.visibleWhen).toEqual({ param: 'method', equals: ['share'] });
    expect(spec.params.ratios.visibleWhen).toEqual({ param: 'method', equals: ['magnitude', 'channels'] });
    expect(isParamVisible(spec, 'targetBits', { method: 'share' })).toBe(true);
    expect(isParamVisible(spec, 'target', { method: 'share' })).toBe(false);
    expect(checkParamValue(spec.params.kValues, '2, x')).toMatch(/whole numbers/);
    expect(checkParamValue(spec.params.kValues, '2, 4, 16')).toBeNull();
  });

  it('discrete proposals settle on the values tried (the last step taken whole)', () => {
    // Ratio = share of 4 bits saved: k=16 -> 0, k=4 -> 0.5, k=2 -> 0.75. Target 0.6 lands past 0.5.
    const curves = [
      { layer: 'a', units: 100, points: [{ ratio: 0, score: 0.95 }, { ratio: 0.5, score: 0.94 }, { ratio: 0.75, score: 0.6 }] },
      { layer: 'b', units: 100, points: [{ ratio: 0, score: 0.95 }, { ratio: 0.5, score: 0.93 }, { ratio: 0.75, score: 0.9 }] },
    ];
    const p = proposeRatios(curves, 0.96, 0.6, true);
    expect(Object.values(p.proposal).every((r) => [0.5, 0.75].includes(r))).toBe(true);
    expect(p.fraction).toBeGreaterThanOrEqual(0.6);
    const continuous = proposeRatios(curves, 0.96, 0.6);
    expect(continuous.fraction).toBeCloseTo(0.6, 9);
  });
});
