// The pure reducer: every change kind, immutability, errors naming the node.
import { describe, expect, it } from 'vitest';
import { applyPipelineChanges, edgeKey } from '../../src/shared/editor/changes.ts';
import { isWhittleError } from '../../src/shared/errors.ts';
import { chainDoc } from './fixtures.ts';

describe('applyPipelineChanges', () => {
  it('adds a node and leaves the input document untouched', () => {
    const doc = chainDoc();
    const before = JSON.stringify(doc);
    const next = applyPipelineChanges(doc, [{ type: 'addNode', node: { id: 'x', kind: 'prune', params: {}, position: { x: 1, y: 2 } } }]);
    expect(next.nodes.map((n) => n.id)).toEqual(['m', 'p1', 'p2', 'd', 'x']);
    expect(JSON.stringify(doc)).toBe(before);
    // Untouched nodes keep their identity so React can skip them.
    expect(next.nodes[0]).toBe(doc.nodes[0]);
  });

  it('refuses a duplicate id and a change on a missing node, naming the node', () => {
    const doc = chainDoc();
    expect(() => applyPipelineChanges(doc, [{ type: 'addNode', node: { id: 'm', kind: 'prune', params: {} } }])).toThrow(/"m" already exists/);
    try {
      applyPipelineChanges(doc, [{ type: 'setParam', id: 'ghost', param: 'sparsity', value: 0.1 }]);
      expect.unreachable();
    } catch (err) {
      expect(isWhittleError(err, 'editor.unknown-node')).toBe(true);
      expect((err as { nodeId: string }).nodeId).toBe('ghost');
    }
  });

  it('removing a node removes every edge touching it', () => {
    const next = applyPipelineChanges(chainDoc(), [{ type: 'removeNodes', ids: ['p1'] }]);
    expect(next.nodes.map((n) => n.id)).toEqual(['m', 'p2', 'd']);
    expect(next.edges).toEqual([]);
  });

  it('moves nodes, sets and clears params and labels', () => {
    const next = applyPipelineChanges(chainDoc(), [
      { type: 'moveNodes', positions: { p2: { x: 10, y: 20 } } },
      { type: 'setParam', id: 'p2', param: 'sparsity', value: 0.75 },
      { type: 'setParam', id: 'p1', param: 'sparsity', value: undefined },
      { type: 'setLabel', id: 'm', label: 'Teacher' },
      { type: 'rename', name: 'renamed' },
    ]);
    expect(next.nodes.find((n) => n.id === 'p2')).toEqual({ id: 'p2', kind: 'prune', params: { sparsity: 0.75 }, position: { x: 10, y: 20 } });
    expect(next.nodes.find((n) => n.id === 'p1')?.params).toEqual({});
    expect(next.nodes.find((n) => n.id === 'm')?.label).toBe('Teacher');
    expect(next.name).toBe('renamed');
    const cleared = applyPipelineChanges(next, [{ type: 'setLabel', id: 'm', label: '' }]);
    expect('label' in (cleared.nodes.find((n) => n.id === 'm') ?? {})).toBe(false);
  });

  it('adds an edge once and removes it by key', () => {
    const doc = chainDoc();
    const edge = { from: ['m', 'model'] as [string, string], to: ['p2', 'model'] as [string, string] };
    const once = applyPipelineChanges(doc, [{ type: 'addEdge', edge }]);
    const twice = applyPipelineChanges(once, [{ type: 'addEdge', edge }]);
    expect(once.edges).toHaveLength(3);
    expect(twice).toBe(once);
    expect(edgeKey(edge)).toBe('m.model->p2.model');
    const removed = applyPipelineChanges(twice, [{ type: 'removeEdges', keys: ['m.model->p2.model'] }]);
    expect(removed.edges).toEqual(doc.edges);
  });
});
