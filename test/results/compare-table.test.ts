// Shared results logic: metric labels and units, deltas against a baseline, the Pareto
// front, fitted axis ranges, label placement, the compare columns and the CSV export.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatLatencyMs, formatPercent2 } from '../../src/shared/format.ts';
import { formatMetric, metricLabel, orderedMetrics } from '../../src/shared/results/metrics.ts';
import { latencyDelta, macsDelta, pointsDelta, sizeDelta } from '../../src/shared/results/deltas.ts';
import { fitDomain, paretoFront, placeLabels, shortLabels } from '../../src/shared/results/pareto.ts';
import { compareCsv, summaryDelta, visibleColumns, type ModelFileStats } from '../../src/shared/results/table.ts';
import type { ModelRow } from '../../src/shared/results/rows.ts';

const row = (nodeId: string, extra: Partial<ModelRow>): ModelRow => ({
  uid: `r:${nodeId}/model`, key: `${nodeId}/model`, runId: 'r', runName: 'LeNet', nodeId, port: 'model', kind: 'prune',
  label: nodeId, isSource: false, compressed: true, warnings: [], sizeBytes: 1000, ...extra,
});

describe('formatting', () => {
  it('prints accuracy, sizes and latency in the app units', () => {
    expect(formatPercent2(0.96113)).toBe('96.11 %');
    expect(formatBytes(248391)).toBe('242.6 KB');
    expect(formatBytes(13.3 * 1024 * 1024)).toBe('13.3 MB');
    expect(formatLatencyMs(0.41234)).toBe('0.412 ms');
    expect(formatLatencyMs(4.1234)).toBe('4.12 ms');
    expect(formatLatencyMs(412.3)).toBe('412 ms');
  });

  it('labels metrics in words with units, never camelCase', () => {
    expect(metricLabel('top1')).toBe('Top-1');
    expect(formatMetric('top1', 0.9610778)).toBe('96.11 %');
    expect(metricLabel('p50Ms')).toBe('Latency p50');
    expect(formatMetric('p50Ms', 0.1004)).toBe('0.100 ms');
    expect(formatMetric('sizeBytes', 67500)).toBe('65.9 KB');
    expect(formatMetric('sqnrDb', 'inf')).toBe('∞ (identical)');
    expect(formatMetric('labelled', true)).toBe('yes');
    expect(formatMetric('avgPowerMw', 4200)).toBe('4.20 W');
    // Unknown keys: words from the key, the unit from its suffix.
    expect(metricLabel('worstLayer')).toBe('Worst layer');
    expect(metricLabel('fooBarBytes')).toBe('Foo bar');
    expect(formatMetric('fooBarBytes', 2048)).toBe('2.0 KB');
    expect(metricLabel('sqnrDb.logits')).toBe('SQNR (logits)');
    expect(metricLabel('samplesPerSec')).toBe('Samples per second');
    expect(metricLabel('baselineTop1')).toBe('Baseline top-1');
    expect(formatMetric('baselineTop1', 0.5)).toBe('50.00 %');
    expect(metricLabel('studentMacs')).toBe('Student MACs');
    for (const k of ['top1Agreement', 'outputSqnrDb', 'throughputPerSec', 'layersInt8', 'evalMs']) expect(metricLabel(k)).not.toMatch(/[a-z][A-Z]/);
  });

  it('orders known metrics first', () => {
    expect(orderedMetrics({ evalMs: 3, samples: 10, top1: 0.5 }).map(([k]) => k)).toEqual(['top1', 'samples', 'evalMs']);
    // The same figure under two keys shows once.
    expect(orderedMetrics({ macRatio: 0.5, macsRatio: 0.5 }).map(([k]) => k)).toEqual(['macRatio']);
    expect(formatMetric('sizeRatio', 0.27099)).toBe('0.27×');
  });
});

describe('deltas against the baseline', () => {
  it('says how much smaller, faster and how many points', () => {
    expect(sizeDelta(67_500, 248_391)).toEqual({ text: '3.7× smaller', tone: 'better' });
    expect(sizeDelta(300_000, 250_000)).toEqual({ text: '1.2× larger', tone: 'worse' });
    expect(sizeDelta(1000, 1001)?.tone).toBe('same');
    expect(latencyDelta(0.107, 0.102)?.text).toBe('1.05× slower');
    expect(pointsDelta(0.9591, 0.9611)).toEqual({ text: '−0.2 pt', tone: 'worse' });
    expect(pointsDelta(0.9641, 0.9611)).toEqual({ text: '+0.3 pt', tone: 'better' });
    expect(pointsDelta(0.96112, 0.9611).text).toBe('±0.0 pt');
    expect(latencyDelta(0.5, 1.05)?.text).toBe('2.1× faster');
    expect(macsDelta(400_000, 100_000)?.text).toBe('4.0× more MACs');
    expect(sizeDelta(0, 10)).toBeUndefined();
  });

  it('sums a model up against the baseline for the CLI', () => {
    const base = row('m', { sizeBytes: 248_391, accuracy: 0.9611, isSource: true, compressed: false });
    const q = row('q', { sizeBytes: 67_500, accuracy: 0.9591, latencyMs: 0.05 });
    const stats = new Map<string, ModelFileStats>([['m', { gzipSizeBytes: 1, parameters: 10, nonZeroParameters: 10, sparsity: 0, macs: 400, macsUnknownLayers: 0 }]]);
    expect(summaryDelta(q, base, (r) => stats.get(r.nodeId))).toBe('3.7× smaller, −0.2 pt');
    expect(summaryDelta(base, base, () => undefined)).toBe('baseline');
  });

  it('makes no MACs claim when a count misses layers of unknown size', () => {
    const base = row('m', { sizeBytes: 248_391, isSource: true, compressed: false });
    const q = row('q', { sizeBytes: 67_500 });
    const file = (macs: number, macsUnknownLayers: number): ModelFileStats => ({ gzipSizeBytes: 1, parameters: 10, nonZeroParameters: 10, sparsity: 0, macs, macsUnknownLayers });
    const exact = new Map([['m', file(2_430_000, 0)], ['q', file(50_200, 0)]]);
    expect(summaryDelta(q, base, (r) => exact.get(r.nodeId))).toBe('3.7× smaller, 48× fewer MACs');
    const partial = new Map([['m', file(2_430_000, 0)], ['q', file(50_200, 25)]]);
    expect(summaryDelta(q, base, (r) => partial.get(r.nodeId))).toBe('3.7× smaller');
  });
});

