// The sensitivity node on the four architecture fixtures: one curve per prunable layer (a
// point per ratio tried), a proposal that reaches the target, and the proposed model runs in
// ONNX Runtime with every output's shape unchanged. The detector is scored by output fidelity
// (it has no class logits) and the node says so.
import { describe, expect, it } from 'vitest';
import { compareWithOriginal, expectShapesKept, datasetFor, feedsFor, FIXTURES, fixtureValue, outputPath, runNode } from './matrix.ts';

interface SensitivityData {
  curves: { layer: string; units: number; points: { ratio: number; score: number }[] }[];
  proposal: Record<string, number>;
  proposedFraction: number;
}

describe.each(FIXTURES)('sensitivity on $label', (f) => {
  it('charts each layer and proposes ratios that reach the target', async () => {
    const original = fixtureValue(f);
    const r = await runNode('sensitivity', { method: 'magnitude', ratios: '0.5', metric: 'agreement', target: 0.25, limit: 2 }, { model: original, dataset: datasetFor(f, 2) });
    const data = r.reports!.find((x) => x.kind === 'prune.sensitivity')!.data as SensitivityData;
    expect(data.curves.length).toBeGreaterThan(f.mnist ? 10 : 20);
    for (const c of data.curves) {
      expect(c.points.map((p) => p.ratio), c.layer).toEqual([0.5]);
      for (const p of c.points) expect(p.score, c.layer).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(data.curves.map((c) => c.layer)).size).toBe(data.curves.length);
    if (f.classes) {
      expect(r.warnings.join('\n')).not.toMatch(/not class logits/);
    } else {
      // The detector has no top-1 to agree on: scored by output fidelity (1 at the unchanged model), and said so.
      expect(r.warnings.join('\n')).toMatch(/'p3' is not class logits .* output fidelity/);
      for (const c of data.curves) for (const p of c.points) expect(p.score, c.layer).toBeLessThanOrEqual(1);
      expect(data.curves.some((c) => c.points.some((p) => p.score < 1))).toBe(true);
    }
    expect(Math.abs(data.proposedFraction - 0.25)).toBeLessThanOrEqual(0.01);
    expectShapesKept(await compareWithOriginal(original.path, outputPath(r), feedsFor(f, 2)));
  }, 600_000); // one ORT session per layer: ~40 s alone for the 224-px CNNs, several times that under load
});
