// The canvas' event handlers: React Flow changes into store actions (drags that carry a
// group's nodes along, group and note resizes, selection, measured sizes), checked
// connections (replacing a connected input says so and offers Undo), and drops from the
// palette. While a node is dragged, the drag preview moves it and its edges in the DOM
// (dragPreview.ts); React Flow's store and the document get the positions once, when the
// drag ends (one undo step), so a move re-renders nothing (bench/editor.bench.ts).
import { useCallback, useRef, type DragEvent, type PointerEvent, type RefObject } from 'react';
import { useReactFlow, useStoreApi, type Connection, type EdgeChange, type FinalConnectionState, type NodeChange } from '@xyflow/react';
import { checkConnection, type KindLookup } from '../../shared/editor/connection.ts';
import { edgeKey, type PipelineChange } from '../../shared/editor/changes.ts';
import type { EditorDocument, EditorEdge, Size, XY } from '../../shared/editor/types.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { obstaclesOf } from './canvasPlacement.ts';
import { addNodeAt } from './editCommands.ts';
import type { CanvasFlowNode } from './flowTypes.ts';
import { memberPositions, startGroupDrags, type GroupDrag } from './groupDrag.ts';
import { startDragPreview, type DragPreview } from './dragPreview.ts';

export const PALETTE_DRAG_TYPE = 'application/x-whittle-kind';

/** "Quantize (quantize-1) · Model": a port as the user sees it (the node's own label when it has one). */
function portTitle(doc: EditorDocument, [nodeId, port]: [string, string], side: 'inputs' | 'outputs', lookup: KindLookup): string {
  const node = doc.nodes.find((n) => n.id === nodeId);
  const spec = lookup(node?.kind ?? '');
  const label = spec?.[side].find((p) => p.name === port)?.label ?? port;
  return `${node?.label ?? spec?.title ?? nodeId} (${nodeId}) · ${label}`;
}

/** Replaces the edge into an input as one step, says what was replaced, and offers Undo. */
function replaceInput(store: PipelineStore, edge: EditorEdge, old: EditorEdge): void {
  const s = store.getState();
  const doc = s.history.present;
  const lookup: KindLookup = (k) => s.kinds.get(k);
  s.commit([{ type: 'removeEdges', keys: [edgeKey(old)] }, { type: 'addEdge', edge }]);
  const after = store.getState().history.present;
  if (after === doc) return;
  const undoReplace = () => {
    const now = store.getState();
    if (now.history.present === after) now.undo();
    else now.toast('info', 'Other edits came after that replacement; Undo (Ctrl+Z) steps back through them in order.');
  };
  s.toast(
    'info',
    `Replaced the connection into ${portTitle(doc, edge.to, 'inputs', lookup)}: it came from ${portTitle(doc, old.from, 'outputs', lookup)}, now from ${portTitle(doc, edge.from, 'outputs', lookup)}.`,
    'An input takes one connection.',
    { label: 'Undo', run: undoReplace },
  );
}

/** Group/note resizes and moves of this change batch, as document changes. */
function decorChanges(doc: EditorDocument, positions: Record<string, XY>, sizes: Record<string, Size>): PipelineChange[] {
  const groups = new Set((doc.groups ?? []).map((g) => g.id));
  const resized: PipelineChange[] = Object.entries(sizes).map(([id, size]) => (groups.has(id)
    ? { type: 'updateGroup', id, patch: { size } }
    : { type: 'updateNote', id, patch: { size } }));
  return [...(Object.keys(positions).length ? [{ type: 'moveNodes' as const, positions }] : []), ...resized];
}

function isDecor(doc: EditorDocument, id: string): boolean {
  return (doc.groups ?? []).some((g) => g.id === id) || (doc.notes ?? []).some((n) => n.id === id);
}

/** Positions on the canvas during a drag, before the document has them. */
export type LivePositions = RefObject<Record<string, XY> | null>;

/** Shows the positions in React Flow's own store (what an uncontrolled flow does on a drag move). */
function showPositions(flowStore: ReturnType<typeof useStoreApi<CanvasFlowNode>>, positions: Record<string, XY>): void {
  const { nodes, setNodes } = flowStore.getState();
  setNodes(nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id], dragging: true } : n)));
}

