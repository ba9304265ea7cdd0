// Copy/paste/duplicate: fresh ids, edges kept only inside the selection, groups with what lies
// inside them and notes, one undo step per paste, clipboard text.
import { describe, expect, it } from 'vitest';
import { applyPipelineChanges } from '../../src/shared/editor/changes.ts';
import { clipboardCorner, copySelection, parseClipboard, planDuplicate, planPaste } from '../../src/shared/editor/clipboard.ts';
import { commit, createHistory, undo } from '../../src/shared/editor/history.ts';
import { membersOf } from '../../src/shared/editor/placement.ts';
import type { EditorDocument } from '../../src/shared/editor/types.ts';
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

const NODE = { width: 220, height: 120 };

/** chainDoc with a group around m and p1 (p2 and d outside it), a note inside it and one outside. */
function groupedDoc(): EditorDocument {
  return {
    ...chainDoc(),
    groups: [{ id: 'group-1', title: 'Front', position: { x: -20, y: -40 }, size: { width: 460, height: 200 } }],
    notes: [
      { id: 'note-1', text: 'inside', position: { x: 20, y: 100 }, size: { width: 100, height: 40 } },
      { id: 'note-2', text: '**outside**', position: { x: 600, y: 300 }, size: { width: 240, height: 140 } },
    ],
  };
}

/** Every box of a document with its id, nodes sized as the clipboard sizes them here. */
function boxes(doc: EditorDocument) {
  return [
    ...doc.nodes.map((n) => ({ id: n.id, ...n.position!, ...NODE })),
    ...(doc.notes ?? []).map((n) => ({ id: n.id, ...n.position, ...n.size })),
  ];
}

describe('copy and paste of groups and notes', () => {
  it('a copied group brings what lies inside it, and the edges among those', () => {
    const clip = copySelection(groupedDoc(), ['group-1'], () => NODE);
    expect(clip.groups?.map((g) => g.id)).toEqual(['group-1']);
    expect(clip.nodes.map((n) => n.id)).toEqual(['m', 'p1']);
    expect(clip.notes?.map((n) => n.id)).toEqual(['note-1']);
    expect(clip.edges).toEqual([{ from: ['m', 'model'], to: ['p1', 'model'] }]);
  });

  it('a selected note comes alone; a node alone brings no group', () => {
    const clip = copySelection(groupedDoc(), ['note-2', 'p2'], () => NODE);
    expect(clip.notes).toEqual([{ id: 'note-2', text: '**outside**', position: { x: 600, y: 300 }, size: { width: 240, height: 140 } }]);
    expect(clip.nodes.map((n) => n.id)).toEqual(['p2']);
    expect(clip.groups).toBeUndefined();
  });

  it('pastes the group over fresh copies of its members, all shifted by one offset, as one undo step', () => {
    const doc = groupedDoc();
    const clip = copySelection(doc, ['group-1'], () => NODE);
    const plan = planPaste(doc, clip, { x: 0, y: 400 });
    const history = commit(createHistory(doc), plan.changes);
    const next = history.present;
    expect(plan.newIds).toEqual(['group-2', 'onnx-1', 'prune-1', 'note-3']);
    const group = next.groups!.find((g) => g.id === 'group-2')!;
    expect(group).toEqual({ id: 'group-2', title: 'Front', position: { x: -20, y: 360 }, size: { width: 460, height: 200 } });
    expect(next.notes!.find((n) => n.id === 'note-3')).toMatchObject({ text: 'inside', position: { x: 20, y: 500 } });
    expect(next.edges).toContainEqual({ from: ['onnx-1', 'model'], to: ['prune-1', 'model'] });
    // The pasted group holds the pasted copies, and the original still holds the originals.
    expect(membersOf({ ...group, ...group.position, ...group.size }, boxes(next)).sort()).toEqual(['note-3', 'onnx-1', 'prune-1']);
    const original = next.groups!.find((g) => g.id === 'group-1')!;
    expect(membersOf({ ...original, ...original.position, ...original.size }, boxes(next)).sort()).toEqual(['m', 'note-1', 'p1']);
    // One undo takes the whole paste back.
    expect(undo(history).present).toBe(doc);
  });

  it('pasted ids never collide across nodes, groups and notes; pasted text is an independent copy', () => {
    const doc = groupedDoc();
    const clip = copySelection(doc, ['note-1'], () => NODE);
    const once = applyPipelineChanges(doc, planPaste(doc, clip).changes);
    const twice = applyPipelineChanges(once, planPaste(once, clip).changes);
    expect(twice.notes!.map((n) => n.id)).toEqual(['note-1', 'note-2', 'note-3', 'note-4']);
    const edited = applyPipelineChanges(twice, [{ type: 'updateNote', id: 'note-4', patch: { text: 'changed' } }]);
    expect(edited.notes!.find((n) => n.id === 'note-3')?.text).toBe('inside');
    expect(clip.notes![0].text).toBe('inside');
  });

  it('duplicate carries groups too, and the corner counts groups and notes', () => {
    const doc = groupedDoc();
    const plan = planDuplicate(doc, ['group-1'], { x: 40, y: 40 }, () => NODE);
    expect(plan.newIds).toEqual(['group-2', 'onnx-1', 'prune-1', 'note-3']);
    expect(clipboardCorner(copySelection(doc, ['group-1'], () => NODE))).toEqual({ x: -20, y: -40 });
  });

  it('reads back groups and notes from clipboard text and rejects malformed ones', () => {
    const clip = copySelection(groupedDoc(), ['group-1'], () => NODE);
    expect(parseClipboard(JSON.stringify(clip))).toEqual(clip);
    const broken = { ...clip, groups: [{ id: 'g', title: 'x', position: { x: 0 }, size: { width: 1, height: 1 } }] };
    expect(parseClipboard(JSON.stringify(broken))).toBeNull();
    expect(parseClipboard(JSON.stringify({ ...clip, notes: [{ id: 'n', text: 3, position: { x: 0, y: 0 }, size: { width: 1, height: 1 } }] }))).toBeNull();
  });
});
