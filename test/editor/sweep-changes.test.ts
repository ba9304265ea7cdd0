// Sweep edits through the one reducer: set, replace and clear a param's sweep (the node
// loses its `sweeps` field with the last one), the document's sampling settings, unknown nodes.
import { describe, expect, it } from 'vitest';
import { applyPipelineChanges } from '../../src/shared/editor/changes.ts';
import type { EditorDocument } from '../../src/shared/editor/types.ts';
import { outdatedNodeIds } from '../../src/shared/api/run-staleness.ts';

const doc: EditorDocument = { format: 'whittle.pipeline', version: 2, name: 'd', nodes: [{ id: 'p', kind: 'prune', params: { sparsity: 0.5 } }], edges: [] };

describe('sweep changes', () => {
  it('set, replace and clear a sweep; the param value stays', () => {
    const a = applyPipelineChanges(doc, [{ type: 'setSweep', id: 'p', param: 'sparsity', sweep: { kind: 'list', values: [0.3, 0.6] } }]);
    expect(a.nodes[0]).toEqual({ id: 'p', kind: 'prune', params: { sparsity: 0.5 }, sweeps: { sparsity: { kind: 'list', values: [0.3, 0.6] } } });
    const b = applyPipelineChanges(a, [{ type: 'setSweep', id: 'p', param: 'sparsity', sweep: { kind: 'linear', start: 0.1, stop: 0.9, steps: 5 } }]);
    expect(b.nodes[0].sweeps).toEqual({ sparsity: { kind: 'linear', start: 0.1, stop: 0.9, steps: 5 } });
    const c = applyPipelineChanges(b, [{ type: 'setSweep', id: 'p', param: 'sparsity', sweep: undefined }]);
    expect(c.nodes[0]).toEqual(doc.nodes[0]);
    expect(a).not.toBe(doc);
    expect(doc.nodes[0].sweeps).toBeUndefined();
  });

  it('document sampling settings, and a clear error for an unknown node', () => {
    const s = applyPipelineChanges(doc, [{ type: 'setSweepSettings', settings: { sampling: 'lhs', maxVariants: 10, seed: 2 } }]);
    expect(s.sweep).toEqual({ sampling: 'lhs', maxVariants: 10, seed: 2 });
    expect('sweep' in applyPipelineChanges(s, [{ type: 'setSweepSettings', settings: undefined }])).toBe(false);
    expect(() => applyPipelineChanges(doc, [{ type: 'setSweep', id: 'x', param: 'k', sweep: undefined }])).toThrow(/no node "x"/);
  });

  it('a sweep set after a run makes the node\'s results outdated, as a param change does', () => {
    const swept = applyPipelineChanges(doc, [{ type: 'setSweep', id: 'p', param: 'sparsity', sweep: { kind: 'list', values: [0.3, 0.6] } }]);
    expect([...outdatedNodeIds(doc, swept)]).toEqual(['p']);
    expect([...outdatedNodeIds(swept, swept)]).toEqual([]);
  });
});
