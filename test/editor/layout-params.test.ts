// Auto-layout of documents without positions, and the inspector's param rules.
import { describe, expect, it } from 'vitest';
import { autoLayout, LAYOUT_COLUMN_PX, LAYOUT_ROW_PX, layerOf, layeredPositions } from '../../src/shared/editor/layout.ts';
import { effectiveValue, formatNumberMap, isParamVisible, paramError, parseNumberMap } from '../../src/shared/editor/params.ts';
import type { EditorDocument } from '../../src/shared/editor/types.ts';
import { chainDoc, lookup } from './fixtures.ts';

describe('auto-layout', () => {
  it('places nodes in columns by longest path from the sources', () => {
    const doc = chainDoc();
    const bare: EditorDocument = { ...doc, nodes: doc.nodes.map(({ position: _p, ...n }) => n) };
    expect([...layerOf(bare)]).toEqual([['m', 0], ['p1', 1], ['p2', 2], ['d', 0]]);
    const laid = autoLayout(bare);
    expect(laid.nodes.map((n) => n.position)).toEqual([
      { x: 0, y: 0 }, { x: LAYOUT_COLUMN_PX, y: 0 }, { x: 2 * LAYOUT_COLUMN_PX, y: 0 }, { x: 0, y: LAYOUT_ROW_PX },
    ]);
  });

  it('stacks a column by each node\'s height so tall nodes do not overlap', () => {
    const doc: EditorDocument = {
      format: 'whittle.pipeline', version: 1, name: 'tall',
      nodes: [{ id: 'a', kind: 'x', params: {} }, { id: 'b', kind: 'tall', params: {} }, { id: 'c', kind: 'x', params: {} }],
      edges: [],
    };
    const pos = layeredPositions(doc, (n) => (n.kind === 'tall' ? 300 : 100));
    expect([pos.a.y, pos.b.y, pos.c.y]).toEqual([0, 100, 400]);
  });

  it('keeps existing positions and places missing ones below them', () => {
    const doc = chainDoc();
    const partial: EditorDocument = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'p2' ? { id: n.id, kind: n.kind, params: n.params } : n)) };
    const laid = autoLayout(partial);
    expect(laid.nodes[0].position).toEqual({ x: 0, y: 0 });
    expect(laid.nodes[2].position).toEqual({ x: 2 * LAYOUT_COLUMN_PX, y: 200 + LAYOUT_ROW_PX });
    expect(autoLayout(doc)).toBe(doc);
  });
});

describe('inspector params', () => {
  const prune = lookup('prune')!;
  it('uses the default when a param is unset', () => {
    expect(effectiveValue(prune.params.sparsity, {}, 'sparsity')).toBe(0.5);
    expect(effectiveValue(prune.params.sparsity, { sparsity: 0.2 }, 'sparsity')).toBe(0.2);
  });

  it('respects visibleWhen', () => {
    expect(isParamVisible(prune, {}, 'channels')).toBe(false);
    expect(isParamVisible(prune, { method: 'structured' }, 'channels')).toBe(true);
  });

  it('gives inline errors for bounds, integers and number maps', () => {
    expect(paramError(prune.params.sparsity, 1)).toBe('Must be less than 1.');
    expect(paramError(prune.params.sparsity, -0.1)).toBe('Must be at least 0.');
    expect(paramError(prune.params.sparsity, 0.99)).toBeNull();
    expect(paramError(prune.params.channels, 2.5)).toBe('Must be a whole number.');
    expect(paramError(prune.params.method, 'random')).toMatch(/Choose one of/);
    expect(paramError(prune.params.overrides, { conv1: 1.5 })).toBe('"conv1": Must be less than 1.');
  });

  it('parses and formats number maps', () => {
    expect(parseNumberMap('conv1: 0.3\n\n fc/w : 0.5 ')).toEqual({ conv1: 0.3, 'fc/w': 0.5 });
    expect(parseNumberMap('conv1 0.3')).toBeNull();
    expect(parseNumberMap('conv1:')).toBeNull();
    expect(formatNumberMap({ a: 1, b: 0.5 })).toBe('a: 1\nb: 0.5');
  });
});
