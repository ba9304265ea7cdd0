// Where a file dropped on the window goes once it is uploaded: into the selected node's file
// field when that field takes it, else a new "Load ONNX model" node for a model; the path
// is allowed for this session either way.
import type { PathParam } from '../../shared/catalog/types.ts';
import { freshNodeId } from '../../shared/editor/ids.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';

function extensionOf(path: string): string {
  const m = /\.([^./\\]+)$/.exec(path);
  return m ? m[1].toLowerCase() : '';
}

/** Returns what happened, for the toast. */
export function placeUploadedFile(store: PipelineStore, path: string): string {
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
  if (ext !== 'onnx') return `Uploaded ${path}; choose it in a node's file field.`;
  const id = freshNodeId('model.onnx', new Set(doc.nodes.map((n) => n.id)));
  const bottom = doc.nodes.reduce((y, n) => Math.max(y, n.position?.y ?? 0), 0);
  s.commit([{ type: 'addNode', node: { id, kind: 'model.onnx', params: { path }, position: { x: 40, y: Math.round(bottom + 160) } } }], [id]);
  return `Added ${id} with ${path}.`;
}
