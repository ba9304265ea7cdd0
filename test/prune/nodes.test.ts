// The prune, share and sensitivity handlers called alone with a hand-made NodeContext on
// LeNet-5: outputs load in ONNX Runtime, metrics and reports carry the before/after figures.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import type { ModelValue, Params, PortValue } from '../../src/shared/catalog/types.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import { decodeModel } from '../../src/main/onnx/model.ts';
import { readMask } from '../../src/main/passes/prune/mask.ts';
import { readShare } from '../../src/main/passes/share/cluster.ts';
import { proposeRatios } from '../../src/main/passes/prune/sensitivity.ts';
import type { SizeReport } from '../../src/main/passes/prune/size-report.ts';
import type { ChannelGroupReport } from '../../src/main/passes/prune/structured.ts';
import { FIXTURES_DIR, LENET_FIXTURE } from '../fixtures-path.ts';

const LENET = LENET_FIXTURE;
const lenetValue: ModelValue = { type: 'model', path: LENET, sha256: createHash('sha256').update(readFileSync(LENET)).digest('hex'), sizeBytes: readFileSync(LENET).length, label: 'LeNet-5' };

function context(kind: string, params: Params, inputs: Record<string, PortValue>): NodeContext {
  const spec = findKind(kind)!;
  const defaults = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  return {
    nodeId: kind, params: { ...defaults, ...params }, inputs, documentDir: FIXTURES_DIR, workDir: mkdtempSync(join(tmpdir(), `whittle-${kind}-`)),
    signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
  };
}

describe('prune, share and sensitivity nodes', () => {
  it('prune (channels) writes a smaller model and reports MACs and groups', async () => {
    const r = await HANDLERS.prune(context('prune', { method: 'channels', sparsity: 0.5, scope: 'layer', channelMultiple: 1, minChannels: 1 }, { model: lenetValue }));
    const out = r.outputs.model as ModelValue;
    expect(out.sha256).toBe(createHash('sha256').update(readFileSync(out.path)).digest('hex'));
    expect(r.metrics.macsRatio).toBeLessThan(0.55);
    expect(r.metrics.latencyRatio).toBeTypeOf('number');
    // The classifier keeps its 10 classes: named in the groups report, not a warning.
    expect(r.metrics.blockedGroups).toBe(0);
    expect(r.metrics.outputGroups).toBe(1);
    const classifier = (r.reports!.find((x) => x.kind === 'prune.groups')!.data as { groups: ChannelGroupReport[] }).groups.find((g) => g.layers.includes('/f3/Gemm'));
    expect(classifier).toMatchObject({ channels: 10, kept: 10, blocked: "reaches the graph output 'logits'", atOutput: true });
    const size = r.reports!.find((x) => x.kind === 'prune.size')!.data as { before: SizeReport; after: SizeReport };
    expect(size.after.fileBytes).toBe(out.sizeBytes);
    expect(size.before.layers.map((l) => l.layer)).toEqual(['/c1/Conv', '/c2/Conv', '/f1/Gemm', '/f2/Gemm', '/f3/Gemm']);
    expect(size.before.macs).toBe(5 * 5 * 28 * 28 * 6 + 5 * 5 * 6 * 10 * 10 * 16 + 400 * 120 + 120 * 84 + 84 * 10);
    expect(r.warnings).toEqual([]);
  });

  it('prune (magnitude, 2:4) keeps the mask with the model', async () => {
    const m = await HANDLERS.prune(context('prune', { method: 'magnitude', sparsity: 0.8 }, { model: lenetValue }));
    expect(m.metrics.sparsity).toBeCloseTo(0.8, 2);
    expect(readMask(decodeModel(readFileSync((m.outputs.model as ModelValue).path)))?.tensors).toHaveLength(5);
    const s = await HANDLERS.prune(context('prune', { method: '2:4' }, { model: lenetValue }));
    expect(s.metrics.pattern24).toBe(true);
    expect(s.warnings).toHaveLength(2);
  });

  it('share writes codebook storage that gzips small, with its layout in metadata', async () => {
    const r = await HANDLERS.share(context('share', { k: 16 }, { model: lenetValue }));
    expect(r.metrics.gzipRatio).toBeLessThan(0.2);
    expect(r.metrics.clusteredLayers).toBe(5);
    expect(r.metrics.macsRatio).toBe(1);
    const layout = readShare(decodeModel(readFileSync((r.outputs.model as ModelValue).path)))!;
    expect(layout.layers.map((l) => [l.weight, l.codebook, l.indices])).toContainEqual(['f1.weight', 'f1.weight.codebook', 'f1.weight.indices']);
    const size = r.reports!.find((x) => x.kind === 'prune.size')!.data as { after: SizeReport };
    const f1 = size.after.layers.find((l) => l.layer === '/f1/Gemm')!;
    expect(f1.params).toBe(48120);
    expect(f1.bitsPerWeight).toBeLessThan(9);
  });

  it('sensitivity charts each layer and proposes ratios that reach the target', async () => {
    const dataset: PortValue = { type: 'dataset', source: 'mnist', options: { split: 'test', limit: 400, shuffle: true, seed: 1 }, label: 'MNIST test (400)' };
    const r = await HANDLERS.sensitivity(context('sensitivity', { ratios: '0.5, 0.9', target: 0.5, limit: 400 }, { model: lenetValue, dataset }));
    const data = r.reports!.find((x) => x.kind === 'prune.sensitivity')!.data as { curves: { layer: string; points: unknown[] }[]; proposedFraction: number };
    expect(data.curves.map((c) => c.layer)).toEqual(['/c1/Conv', '/c2/Conv', '/f1/Gemm', '/f2/Gemm', '/f3/Gemm']);
    expect(data.curves.every((c) => c.points.length === 2)).toBe(true);
    expect(Math.abs(data.proposedFraction - 0.5)).toBeLessThanOrEqual(0.01);
    expect(r.metrics.sparsity).toBeGreaterThanOrEqual(0.49);
  });

  it('proposal picks the cheapest layers first (hand-computed)', () => {
    const curves = [
      { layer: 'fragile', units: 100, points: [{ ratio: 0.5, score: 0.5 }] },
      { layer: 'robust', units: 100, points: [{ ratio: 0.5, score: 0.89 }, { ratio: 0.9, score: 0.85 }] },
    ];
    // Target 45% of 200 units = 90: robust to 0.9 (90 units, loss 0.05) beats fragile at 0.5 (loss 0.4).
    const p = proposeRatios(curves, 0.9, 0.45);
    expect(p.proposal).toEqual({ robust: 0.9 });
    expect(p.fraction).toBeCloseTo(0.45, 9);
    expect(p.loss).toBeCloseTo(0.05, 9);
  });
});
