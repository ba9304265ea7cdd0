// Undo/redo over document snapshots, drags as one step, the history limit.
import { describe, expect, it } from 'vitest';
import { applyTransient, canRedo, canUndo, checkpoint, commit, createHistory, HISTORY_LIMIT, redo, undo } from '../../src/shared/editor/history.ts';
import { chainDoc } from './fixtures.ts';

describe('undo/redo history', () => {
  it('undoes and redoes committed steps in order', () => {
    const h0 = createHistory(chainDoc());
    const h1 = commit(h0, [{ type: 'setParam', id: 'p1', param: 'sparsity', value: 0.9 }]);
    const h2 = commit(h1, [{ type: 'removeNodes', ids: ['d'] }]);
    expect(canUndo(h2)).toBe(true);
    const u1 = undo(h2);
    expect(u1.present).toBe(h1.present);
    const u2 = undo(u1);
    expect(u2.present).toBe(h0.present);
    expect(canUndo(u2)).toBe(false);
    expect(undo(u2)).toBe(u2);
    const r1 = redo(u2);
    expect(r1.present.nodes.find((n) => n.id === 'p1')?.params.sparsity).toBe(0.9);
    expect(redo(r1).present).toBe(h2.present);
  });

  it('a new commit after undo drops the redo branch', () => {
    const h1 = commit(createHistory(chainDoc()), [{ type: 'rename', name: 'a' }]);
    const back = undo(h1);
    expect(canRedo(back)).toBe(true);
    const branched = commit(back, [{ type: 'rename', name: 'b' }]);
    expect(canRedo(branched)).toBe(false);
    expect(branched.present.name).toBe('b');
  });

  it('a drag is one undo step however many transient moves it made', () => {
    const h0 = createHistory(chainDoc());
    let h = h0;
    for (let i = 1; i <= 5; i++) h = applyTransient(h, [{ type: 'moveNodes', positions: { m: { x: i * 10, y: 0 } } }]);
    expect(h.past).toHaveLength(0);
    h = checkpoint(h, h0.present);
    expect(h.present.nodes[0].position).toEqual({ x: 50, y: 0 });
    expect(undo(h).present.nodes[0].position).toEqual({ x: 0, y: 0 });
  });

  it('keeps at most HISTORY_LIMIT steps', () => {
    let h = createHistory(chainDoc());
    for (let i = 0; i < HISTORY_LIMIT + 25; i++) h = commit(h, [{ type: 'rename', name: `n${i}` }]);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0].name).toBe('n24');
  });
});
