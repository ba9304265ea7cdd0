// Node faces (key params and headline figures from the catalog's `face`), palette ranking,
// and the transitive param visibility the inspector and validation share.
import { describe, expect, it } from 'vitest';
import { CATALOG, findKind } from '../../src/shared/catalog/index.ts';
import { faceMetricLines, faceParamLines, formatPointsDelta, formatRatio } from '../../src/shared/editor/nodeFace.ts';
import { rankKinds } from '../../src/shared/editor/paletteSearch.ts';
import { isParamVisible } from '../../src/shared/editor/params.ts';

const kind = (k: string) => findKind(k)!;
const text = (lines: { label: string; text: string }[]) => lines.map((l) => `${l.label} ${l.text}`);

describe('node faces', () => {
  it('declares only params and conditions its kind has', () => {
    for (const spec of CATALOG) {
      for (const p of spec.face?.params ?? []) expect(spec.params[p.param], `${spec.kind}.${p.param}`).toBeDefined();
      for (const m of spec.face?.metrics ?? []) if (m.when) expect(spec.params[m.when.param], `${spec.kind} when ${m.when.param}`).toBeDefined();
    }
    // Every kind the issue names has a headline.
    for (const k of ['evaluate', 'benchmark', 'profile', 'prune', 'share', 'quantize', 'train', 'distill']) expect(kind(k).face?.metrics.length).toBeGreaterThan(0);
  });

  it('shows Evaluate top-1 with its change against the reference, in points', () => {
    const lines = faceMetricLines(kind('evaluate'), {}, { top1: 0.9611, referenceTop1: 0.9632, agreement: 0.995, samplesPerSec: 1234.5 });
    expect(text(lines)).toEqual(['top-1 96.1% (−0.2 pt vs ref)', 'agreement 99.5%']);
    expect(text(faceMetricLines(kind('evaluate'), {}, { top1: 0.5 }))).toEqual(['top-1 50.0%']);
  });

  it('shows latency with its unit and where it was measured', () => {
    expect(text(faceMetricLines(kind('benchmark'), {}, { p50Ms: 3.4172, device: 'host · AMD EPYC', p90Ms: 4.2 }))).toEqual(['p50 3.42 ms', 'on host · AMD EPYC', 'p90 4.20 ms']);
    expect(text(faceMetricLines(kind('profile'), {}, { p50Ms: 12.25, board: 'jetson' }))).toEqual(['p50 12.3 ms', 'on jetson']);
  });

  it('shows Prune sparsity, or the MAC ratio for channel pruning', () => {
    const metrics = { sparsity: 0.5, macsRatio: 0.4, sizeRatio: 0.45, gzipRatio: 0.6, top1Agreement: 0.98 };
    expect(text(faceMetricLines(kind('prune'), {}, metrics))).toEqual(['sparsity 50.0%', 'gzipped 1.7× smaller', 'agreement 98.0%']);
    expect(text(faceMetricLines(kind('prune'), { method: 'channels' }, metrics))).toEqual(['MACs 2.5× smaller', 'size 2.2× smaller', 'agreement 98.0%']);
    expect(text(faceParamLines(kind('prune'), { sparsity: 0.7 }))).toEqual(['Method Unstructured (magnitude)', 'Remove 70.0%']);
    // 2:4 has no sparsity param: the face does not show one.
    expect(faceParamLines(kind('prune'), { method: '2:4' }).map((l) => l.key)).toEqual(['method']);
  });

  it('shows Quantize mode, layers converted of all and the size ratio', () => {
    const lines = faceMetricLines(kind('quantize'), {}, { mode: 'static', layersInt8: 5, layersTotal: 5, sizeRatio: 0.26 });
    expect(text(lines)).toEqual(['int8 layers 5/5', 'size 3.8× smaller']);
    expect(faceParamLines(kind('quantize'), {})[0]).toMatchObject({ key: 'mode', text: 'Static int8 (QDQ)' });
  });

  it('shows Share k, model files by name, training by best accuracy and epoch', () => {
    expect(text(faceParamLines(kind('share'), { k: 8 }))).toEqual(['k 8']);
    expect(text(faceMetricLines(kind('share'), { k: 8 }, { sizeRatio: 0.3 }))).toEqual(['size 3.3× smaller']);
    expect(text(faceParamLines(kind('model.onnx'), { path: 'models/lenet5.onnx' }))).toEqual(['File lenet5.onnx']);
    expect(text(faceMetricLines(kind('train'), {}, { valAccuracy: 0.987, bestEpoch: 4, epochs: 5 }))).toEqual(['best accuracy 98.7%', 'best epoch 4/5']);
  });

  it('leaves params at their default out when declared so, and shows at most three figures', () => {
    expect(faceParamLines(kind('evaluate'), {})).toEqual([]);
    expect(text(faceParamLines(kind('evaluate'), { limit: 500 }))).toEqual(['Samples 500']);
    const all = { top1: 0.9, map50: 0.5, map: 0.3, agreement: 1, sqnrDb: 30, top5: 1 };
    expect(faceMetricLines(kind('evaluate'), {}, all)).toHaveLength(3);
  });

  it('shows a swept param as its sweep, not the base value no variant runs with', () => {
    const prune = kind('prune');
    expect(text(faceParamLines(prune, { sparsity: 0.7 }, { sparsity: { kind: 'linear', start: 0.5, stop: 0.9, steps: 3 } }))).toEqual(['Method Unstructured (magnitude)', 'Remove 50.0% … 90.0% (3)']);
    expect(text(faceParamLines(prune, {}, { sparsity: { kind: 'list', values: [0.3, 0.5] } }))).toEqual(['Method Unstructured (magnitude)', 'Remove 30.0%, 50.0%']);
    // Option labels too long for the face: the option values; too many: first … last (count).
    expect(text(faceParamLines(kind('quantize'), {}, { mode: { kind: 'list', values: ['static', 'dynamic'] } }))).toEqual(['Mode static, dynamic']);
    expect(text(faceParamLines(prune, {}, { sparsity: { kind: 'list', values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] } }))[1]).toBe('Remove 10.0% … 60.0% (6)');
    // Sparsity applies to some of the swept methods: shown though the base method (2:4) hides it.
    const swept = { method: { kind: 'list' as const, values: ['2:4', 'channels'] }, sparsity: { kind: 'list' as const, values: [0.5, 0.7] } };
    expect(text(faceParamLines(prune, { method: '2:4' }, swept))).toEqual(['Method 2:4, channels', 'Remove 50.0%, 70.0%']);
    // Swept while no method applies it: still hidden.
    expect(faceParamLines(prune, { method: '2:4' }, { sparsity: swept.sparsity }).map((l) => l.key)).toEqual(['method']);
    // A param shown only off its default shows whenever swept.
    expect(text(faceParamLines(kind('quantize'), {}, { target: { kind: 'list', values: ['cpu'] } })).map((t) => t.split(' ')[0])).toContain('Target');
  });

  it('formats ratios and point deltas in words', () => {
    expect(formatRatio(1)).toBe('unchanged');
    expect(formatRatio(1.2)).toBe('1.20× larger');
    expect(formatPointsDelta(0.001)).toBe('+0.1 pt');
    expect(formatPointsDelta(0)).toBe('±0.0 pt');
  });
});