export function useCanvasHandlers(setMeasured: (sizes: Record<string, Size>) => void, live: LivePositions) {
  const store = usePipelineStoreApi();
  const flow = useReactFlow();
  const flowStore = useStoreApi<CanvasFlowNode>();

  const groupDrags = useRef<Map<string, GroupDrag>>(new Map());
  const preview = useRef<DragPreview | null>(null);
  const pointer = useRef<number | null>(null);

  /** A drag step: the preview shows it; the document is left as it was until the drag ends. */
  const dragStep = useCallback((moving: Record<string, XY>, draggedGroups: string[]) => {
    if (!live.current) {
      live.current = {};
      groupDrags.current = startGroupDrags(draggedGroups, flow.getNodes());
    }
    const moved = { ...moving, ...memberPositions(groupDrags.current, moving) };
    Object.assign(live.current, moved);
    const shown = (preview.current ??= startDragPreview(flowStore.getState, pointer.current));
    shown.show(moved);
    // Once the view pans under the drag (auto-pan at the canvas' edge), React Flow must know
    // where the nodes are, or it would cull a dragged node whose old place left the view.
    if (shown.viewMoved()) {
      showPositions(flowStore, live.current);
      shown.storeSynced();
    }
  }, [flow, flowStore, live]);

  const endPreview = useCallback(() => {
    preview.current?.end();
    preview.current = null;
  }, []);

  /** Ends a drag or resize as one undo step; positions shown but never committed are committed now. */
  const endGesture = useCallback(() => {
    endPreview();
    const shown = live.current;
    live.current = null;
    if (shown && Object.keys(shown).length) {
      const s = store.getState();
      if (!s.dragStart) s.beginDrag();
      s.gestureTo([{ type: 'moveNodes', positions: shown }]);
    }
    store.getState().endDrag();
    groupDrags.current = new Map();
  }, [store, live, endPreview]);

  const onNodesChange = useCallback((changes: NodeChange<CanvasFlowNode>[]) => {
    const s = store.getState();
    const doc = s.history.present;
    const positions: Record<string, XY> = {};
    const moving: Record<string, XY> = {};
    const draggedGroups: string[] = [];
    const resized: Record<string, Size> = {};
    let gestureEnded = false;
    let selection: Set<string> | null = null;
    const sizes: Record<string, Size> = {};
    for (const c of changes) {
      if (c.type === 'position' && c.position && c.dragging === true) {
        moving[c.id] = c.position;
        if ((doc.groups ?? []).some((g) => g.id === c.id)) draggedGroups.push(c.id);
      } else if (c.type === 'position' && c.position) {
        // The end of a drag (or an arrow-key move); a resize from the top or left moves the
        // box too, without `dragging`: members stay.
        positions[c.id] = c.position;
        if (c.dragging === false) gestureEnded = true;
      } else if (c.type === 'select') {
        selection ??= new Set(s.selectedNodes);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      } else if (c.type === 'dimensions' && c.dimensions) {
        if (c.resizing !== undefined && isDecor(doc, c.id)) {
          resized[c.id] = { width: Math.round(c.dimensions.width), height: Math.round(c.dimensions.height) };
          if (c.resizing === false) gestureEnded = true;
        } else {
          sizes[c.id] = c.dimensions;
        }
      }
    }
    if (Object.keys(sizes).length) setMeasured(sizes);
    if (Object.keys(moving).length) dragStep(moving, draggedGroups);
    if (Object.keys(positions).length || Object.keys(resized).length) {
      if (!s.dragStart) s.beginDrag();
      // A drag's last step: every position it showed, with the members of dragged groups.
      const moved = { ...live.current, ...positions, ...memberPositions(groupDrags.current, positions) };
      live.current = null;
      endPreview();
      store.getState().gestureTo(decorChanges(doc, moved, resized));
    }
    if (gestureEnded) endGesture();
    if (selection) store.getState().select([...selection], store.getState().selectedEdges);
  }, [store, setMeasured, dragStep, live, endGesture, endPreview]);

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
    if (verdict.replaces) replaceInput(store, verdict.edge, verdict.replaces);
    else s.commit([{ type: 'addEdge', edge: verdict.edge }]);
  }, [store, verdictFor]);

  const onNodeDragStop = endGesture;

  /** The pointer pressed last: a node drag it starts captures it (dragPreview.ts). */
  const onPointerDownCapture = useCallback((e: PointerEvent) => {
    pointer.current = e.pointerId;
  }, []);

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
    // The pointer holds the node by its title bar, as it held the palette entry.
    addNodeAt(store, kind, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }), obstaclesOf(flow.getNodes()));
  }, [store, flow]);

  return { onNodesChange, onEdgesChange, onConnect, onConnectEnd, isValidConnection, onNodeDragStop, onPointerDownCapture, onDragOver, onDrop };
}
