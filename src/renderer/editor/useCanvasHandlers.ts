// The canvas' event handlers: React Flow changes into store actions (transient drag
// moves, selection, measured sizes), checked connections, and drops from the palette.
import { useCallback, type DragEvent } from 'react';
import { useReactFlow, type Connection, type EdgeChange, type FinalConnectionState, type NodeChange } from '@xyflow/react';
import { checkConnection } from '../../shared/editor/connection.ts';
import { edgeKey } from '../../shared/editor/changes.ts';
import { freshNodeId } from '../../shared/editor/ids.ts';
import type { XY } from '../../shared/editor/types.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import type { PipelineFlowNode } from './flowTypes.ts';

export const PALETTE_DRAG_TYPE = 'application/x-whittle-kind';

type Size = { width: number; height: number };
/** Where a dropped node is held: the middle of its title bar (nodes are 220 px wide). */
const DROP_GRAB_OFFSET = { x: 110, y: 19 };

export function useCanvasHandlers(setMeasured: (sizes: Record<string, Size>) => void) {
  const store = usePipelineStoreApi();
  const flow = useReactFlow();

  const onNodesChange = useCallback((changes: NodeChange<PipelineFlowNode>[]) => {
    const s = store.getState();
    const positions: Record<string, XY> = {};
    let dragEnded = false;
    let selection: Set<string> | null = null;
    const sizes: Record<string, Size> = {};
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        positions[c.id] = c.position;
        if (c.dragging === false) dragEnded = true;
      } else if (c.type === 'select') {
        selection ??= new Set(s.selectedNodes);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      } else if (c.type === 'dimensions' && c.dimensions) {
        sizes[c.id] = c.dimensions;
      }
    }
    if (Object.keys(sizes).length) setMeasured(sizes);
    if (Object.keys(positions).length) {
      if (!s.dragStart) s.beginDrag();
      s.dragTo(positions);
    }
    if (dragEnded) store.getState().endDrag();
    if (selection) store.getState().select([...selection], store.getState().selectedEdges);
  }, [store, setMeasured]);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const s = store.getState();
    let selection: Set<string> | null = null;
    for (const c of changes) {
      if (c.type === 'select') {
        selection ??= new Set(s.selectedEdges);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      }
    }
    if (selection) s.select(s.selectedNodes, [...selection]);
  }, [store]);

  const verdictFor = useCallback((c: Connection) => {
    const s = store.getState();
    return checkConnection(s.history.present, { source: c.source, sourcePort: c.sourceHandle ?? '', target: c.target, targetPort: c.targetHandle ?? '' }, (k) => s.kinds.get(k));
  }, [store]);

  // Marks the port under the pointer valid or not while a connection is dragged.
  const isValidConnection = useCallback((c: Connection | { source: string; target: string; sourceHandle?: string | null; targetHandle?: string | null }) => (
    verdictFor({ source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? null, targetHandle: c.targetHandle ?? null }).ok
  ), [verdictFor]);

  // A drop on a refused port ends here rather than in onConnect: say why.
  const onConnectEnd = useCallback((_e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid || !state.fromHandle || !state.toHandle) return;
    const s = store.getState();
    const { fromHandle: a, toHandle: b } = state;
    if (a.type === b.type) {
      s.toast('error', `Connection refused. Connect an output (right edge of a node) to an input (left edge); these are both ${a.type === 'source' ? 'outputs' : 'inputs'}.`);
      return;
    }
    const [src, dst] = a.type === 'source' ? [a, b] : [b, a];
    const verdict = verdictFor({ source: src.nodeId, sourceHandle: src.id ?? null, target: dst.nodeId, targetHandle: dst.id ?? null });
    if (!verdict.ok) s.toast('error', `Connection refused. ${verdict.reason}`);
  }, [store, verdictFor]);

  const onConnect = useCallback((c: Connection) => {
    const s = store.getState();
    const verdict = verdictFor(c);
    if (!verdict.ok) {
      s.toast('error', `Connection refused. ${verdict.reason}`);
      return;
    }
    s.commit([
      ...(verdict.replaces ? [{ type: 'removeEdges' as const, keys: [edgeKey(verdict.replaces)] }] : []),
      { type: 'addEdge', edge: verdict.edge },
    ]);
  }, [store, verdictFor]);

  const onNodeDragStop = useCallback(() => store.getState().endDrag(), [store]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_DRAG_TYPE)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback((e: DragEvent) => {
    const kind = e.dataTransfer.getData(PALETTE_DRAG_TYPE);
    if (!kind) return;
    e.preventDefault();
    const s = store.getState();
    // The pointer holds the node by its title bar, as it held the palette entry.
    const pointer = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const position = { x: pointer.x - DROP_GRAB_OFFSET.x, y: pointer.y - DROP_GRAB_OFFSET.y };
    const id = freshNodeId(kind, new Set(s.history.present.nodes.map((n) => n.id)));
    s.commit([{ type: 'addNode', node: { id, kind, params: {}, position: { x: Math.round(position.x), y: Math.round(position.y) } } }], [id]);
  }, [store, flow]);

  return { onNodesChange, onEdgesChange, onConnect, onConnectEnd, isValidConnection, onNodeDragStop, onDragOver, onDrop };
}
