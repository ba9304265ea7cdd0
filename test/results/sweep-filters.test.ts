// The sweep view's filters: swept values switched off, unfinished variants hidden, front only.
import { describe, expect, it } from 'vitest';
import { filterVariants, NO_FILTER, toggleValue } from '../../src/renderer/results/sweep/sweepFilters.ts';
import type { VariantOutcome } from '../../src/shared/api/sweep-results.ts';

const v = (id: string, sparsity: number, state: VariantOutcome['state'] = 'done'): VariantOutcome => ({
  id, settings: { 'p.sparsity': sparsity, 'q.mode': 'static' }, state, nodesTotal: 3, nodesDone: 3, metrics: {}, warnings: [],
});
const all = [v('v1', 0.5), v('v2', 0.7, 'running'), v('v3', 0.9, 'warning')];
const ids = (list: VariantOutcome[]) => list.map((x) => x.id);

describe('sweep filters', () => {
  it('switch values off and on again', () => {
    const off = toggleValue(NO_FILTER, 'p.sparsity', '0.7');
    expect(ids(filterVariants(all, off, new Set()))).toEqual(['v1', 'v3']);
    expect(ids(filterVariants(all, toggleValue(off, 'p.sparsity', '0.7'), new Set()))).toEqual(['v1', 'v2', 'v3']);
  });

  it('hide unfinished variants, or show the front only', () => {
    expect(ids(filterVariants(all, { ...NO_FILTER, hideUnfinished: true }, new Set()))).toEqual(['v1', 'v3']);
    expect(ids(filterVariants(all, { ...NO_FILTER, frontOnly: true }, new Set(['v3'])))).toEqual(['v3']);
  });
});
