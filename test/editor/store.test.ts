// The editor store: dirty tracking, drags, selection after undo, early run events, loading.
import { describe, expect, it } from 'vitest';
import { createPipelineStore } from '../../src/renderer/store/createPipelineStore.ts';
import { selectCanUndo, selectIsDirty } from '../../src/renderer/store/selectors.ts';
import { emptyDocument } from '../../src/shared/pipeline/document.ts';

function storeWithNode() {
  const store = createPipelineStore(emptyDocument('t'));
  store.getState().commit([{ type: 'addNode', node: { id: 'm', kind: 'model.onnx', params: {}, position: { x: 0, y: 0 } } }], ['m']);
  return store;
}

describe('editor store', () => {
  it('is dirty after an edit and clean again after undoing back to the saved document', () => {
    const store = createPipelineStore(emptyDocument('t'));
    expect(selectIsDirty(store.getState())).toBe(false);
    store.getState().commit([{ type: 'rename', name: 'u' }]);
    expect(selectIsDirty(store.getState())).toBe(true);
    store.getState().undo();
    expect(selectIsDirty(store.getState())).toBe(false);
  });

  it('a drag of many moves is one undo step', () => {
    const store = storeWithNode();
    const s = store.getState();
    s.beginDrag();
    for (let i = 1; i <= 20; i++) store.getState().dragTo({ m: { x: i, y: i } });
    store.getState().endDrag();
    expect(store.getState().history.present.nodes[0].position).toEqual({ x: 20, y: 20 });
    store.getState().undo();
    expect(store.getState().history.present.nodes[0].position).toEqual({ x: 0, y: 0 });
    expect(selectCanUndo(store.getState())).toBe(true);
  });

  it('undo drops selected ids that no longer exist; a bad change becomes an error toast', () => {
    const store = storeWithNode();
    expect(store.getState().selectedNodes).toEqual(['m']);
    store.getState().undo();
    expect(store.getState().selectedNodes).toEqual([]);
    store.getState().commit([{ type: 'setParam', id: 'ghost', param: 'p', value: 1 }]);
    expect(store.getState().toasts.at(-1)).toMatchObject({ tone: 'error', message: 'The pipeline has no node "ghost".' });
  });

  it('adopts a run whose run.started arrives before runs.start returns', () => {
    const store = storeWithNode();
    store.getState().setAwaitingRun(true);
    store.getState().applyRunEvent({ runId: 'r9', atMs: 0, type: 'run.started', nodeIds: ['m'] });
    store.getState().applyRunEvent({ runId: 'r9', atMs: 0, nodeId: 'm', type: 'started' });
    store.getState().startRun('r9', ['m']);
    expect(store.getState().run).toEqual({ runId: 'r9', status: 'running', nodes: { m: { status: 'running' } } });
    expect(store.getState().awaitingRun).toBe(false);
  });

  it('loading a document without positions lays it out and clears the run', () => {
    const store = storeWithNode();
    store.getState().startRun('r1', ['m']);
    store.getState().loadDocument({ ...emptyDocument('x'), nodes: [{ id: 'a', kind: 'model.onnx', params: {} }, { id: 'b', kind: 'export', params: {} }], edges: [{ from: ['a', 'model'], to: ['b', 'model'] }] }, null);
    const s = store.getState();
    expect(s.run).toBeNull();
    expect(s.history.present.nodes.map((n) => n.position)).toEqual([{ x: 0, y: 0 }, { x: 280, y: 0 }]);
    expect(selectIsDirty(s)).toBe(false);
  });
});
