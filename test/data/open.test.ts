// openDataset: MNIST splits and limits, seeded shuffles, synthetic data, MNIST previews,
// and the errors for unknown sources.
import { describe, expect, it } from 'vitest';
import { openDataset, parseNumberList } from '../../src/main/data/open.ts';
import { previewDataset, spreadIndices } from '../../src/main/data/preview.ts';
import type { DatasetValue } from '../../src/shared/catalog/types.ts';
import { isWhittleError } from '../../src/shared/errors.ts';

const value = (source: string, options: Record<string, unknown>): DatasetValue => ({ type: 'dataset', source, options, label: '' });

describe('openDataset', () => {
  it('opens the canonical MNIST splits, with limit and a seeded shuffle', async () => {
    expect((await openDataset(value('mnist', { split: 'train' }), '/')).size).toBe(7996);
    const test = await openDataset(value('mnist', { split: 'test' }), '/');
    expect(test.size).toBe(2004);
    expect(test.sampleShape).toEqual([1, 28, 28]);
    const first = await openDataset(value('mnist', { split: 'test', limit: 10 }), '/');
    expect(Array.from(first.labels!)).toEqual(Array.from(test.labels!.subarray(0, 10)));
    const a = await openDataset(value('mnist', { split: 'test', limit: 50, shuffle: true, seed: 7 }), '/');
    const b = await openDataset(value('mnist', { split: 'test', limit: 50, shuffle: true, seed: 7 }), '/');
    const c = await openDataset(value('mnist', { split: 'test', limit: 50, shuffle: true, seed: 8 }), '/');
    expect(Array.from(a.labels!)).toEqual(Array.from(b.labels!));
    expect(a.inputs).toEqual(b.inputs);
    expect(a.inputs).not.toEqual(c.inputs);
    expect(new Set(a.labels).size).toBeGreaterThan(3); // a shuffle mixes the class-ordered split
  });

  it('makes seeded synthetic data of the given shape', async () => {
    const a = await openDataset(value('synthetic', { shape: '3,8,8', count: 5, seed: 1 }), '/');
    const b = await openDataset(value('synthetic', { shape: [3, 8, 8], count: 5, seed: 1 }), '/');
    const c = await openDataset(value('synthetic', { shape: '3,8,8', count: 5, seed: 2, distribution: 'normal', numClasses: 4 }), '/');
    expect(a.sampleShape).toEqual([3, 8, 8]);
    expect(a.inputs).toHaveLength(5 * 192);
    expect(a.inputs).toEqual(b.inputs);
    expect(a.inputs).not.toEqual(c.inputs);
    expect(Math.min(...a.inputs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.inputs)).toBeLessThan(1);
    expect(Math.min(...c.inputs)).toBeLessThan(0);
    expect(c.labels!.every((l) => l >= 0 && l < 4)).toBe(true);
    const bad = await openDataset(value('synthetic', { shape: '3,0', count: 5 }), '/').catch((e: unknown) => e);
    expect(isWhittleError(bad, 'data.bad-shape')).toBe(true);
  });

  it('previews MNIST digits as 28x28 thumbnails scaled up', async () => {
    const ds = await openDataset(value('mnist', { split: 'test' }), '/', { firstSamples: 3 });
    expect(ds.size).toBe(3);
    const p = await previewDataset(ds, 3, 56);
    expect(p.samples.map((s) => s.label)).toEqual([0, 0, 0]);
    expect(p.samples[0].dataUrl.startsWith('data:image/png;base64,')).toBe(true);
    const flat = await previewDataset(await openDataset(value('synthetic', { shape: '10', count: 2 }), '/'), 2);
    expect(flat.samples).toHaveLength(0);
    expect(flat.note).toMatch(/not images/);
  });

  it('spreads preview samples over the classes in turn', () => {
    const labels = Int32Array.from([0, 0, 0, 1, 1, 2]);
    expect(spreadIndices({ size: 6, labels }, 5)).toEqual([0, 3, 5, 1, 4]);
    expect(spreadIndices({ size: 6, labels }, 10)).toEqual([0, 3, 5, 1, 4, 2]);
    expect(spreadIndices({ size: 6 }, 3)).toEqual([0, 1, 2]);
  });

  it('refuses unknown sources and bad number lists', async () => {
    const e = await openDataset(value('cifar', {}), '/').catch((err: unknown) => err);
    expect(isWhittleError(e, 'data.unknown-source')).toBe(true);
    expect(parseNumberList('0.485, 0.456 0.406', 'mean')).toEqual([0.485, 0.456, 0.406]);
    expect(() => parseNumberList('1, two', 'mean')).toThrow(/not a list of numbers/);
  });
});
