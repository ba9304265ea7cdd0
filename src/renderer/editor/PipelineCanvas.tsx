// The graph canvas: React Flow over the document in the store. Drags are transient
// until they end (one undo step); connections are checked and a refusal says why.
import { useMemo } from 'react';
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import { usePipelineStore } from '../store/usePipelineStore.ts';
import { selectEdges, selectKinds, selectLoadCount, selectNodes, selectSelectedEdges, selectSelectedNodes } from '../store/selectors.ts';
import type { PipelineFlowNode } from './flowTypes.ts';
import { PipelineNodeView } from './PipelineNodeView.tsx';
import { useCanvasHandlers } from './useCanvasHandlers.ts';
import { useFlowElements } from './useFlowElements.ts';

const NODE_TYPES = { pipeline: PipelineNodeView };
const MULTI_SELECT_KEYS = ['Shift', 'Control', 'Meta'];
const minimapColor = (n: PipelineFlowNode) => (n.data.spec ? `var(--cat-${n.data.spec.category})` : '#c33');

export function PipelineCanvas() {
  const nodes = usePipelineStore(selectNodes);
  const edges = usePipelineStore(selectEdges);
  const kinds = usePipelineStore(selectKinds);
  const selectedNodes = usePipelineStore(selectSelectedNodes);
  const selectedEdges = usePipelineStore(selectSelectedEdges);
  const loadCount = usePipelineStore(selectLoadCount);
  const { flowNodes, flowEdges, setMeasured } = useFlowElements(nodes, edges, kinds, selectedNodes, selectedEdges);
  // Fit the view to a freshly loaded document; an empty one keeps the default view so
  // the first dropped node lands where it was dropped.
  const fitOnLoad = useMemo(() => nodes.length > 0, [loadCount]);

  const { onNodesChange, onEdgesChange, onConnect, onConnectEnd, isValidConnection, onNodeDragStop, onDragOver, onDrop } = useCanvasHandlers(setMeasured);

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
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
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