describe('palette ranking', () => {
  it('puts title matches before description matches', () => {
    const titles = rankKinds(CATALOG, 'latency').map((k) => k.title);
    const synthetic = titles.indexOf(kind('dataset.synthetic').title);
    expect(titles.indexOf(kind('benchmark').title)).toBe(0);
    if (synthetic >= 0) {
      expect(titles.indexOf(kind('benchmark').title)).toBeLessThan(synthetic);
      expect(titles.indexOf(kind('profile').title)).toBeLessThan(synthetic);
    }
  });
  it('keeps the catalog order when nothing is typed, and finds nothing for nonsense', () => {
    expect(rankKinds(CATALOG, '').map((k) => k.kind)).toEqual(CATALOG.map((k) => k.kind));
    expect(rankKinds(CATALOG, 'zzzqqq')).toEqual([]);
  });
});

describe('param visibility', () => {
  it('hides a param whose controlling param is itself hidden (Distill hidden widths)', () => {
    const distill = kind('distill');
    expect(isParamVisible(distill, {}, 'hidden')).toBe(false);
    expect(isParamVisible(distill, { studentSource: 'builder' }, 'hidden')).toBe(true);
    expect(isParamVisible(distill, { studentSource: 'builder', arch: 'lenet5' }, 'hidden')).toBe(false);
    expect(isParamVisible(distill, { studentSource: 'pruned' }, 'arch')).toBe(false);
  });
});
