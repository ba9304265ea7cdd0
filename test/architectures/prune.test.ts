// Every pruning method through the prune node on the four architecture fixtures: each result
// loads and runs in ONNX Runtime with every output's shape unchanged; magnitude and 2:4 really
// zero weights, structured pruning really removes parameters and MACs.
import { describe, expect, it } from 'vitest';
import { tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import type { Model } from '../../src/main/onnx/model.ts';
import type { ChannelGroupReport } from '../../src/main/passes/prune/structured.ts';
import { compareWithOriginal, expectShapesKept, datasetFor, feedsFor, FIXTURES, fixtureValue, floatParams, loadModel, outputPath, runNode } from './matrix.ts';

/** Float weights of Conv/Gemm/MatMul nodes (input 1), by initializer name. */
function layerWeights(m: Model): Map<string, Float32Array> {
  const inits = new Map(m.graph.initializer.map((t) => [t.name, t]));
  const out = new Map<string, Float32Array>();
  for (const n of m.graph.node) {
    if (!['Conv', 'Gemm', 'MatMul'].includes(n.opType)) continue;
    const t = inits.get(n.input[1]);
    if (t && t.dataType === 1) out.set(t.name, tensorToFloat32(t));
  }
  return out;
}

describe.each(FIXTURES)('prune on $label', (f) => {
  const original = fixtureValue(f);

  it('structured channels: fewer parameters and MACs, every output keeps its shape in ORT', async () => {
    const r = await runNode('prune', { method: 'channels', sparsity: 0.5 }, { model: original, validation: datasetFor(f, 4) });
    const out = outputPath(r);
    expect(r.metrics.macsRatio).toBeLessThan(0.9);
    expect(floatParams(loadModel(out))).toBeLessThan(0.9 * floatParams(loadModel(original.path)));
    const cmp = await compareWithOriginal(original.path, out, feedsFor(f, 2));
    expect(cmp.length).toBe(f.classes ? 1 : 3);
    expectShapesKept(cmp);
    // A group left whole is named with its reason; nothing is blocked silently. One kept whole
    // only as the model's output (classes, detection heads) is in the report, not a warning.
    expect(r.metrics.blockedGroups).toBe(r.warnings.filter((w) => w.includes('left intact:')).length);
    expect(r.warnings.filter((w) => w.includes('reaches the graph output'))).toEqual([]);
    const groups = (r.reports!.find((x) => x.kind === 'prune.groups')!.data as { groups: ChannelGroupReport[] }).groups;
    if (f.mnist) {
      // nn.MultiheadAttention: every block's heads take part in the global ranking (this run: 1+2+2+3 of 16 kept).
      const heads = groups.filter((g) => g.layers.some((l) => l.endsWith('self_attn/MatMul')));
      expect(heads.map((g) => [g.channels, g.blocked])).toEqual(Array.from({ length: 4 }, () => [4, undefined]));
      const kept = heads.reduce((n, g) => n + g.kept, 0);
      expect(kept).toBeLessThan(16);
      expect(kept).toBeGreaterThanOrEqual(4);
      for (const g of heads) expect(g.kept).toBeGreaterThanOrEqual(1);
    }
    if (f.file.startsWith('shufflenet')) expect(groups.filter((g) => g.blocked).map((g) => g.blocked)).toEqual(["reaches the graph output 'logits'"]);
  }, 240_000);

  it('unstructured magnitude: half of the layer weights are zero, outputs keep their shapes', async () => {
    const r = await runNode('prune', { method: 'magnitude', sparsity: 0.5 }, { model: original, validation: datasetFor(f, 4) });
    const out = outputPath(r);
    const weights = [...layerWeights(loadModel(out)).values()];
    const total = weights.reduce((a, w) => a + w.length, 0);
    const zeros = weights.reduce((a, w) => a + w.filter((v) => v === 0).length, 0);
    expect(zeros / total).toBeGreaterThan(0.45);
    expectShapesKept(await compareWithOriginal(original.path, out, feedsFor(f, 2)));
  }, 240_000);

  it('2:4 semi-structured: at least two zeros in every four weights along the input axis of each pruned layer', async () => {
    const r = await runNode('prune', { method: '2:4' }, { model: original, validation: datasetFor(f, 4) });
    const out = outputPath(r);
    expect(r.metrics.pattern24).toBe(true);
    expect(r.metrics.prunedLayers).toBeGreaterThan(0);
    const before = layerWeights(loadModel(original.path));
    const after = layerWeights(loadModel(out));
    const changed = [...after].filter(([name, w]) => before.get(name)!.some((v, i) => v !== w[i]));
    expect(changed.length).toBe(r.metrics.prunedLayers);
    // Half of each changed layer's weights are zero (the 2:4 pattern's share).
    for (const [name, w] of changed) expect(w.filter((v) => v === 0).length / w.length, name).toBeGreaterThanOrEqual(0.5);
    expectShapesKept(await compareWithOriginal(original.path, out, feedsFor(f, 2)));
  }, 240_000);
});
