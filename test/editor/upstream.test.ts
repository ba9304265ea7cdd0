// "Run to here": a node and everything upstream of it, as a document of its own.
import { describe, expect, it } from 'vitest';
import { upstreamDocument, upstreamIds } from '../../src/shared/editor/upstream.ts';
import { isWhittleError } from '../../src/shared/errors.ts';
import { chainDoc } from './fixtures.ts';

describe('upstream of a node', () => {
  it('keeps the node, what feeds it through any chain, and the edges among them', () => {
    const doc = chainDoc();
    expect([...upstreamIds(doc, 'p2')].sort()).toEqual(['m', 'p1', 'p2']);
    const cut = upstreamDocument(doc, 'p1');
    expect(cut.nodes.map((n) => n.id)).toEqual(['m', 'p1']);
    expect(cut.edges).toEqual([{ from: ['m', 'model'], to: ['p1', 'model'] }]);
    // The original is untouched; its name and format carry over.
    expect(doc.nodes).toHaveLength(4);
    expect(cut.name).toBe(doc.name);
  });

  it('a source node runs alone; a diamond is walked once', () => {
    const doc = chainDoc();
    expect(upstreamDocument(doc, 'm').nodes.map((n) => n.id)).toEqual(['m']);
    const diamond = { ...doc, edges: [...doc.edges, { from: ['m', 'model'] as [string, string], to: ['p2', 'model'] as [string, string] }, { from: ['d', 'dataset'] as [string, string], to: ['p2', 'data'] as [string, string] }] };
    const cut = upstreamDocument(diamond, 'p2');
    expect(cut.nodes.map((n) => n.id)).toEqual(['m', 'p1', 'p2', 'd']);
    expect(cut.edges).toHaveLength(4);
  });

  it('names a node that is not there', () => {
    let caught: unknown;
    try {
      upstreamIds(chainDoc(), 'gone');
    } catch (err) {
      caught = err;
    }
    expect(isWhittleError(caught, 'editor.unknown-node')).toBe(true);
    expect((caught as Error).message).toContain('"gone"');
  });
});
