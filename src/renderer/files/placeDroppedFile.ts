// Where a file dropped on the window goes once it has a path (its own on the desktop, an
// uploaded copy in the browser host): into the selected node's file field when that field
// takes it, else a new "ONNX model" node for a model, at the drop point when the drop was on
// the canvas; the path is allowed for this session either way.
import type { PathParam } from '../../shared/catalog/types.ts';
import { freshNodeId } from '../../shared/editor/ids.ts';
import { freePosition } from '../../shared/editor/placement.ts';
import type { XY } from '../../shared/editor/types.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';
import { estimatedNodeSize } from '../editor/canvasPlacement.ts';

const MODEL_KIND = 'model.onnx';

function extensionOf(path: string): string {
  const m = /\.([^./\\]+)$/.exec(path);
  return m ? m[1].toLowerCase() : '';
}

/** A free spot for a new model node: held at `at` by its title bar as a palette drop is, else under the lowest node. */
function modelNodePosition(store: PipelineStore, at: XY | null): XY {
  const s = store.getState();
  const nodes = s.history.present.nodes;
  if (!at) return { x: 40, y: Math.round(nodes.reduce((y, n) => Math.max(y, n.position?.y ?? 0), 0) + 160) };
  const size = estimatedNodeSize(s.kinds.get(MODEL_KIND));
  const obstacles = nodes.map((n) => ({ ...(n.position ?? { x: 0, y: 0 }), ...estimatedNodeSize(s.kinds.get(n.kind)) }));
  return freePosition({ x: Math.round(at.x - size.width / 2), y: Math.round(at.y - 19) }, size, obstacles);
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
  const id = freshNodeId(MODEL_KIND, new Set(doc.nodes.map((n) => n.id)));
  s.commit([{ type: 'addNode', node: { id, kind: MODEL_KIND, params: { path }, position: modelNodePosition(store, at) } }], [id]);
  return `Added ${id} with ${path}.`;
}
