// Issue 12 item 6: a sensitivity proposal removes the target fraction (within 0.01), not the
// next point of the ratio grid, and its predicted figures stay in the metric's range.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { proposeRatios } from '../../src/main/passes/prune/sensitivity.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import { loadModelFile } from '../../src/main/onnx/file.ts';
import { GraphIndex } from '../../src/main/onnx/graph.ts';
import { tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import type { ModelValue, PortValue } from '../../src/shared/catalog/types.ts';
import { FIXTURES_DIR, LENET_FIXTURE } from '../fixtures-path.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('sensitivity proposal', () => {
  it('meets the target between grid points and predicts an agreement within [0, 1]', () => {
    // Ten layers, each costing a lot: summed per-layer losses would pass 1.
    const curves = Array.from({ length: 10 }, (_, i) => ({
      layer: `l${i}`, units: 100 + 10 * i,
      points: [{ ratio: 0.25, score: 0.9 - 0.01 * i }, { ratio: 0.5, score: 0.6 - 0.02 * i }, { ratio: 0.75, score: 0.3 }, { ratio: 0.9, score: 0.1 }],
    }));
    for (const target of [0.1, 0.33, 0.5, 0.618, 0.8]) {
      const p = proposeRatios(curves, 1, target);
      const total = curves.reduce((a, c) => a + c.units, 0);
      const removed = curves.reduce((a, c) => a + (p.proposal[c.layer] ?? 0) * c.units, 0);
      expect(Math.abs(removed / total - target)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(p.fraction - target)).toBeLessThanOrEqual(0.01);
      expect(p.predicted).toBeGreaterThanOrEqual(0);
      expect(p.predicted).toBeLessThanOrEqual(1);
      expect(p.loss).toBeGreaterThanOrEqual(0);
      expect(p.loss).toBeLessThanOrEqual(1);
    }
  });

  it('the node on LeNet-5: the pruned model has the target sparsity within 0.01, figures in range', async () => {
    const spec = findKind('sensitivity')!;
    const workDir = mkdtempSync(join(tmpdir(), 'whittle-sensitivity-'));
    dirs.push(workDir);
    const model: ModelValue = { type: 'model', path: LENET_FIXTURE, sha256: 'x', sizeBytes: readFileSync(LENET_FIXTURE).length, label: 'LeNet-5' };
    const dataset: PortValue = { type: 'dataset', source: 'mnist', options: { split: 'test', limit: 300 }, label: 'MNIST test' };
    const ctx: NodeContext = {
      nodeId: 's', params: { ...Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default])), metric: 'agreement', target: 0.5, limit: 300 },
      inputs: { model, dataset }, documentDir: FIXTURES_DIR, workDir, signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
    };
    const r = await HANDLERS.sensitivity(ctx);
    expect(Math.abs((r.metrics.proposedFraction as number) - 0.5)).toBeLessThanOrEqual(0.01);
    expect(r.metrics.predictedLoss as number).toBeGreaterThanOrEqual(0);
    expect(r.metrics.predictedLoss as number).toBeLessThanOrEqual(1);
    expect(r.metrics.predictedScore as number).toBeLessThanOrEqual(1);
    // Measured on the written model: zeros over the weights of the analysed layers.
    const m = loadModelFile((r.outputs.model as ModelValue).path);
    const index = new GraphIndex(m.graph);
    let zeros = 0;
    let total = 0;
    for (const n of m.graph.node.filter((x) => x.opType === 'Conv' || x.opType === 'Gemm')) {
      const w = tensorToFloat32(index.initializers.get(n.input[1])!);
      zeros += w.filter((v) => v === 0).length;
      total += w.length;
    }
    expect(Math.abs(zeros / total - 0.5)).toBeLessThanOrEqual(0.01);
  }, 120_000);
});
