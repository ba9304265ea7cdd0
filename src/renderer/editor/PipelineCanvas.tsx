// The graph canvas: React Flow over the document in the store. Drags are transient
// until they end (one undo step); connections are checked and a refusal says why.
import { useCallback, useMemo, type DragEvent } from 'react';
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow, useReactFlow, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import { checkConnection } from '../../shared/editor/connection.ts';
import { edgeKey } from '../../shared/editor/changes.ts';
import { freshNodeId } from '../../shared/editor/ids.ts';
import type { XY } from '../../shared/editor/types.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectEdges, selectKinds, selectLoadCount, selectNodes, selectSelectedEdges, selectSelectedNodes } from '../store/selectors.ts';
import type { PipelineFlowNode } from './flowTypes.ts';
import { PipelineNodeView } from './PipelineNodeView.tsx';
import { useFlowElements } from './useFlowElements.ts';

export const PALETTE_DRAG_TYPE = 'application/x-whittle-kind';
const NODE_TYPES = { pipeline: PipelineNodeView };
const MULTI_SELECT_KEYS = ['Shift', 'Control', 'Meta'];
const minimapColor = (n: PipelineFlowNode) => (n.data.spec ? `var(--cat-${n.data.spec.category})` : '#c33');

export function PipelineCanvas() {
  const store = usePipelineStoreApi();
  const nodes = usePipelineStore(selectNodes);
  const edges = usePipelineStore(selectEdges);
  const kinds = usePipelineStore(selectKinds);
  const selectedNodes = usePipelineStore(selectSelectedNodes);
  const selectedEdges = usePipelineStore(selectSelectedEdges);
  const loadCount = usePipelineStore(selectLoadCount);
  const { flowNodes, flowEdges, setMeasured } = useFlowElements(nodes, edges, kinds, selectedNodes, selectedEdges);
  const flow = useReactFlow();
  // Fit the view to a freshly loaded document; an empty one keeps the default view so
  // the first dropped node lands where it was dropped.
  const fitOnLoad = useMemo(() => nodes.length > 0, [loadCount]);

  const onNodesChange = useCallback((changes: NodeChange<PipelineFlowNode>[]) => {
    const s = store.getState();
    const positions: Record<string, XY> = {};
    let dragEnded = false;
    let selection: Set<string> | null = null;
    const sizes: Record<string, { width: number; height: number }> = {};
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

  const onConnect = useCallback((c: Connection) => {
    const s = store.getState();
    const verdict = checkConnection(s.history.present, { source: c.source, sourcePort: c.sourceHandle ?? '', target: c.target, targetPort: c.targetHandle ?? '' }, (k) => s.kinds.get(k));
    if (!verdict.ok) {
      s.toast('error', `Connection refused. ${verdict.reason}`);
      return;
    }
    s.commit([
      ...(verdict.replaces ? [{ type: 'removeEdges' as const, keys: [edgeKey(verdict.replaces)] }] : []),
      { type: 'addEdge', edge: verdict.edge },
    ]);
  }, [store]);

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
    const position = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    const id = freshNodeId(kind, new Set(s.history.present.nodes.map((n) => n.id)));
    s.commit([{ type: 'addNode', node: { id, kind, params: {}, position: { x: Math.round(position.x), y: Math.round(position.y) } } }], [id]);
  }, [store, flow]);

  return (
    <div className="wh-canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<PipelineFlowNode>
        key={loadCount}
        nodes={flowNodes}
        edges={flowEdges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStop={onNodeDragStop}
        onSelectionDragStop={onNodeDragStop}
        deleteKeyCode={null}
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        selectionKeyCode="Shift"
        fitView={fitOnLoad}
        fitViewOptions={{ maxZoom: 1, padding: 0.2 }}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        <MiniMap<PipelineFlowNode> pannable zoomable nodeColor={minimapColor} data-testid="minimap" />
        <Controls data-testid="canvas-controls" />
      </ReactFlow>
    </div>
  );
}
