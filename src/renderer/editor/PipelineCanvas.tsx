// The graph canvas: React Flow over the document in the store, with its groups (below the
// nodes) and sticky notes. Drags are transient until they end (one undo step); connections
// are checked and a refusal says why; double-click searches for a node to add; right-click
// (or Shift+F10) opens the menu of what is under the pointer.
import { useMemo, useRef } from 'react';
import { Background, BackgroundVariant, Controls, ReactFlow } from '@xyflow/react';
import { usePipelineStore } from '../store/usePipelineStore.ts';
import { selectEdges, selectKinds, selectLoadCount, selectNodes, selectSelectedEdges, selectSelectedNodes } from '../store/selectors.ts';
import type { CanvasFlowNode } from './flowTypes.ts';
import { PipelineNodeView } from './PipelineNodeView.tsx';
import { GroupNode } from './GroupNode.tsx';
import { NoteNode } from './NoteNode.tsx';
import { NodeSearch } from './NodeSearch.tsx';
import { ContextMenu } from './ContextMenu.tsx';
import { KindHelpDialog } from './KindHelpDialog.tsx';
import { selectGroups, selectNotes, useDecorElements } from './useDecorElements.ts';
import { useCanvasOverlays } from './useCanvasOverlays.ts';
import { useCanvasHandlers, type LivePositions } from './useCanvasHandlers.ts';
import type { XY } from '../../shared/editor/types.ts';
import { useFlowElements } from './useFlowElements.ts';
import { CanvasMinimap } from './CanvasMinimap.tsx';
import { FIT_MIN_ZOOM, useCompactZoom } from './useCompactZoom.ts';
import { useInitialViewport } from './useInitialViewport.ts';
import { CompactFaceContext } from './CompactFaceContext.ts';

const NODE_TYPES = { pipeline: PipelineNodeView, whGroup: GroupNode, whNote: NoteNode };
const MULTI_SELECT_KEYS = ['Shift', 'Control', 'Meta'];
// Fit-to-view stops at a zoom where node text stays legible (the rest is a pan away).
const FIT_VIEW_OPTIONS = { maxZoom: 1, minZoom: FIT_MIN_ZOOM, padding: 0.1 };

export function PipelineCanvas() {
  const nodes = usePipelineStore(selectNodes);
  const edges = usePipelineStore(selectEdges);
  const kinds = usePipelineStore(selectKinds);
  const selectedNodes = usePipelineStore(selectSelectedNodes);
  const selectedEdges = usePipelineStore(selectSelectedEdges);
  const loadCount = usePipelineStore(selectLoadCount);
  const { flowNodes, flowEdges, setMeasured } = useFlowElements(nodes, edges, kinds, selectedNodes, selectedEdges);
  const groups = usePipelineStore(selectGroups);
  const notes = usePipelineStore(selectNotes);
  const { groupNodes, noteNodes } = useDecorElements(groups, notes, selectedNodes);
  const live: LivePositions = useRef<Record<string, XY> | null>(null);
  // Groups first: they are drawn under the nodes and edges they hold. A drag under way keeps
  // the places it shows when something else (a node measured) renders the canvas meanwhile.
  const canvasNodes = useMemo<CanvasFlowNode[]>(() => {
    const all = groupNodes.length || noteNodes.length ? [...groupNodes, ...flowNodes, ...noteNodes] : flowNodes;
    const shown = live.current;
    return shown ? all.map((n) => (shown[n.id] ? { ...n, position: shown[n.id] } : n)) : all;
  }, [groupNodes, flowNodes, noteNodes]);
  const overlays = useCanvasOverlays();
  // Fit the view to a freshly loaded document; an empty one keeps the default view so
  // the first dropped node lands where it was dropped.
  const fitOnLoad = useMemo(() => nodes.length > 0, [loadCount]);
  const canvasRef = useRef<HTMLDivElement>(null);
  const initial = useInitialViewport(canvasRef, canvasNodes, loadCount, FIT_VIEW_OPTIONS);
  const compact = useCompactZoom();

  const { onNodesChange, onEdgesChange, onConnect, onConnectEnd, isValidConnection, onNodeDragStop, onPointerDownCapture, onDragOver, onDrop } = useCanvasHandlers(setMeasured, live);

  return (
    <div ref={canvasRef} className={`wh-canvas${compact ? ' wh-canvas--compact' : ''}`} data-testid="canvas" onPointerDownCapture={onPointerDownCapture} onDragOver={onDragOver} onDrop={onDrop} onKeyDown={overlays.onKeyDown}>
      <CompactFaceContext.Provider value={compact}>
        {initial.state === 'ready' && <ReactFlow<CanvasFlowNode>
          key={loadCount}
          nodes={canvasNodes}
          edges={flowEdges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onNodeDragStop={onNodeDragStop}
          onSelectionDragStop={onNodeDragStop}
          onDoubleClick={overlays.onDoubleClick}
          zoomOnDoubleClick={false}
          onNodeContextMenu={overlays.onNodeContextMenu}
          onEdgeContextMenu={overlays.onEdgeContextMenu}
          onPaneContextMenu={overlays.onPaneContextMenu}
          // A selected group must not rise above the nodes inside it.
          elevateNodesOnSelect={false}
          deleteKeyCode={null}
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          selectionKeyCode="Shift"
          // Opened fitted (useInitialViewport); React Flow fits only what that could not measure.
          defaultViewport={initial.viewport ?? undefined}
          fitView={fitOnLoad && initial.viewport === null}
          fitViewOptions={FIT_VIEW_OPTIONS}
          minZoom={0.2}
          // Only nodes and edges in view are in the DOM: a drag on a 300-node graph then
          // paints and layerizes tens of nodes, not all of them (bench/editor.bench.ts).
          onlyRenderVisibleElements
          proOptions={{ hideAttribution: true }}
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
          <CanvasMinimap />
          <Controls data-testid="canvas-controls" fitViewOptions={FIT_VIEW_OPTIONS} />
        </ReactFlow>}
      </CompactFaceContext.Provider>
      {overlays.overlay?.type === 'search' && <NodeSearch screen={overlays.overlay.screen} onPick={overlays.pickKind} onClose={overlays.close} />}
      {overlays.overlay?.type === 'menu' && <ContextMenu screen={overlays.overlay.screen} label={overlays.label} items={overlays.items} onClose={overlays.close} />}
      {overlays.overlay?.type === 'help' && kinds.get(overlays.overlay.kind) && <KindHelpDialog spec={kinds.get(overlays.overlay.kind)!} onClose={overlays.close} />}
    </div>
  );
}