describe('charts', () => {
  it('marks the Pareto front', () => {
    const front = paretoFront([{ key: 'a', x: 10, y: 0.99 }, { key: 'b', x: 2, y: 0.95 }, { key: 'c', x: 5, y: 0.9 }]);
    expect([...front].sort()).toEqual(['a', 'b']);
  });

  it('fits the axis to the data instead of 90–100 %', () => {
    const [lo, hi] = fitDomain([0.9591, 0.9611, 0.9602], { min: 0, max: 1 });
    expect(lo).toBeGreaterThan(0.95);
    expect(hi).toBeLessThan(0.97);
    expect(lo).toBeLessThan(0.9591);
    expect(hi).toBeGreaterThan(0.9611);
    // One point sits inside its range, not on an edge; accuracy never leaves [0, 1].
    const [a, b] = fitDomain([1], { min: 0, max: 1, minSpan: 0.02 });
    expect(a).toBeLessThan(1);
    expect(b).toBe(1);
    expect(fitDomain([], { min: 0, max: 1 })).toEqual([0, 1]);
  });

  it('shortens labels to their last step and keeps them distinct', () => {
    const labels = shortLabels([
      { key: 'm', label: 'lenet5', nodeId: 'm' },
      { key: 'q1', label: 'lenet5 · int8 5/5 layers', nodeId: 'q1' },
      { key: 'q2', label: 'lenet5 · 50% sparse · int8 5/5 layers', nodeId: 'q2' },
    ]);
    expect(labels.get('m')).toBe('lenet5');
    expect(labels.get('q1')).toBe('int8 5/5 layers (q1)');
    expect(labels.get('q2')).toBe('int8 5/5 layers (q2)');
  });

  it('places labels of close points without overlap', () => {
    const pts = [{ x: 100, y: 100, width: 60, height: 12 }, { x: 104, y: 102, width: 60, height: 12 }, { x: 108, y: 98, width: 60, height: 12 }];
    const places = placeLabels(pts, { x: 0, y: 0, width: 400, height: 300 });
    const boxes = places.map((p, i) => {
      const left = p.anchor === 'start' ? p.x : p.anchor === 'end' ? p.x - pts[i].width : p.x - pts[i].width / 2;
      return { left, top: p.y - pts[i].height * 0.8, right: left + pts[i].width, bottom: p.y + pts[i].height * 0.2 };
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]; const b = boxes[j];
        expect(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top).toBe(true);
      }
    }
  });
});

describe('compare table and CSV', () => {
  const base = row('m', { label: 'lenet5, "mnist"', sizeBytes: 248_391, accuracy: 0.9611, isSource: true, compressed: false });
  const q = row('q', { label: 'lenet5 · int8', sizeBytes: 67_500, accuracy: 0.9591, agreementNote: 'why' });

  it('shows agreement columns once anything was evaluated, and hides unmeasured board columns', () => {
    const ids = visibleColumns([base, q], () => undefined).map((c) => c.id);
    expect(ids).toContain('agreement');
    expect(ids).toContain('sqnr');
    expect(ids).toContain('top1');
    expect(ids).not.toContain('boardLatency');
    expect(ids).not.toContain('map');
    const withBoard = visibleColumns([base, { ...q, boardLatencyMs: 3, boardPowerMw: 900 }], () => undefined).map((c) => c.id);
    expect(withBoard).toEqual(expect.arrayContaining(['boardLatency', 'boardPower']));
  });

  it('exports raw values with units in the header and deltas as words', () => {
    const csv = compareCsv([base, q], () => undefined, base);
    const [header, first, second] = csv.trimEnd().split('\r\n');
    expect(header).toContain('Size (bytes),Size vs baseline');
    expect(header).toContain('Top-1 (%),Top-1 vs baseline');
    expect(first.startsWith('"lenet5, ""mnist""",LeNet,m,yes,248391,')).toBe(true);
    expect(second).toContain('67500,3.7× smaller');
    expect(second).toContain('95.91,−0.2 pt');
  });

  it('keeps text that a spreadsheet would run as a formula as text', () => {
    const evil = row('x', { label: '=HYPERLINK("http://example.invalid")', runName: '+1', sizeBytes: 500 });
    const line = compareCsv([evil], () => undefined, undefined).split('\r\n')[1];
    expect(line.startsWith(`"'=HYPERLINK(""http://example.invalid"")",'+1,x,`)).toBe(true);
  });
});
