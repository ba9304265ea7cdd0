// Copy/paste/duplicate: fresh ids, edges kept only inside the selection, clipboard text.
import { describe, expect, it } from 'vitest';
import { applyPipelineChanges } from '../../src/shared/editor/changes.ts';
import { copySelection, parseClipboard, planDuplicate, planPaste } from '../../src/shared/editor/clipboard.ts';
import { freshNodeId } from '../../src/shared/editor/ids.ts';
import { chainDoc } from './fixtures.ts';

describe('copy, paste and duplicate', () => {
  it('copies the selected nodes and only the edges inside the selection', () => {
    const clip = copySelection(chainDoc(), ['p1', 'p2']);
    expect(clip.nodes.map((n) => n.id)).toEqual(['p1', 'p2']);
    expect(clip.edges).toEqual([{ from: ['p1', 'model'], to: ['p2', 'model'] }]);
  });

  it('pastes with fresh ids, re-pointed inner edges and an offset', () => {
    const doc = chainDoc();
    const plan = planPaste(doc, copySelection(doc, ['p1', 'p2']), { x: 40, y: 60 });
    const next = applyPipelineChanges(doc, plan.changes);
    expect(plan.newIds).toEqual(['prune-1', 'prune-2']);
    expect(next.nodes).toHaveLength(6);
    const pasted = next.nodes.find((n) => n.id === 'prune-1');
    expect(pasted).toEqual({ id: 'prune-1', kind: 'prune', params: { sparsity: 0.3 }, position: { x: 240, y: 60 } });
    expect(next.edges).toContainEqual({ from: ['prune-1', 'model'], to: ['prune-2', 'model'] });
    // The edge from m into p1 left the selection, so it is not pasted.
    expect(next.edges.filter((e) => e.to[0] === 'prune-1')).toEqual([]);
  });

  it('pasting twice never reuses an id, and pasted params are independent copies', () => {
    const doc = chainDoc();
    const clip = copySelection(doc, ['p1']);
    const once = applyPipelineChanges(doc, planPaste(doc, clip).changes);
    const twicePlan = planPaste(once, clip);
    expect(twicePlan.newIds).toEqual(['prune-2']);
    const twice = applyPipelineChanges(once, twicePlan.changes);
    const edited = applyPipelineChanges(twice, [{ type: 'setParam', id: 'prune-2', param: 'sparsity', value: 0.8 }]);
    expect(edited.nodes.find((n) => n.id === 'prune-1')?.params.sparsity).toBe(0.3);
    expect(edited.nodes.find((n) => n.id === 'p1')?.params.sparsity).toBe(0.3);
  });

  it('duplicate is copy + paste of the selection', () => {
    const doc = chainDoc();
    const plan = planDuplicate(doc, ['m', 'p1']);
    const next = applyPipelineChanges(doc, plan.changes);
    expect(plan.newIds).toEqual(['onnx-1', 'prune-1']);
    expect(next.edges).toContainEqual({ from: ['onnx-1', 'model'], to: ['prune-1', 'model'] });
  });

  it('reads back its own clipboard text and rejects anything else', () => {
    const clip = copySelection(chainDoc(), ['m']);
    expect(parseClipboard(JSON.stringify(clip))).toEqual(clip);
    expect(parseClipboard('hello')).toBeNull();
    expect(parseClipboard('{"format":"whittle.pipeline","nodes":[],"edges":[]}')).toBeNull();
    expect(parseClipboard('{"format":"whittle.clipboard","nodes":[{"id":1}],"edges":[]}')).toBeNull();
  });

  it('fresh ids skip taken ones', () => {
    expect(freshNodeId('model.onnx', new Set(['onnx-1', 'onnx-2']))).toBe('onnx-3');
    expect(freshNodeId('dataset.images', new Set())).toBe('images-1');
  });
});
