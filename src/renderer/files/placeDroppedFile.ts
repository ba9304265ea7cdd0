// Where a file dropped on the window goes once it has a path (its own on the desktop, an
// uploaded copy in the browser host): into the selected node's file field when that field
// takes it, else a new "ONNX model" node for a model, at the drop point when the drop was on
// the canvas; the path is allowed for this session either way.
import type { PathParam } from '../../shared/catalog/types.ts';
import type { Rect } from '../../shared/editor/placement.ts';
import type { XY } from '../../shared/editor/types.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';
import { estimatedNodeSize } from '../editor/canvasPlacement.ts';
import { addNode, spotUnder } from '../editor/addNode.ts';

const MODEL_KIND = 'model.onnx';

function extensionOf(path: string): string {
  const m = /\.([^./\\]+)$/.exec(path);
  return m ? m[1].toLowerCase() : '';
}

/** The boxes of the document's nodes at their estimated sizes (the window's drop handler sees no measured ones). */
function estimatedObstacles(store: PipelineStore): Rect[] {
  const { history, kinds } = store.getState();
  return history.present.nodes.map((n) => ({ ...(n.position ?? { x: 0, y: 0 }), ...estimatedNodeSize(kinds.get(n.kind)) }));
}

/** Returns what happened, for the toast. `at`: the canvas point of the drop, if it was on the canvas. */
export function placeDroppedFile(store: PipelineStore, path: string, at: XY | null = null): string {
  const s = store.getState();
  s.allowPath(path);
  const ext = extensionOf(path);
  const takes = (p: PathParam) => p.mode === 'open-file' && (!p.extensions || p.extensions.some((e) => e.replace(/^\./, '').toLowerCase() === ext));
  const doc = s.history.present;
  const selected = s.selectedNodes.length === 1 ? doc.nodes.find((n) => n.id === s.selectedNodes[0]) : undefined;
  const spec = selected ? s.kinds.get(selected.kind) : undefined;
  const field = spec && Object.entries(spec.params).find(([, p]) => p.type === 'path' && takes(p));
  if (selected && field) {
    s.commit([{ type: 'setParam', id: selected.id, param: field[0], value: path }], [selected.id]);
    return `${path} is now the ${field[1].label.toLowerCase()} of ${selected.id}.`;
  }
  if (ext !== 'onnx') return `${path} is ready; choose it in a node's file field.`;
  // On the canvas: held by its title bar at the drop point, as a palette drop is; else under the lowest node.
  const position = at ? spotUnder(store, MODEL_KIND, at, estimatedObstacles(store)) : { x: 40, y: Math.round(doc.nodes.reduce((y, n) => Math.max(y, n.position?.y ?? 0), 0) + 160) };
  const id = addNode(store, MODEL_KIND, position, { path });
  return `Added ${id} with ${path}.`;
}
