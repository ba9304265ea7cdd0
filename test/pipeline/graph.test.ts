// Topological order, cycles and downstream sets on small hand-checked graphs.
import { describe, expect, it } from 'vitest';
import { downstreamOf, findCycles, topologicalOrder } from '../../src/shared/graph/order.ts';

const E = (s: string) => s.split(' ').map((p) => ({ from: p[0], to: p[2] }));

describe('graph', () => {
  it('orders a diamond stably by the given id order', () => {
    expect(topologicalOrder(['d', 'b', 'c', 'a'], E('a>b a>c b>d c>d'))).toEqual({ order: ['a', 'b', 'c', 'd'], cyclic: [] });
    expect(topologicalOrder(['d', 'c', 'b', 'a'], E('a>b a>c b>d c>d')).order).toEqual(['a', 'c', 'b', 'd']);
  });

  it('leaves nodes on and behind a cycle out of the order', () => {
    expect(topologicalOrder(['a', 'b', 'c', 'd'], E('a>b b>c c>b c>d'))).toEqual({ order: ['a'], cyclic: ['b', 'c', 'd'] });
  });

  it('finds every cycle, self-loops included, and nothing else', () => {
    expect(findCycles(['a', 'b', 'c', 'd', 'e'], E('a>b b>c c>a c>d e>e'))).toEqual([['a', 'b', 'c'], ['e']]);
    expect(findCycles(['a', 'b'], E('a>b'))).toEqual([]);
  });

  it('handles a 20,000-node chain without overflowing the stack', () => {
    const ids = Array.from({ length: 20000 }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => ({ from: ids[i], to: id }));
    expect(findCycles(ids, edges)).toEqual([]);
    expect(topologicalOrder([...ids].reverse(), edges).order[0]).toBe('n0');
  });

  it('collects everything downstream of failed nodes', () => {
    expect([...downstreamOf(['b'], E('a>b b>c c>d a>e'))].sort()).toEqual(['c', 'd']);
  });
});
