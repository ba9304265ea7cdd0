// Where a file dropped on the window goes (src/renderer/files/placeDroppedFile.ts): into the
// selected node's file field when it takes the file, else a new model node for an .onnx, at
// the drop point on the canvas or the nearest free spot; other files are left to the user.
import { describe, expect, it } from 'vitest';
import { createPipelineStore } from '../../src/renderer/store/createPipelineStore.ts';
import { placeDroppedFile } from '../../src/renderer/files/placeDroppedFile.ts';
import { estimatedNodeSize } from '../../src/renderer/editor/canvasPlacement.ts';
import { emptyDocument } from '../../src/shared/pipeline/document.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';

function editor() {
  const store = createPipelineStore(emptyDocument('t'));
  store.getState().setCatalog(CATALOG);
  return store;
}

const node = (store: ReturnType<typeof editor>, id: string) => store.getState().history.present.nodes.find((n) => n.id === id);

describe('placeDroppedFile', () => {
  it('adds a model node held by its title bar at the drop point, and allows its path', () => {
    const store = editor();
    const message = placeDroppedFile(store, '/home/u/Desktop/net.onnx', { x: 500, y: 300 });
    expect(message).toBe('Added onnx-1 with /home/u/Desktop/net.onnx.');
    const added = node(store, 'onnx-1')!;
    expect(added.kind).toBe('model.onnx');
    expect(added.params.path).toBe('/home/u/Desktop/net.onnx');
    const width = estimatedNodeSize(CATALOG.find((k) => k.kind === 'model.onnx')).width;
    expect(added.position).toEqual({ x: 500 - width / 2, y: 300 - 19 });
    expect(store.getState().allowedPaths).toContain('/home/u/Desktop/net.onnx');
    expect(store.getState().selectedNodes).toEqual(['onnx-1']);
  });

  it('puts a second model dropped on the same spot where it overlaps nothing', () => {
    const store = editor();
    placeDroppedFile(store, '/d/a.onnx', { x: 500, y: 300 });
    store.getState().select([]);
    placeDroppedFile(store, '/d/b.onnx', { x: 500, y: 300 });
    const size = estimatedNodeSize(CATALOG.find((k) => k.kind === 'model.onnx'));
    const [a, b] = [node(store, 'onnx-1')!.position!, node(store, 'onnx-2')!.position!];
    const apart = a.x + size.width <= b.x || b.x + size.width <= a.x || a.y + size.height <= b.y || b.y + size.height <= a.y;
    expect(apart).toBe(true);
  });

  it('without a drop point, goes under the lowest node', () => {
    const store = editor();
    store.getState().commit([{ type: 'addNode', node: { id: 'e', kind: 'export', params: {}, position: { x: 300, y: 200 } } }], []);
    placeDroppedFile(store, '/d/a.onnx');
    expect(node(store, 'onnx-1')!.position).toEqual({ x: 40, y: 360 });
  });

  it('fills the selected node\'s file field when it takes the file', () => {
    const store = editor();
    store.getState().commit([{ type: 'addNode', node: { id: 'm', kind: 'model.onnx', params: {}, position: { x: 0, y: 0 } } }], ['m']);
    expect(placeDroppedFile(store, '/d/a.onnx', { x: 900, y: 900 })).toBe('/d/a.onnx is now the model file of m.');
    expect(node(store, 'm')!.params.path).toBe('/d/a.onnx');
    expect(store.getState().history.present.nodes).toHaveLength(1);
  });

  it('leaves a file that is not a model to a file field', () => {
    const store = editor();
    expect(placeDroppedFile(store, '/d/labels.npy', { x: 0, y: 0 })).toBe('/d/labels.npy is ready; choose it in a node\'s file field.');
    expect(store.getState().history.present.nodes).toHaveLength(0);
    expect(store.getState().allowedPaths).toContain('/d/labels.npy');
  });
});
