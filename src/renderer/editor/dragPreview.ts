// Shows a node drag without React: each pointer move sets the dragged nodes' transforms and
// the paths of the edges at their ports in the DOM. React Flow's store hears of the positions
// only when the drag ends: a store update runs every subscriber (on 300 nodes / 400 edges
// about 1,400: mounted nodes, three per mounted edge, one per minimap node), which took
// most of a frame per move (bench/editor.bench.ts).
import { getBezierPath, type Edge, type InternalNode, type Node, type ReactFlowState } from '@xyflow/react';
import { getEdgePosition } from '@xyflow/system';
import type { XY } from '../../shared/editor/types.ts';

/** An edge at a dragged node: its ends when the drag began, and which end moves with which node. */
interface EdgeEnds {
  edge: Edge;
  ends: NonNullable<ReturnType<typeof getEdgePosition>>;
  element: Element | null;
}

export interface DragPreview {
  /** Shows these nodes at these positions (flow coordinates; canvas nodes have no parents). */
  show(positions: Record<string, XY>): void;
  /** True once the view moved (auto-pan near the canvas' edge, a zoom) since the drag began. */
  viewMoved(): boolean;
  /** Says React Flow's store now has the positions last shown (it draws the selection box there). */
  storeSynced(): void;
  /** Puts back what the preview drew outside React's elements (the selection box's offset). */
  end(): void;
}

const cssId = (id: string) => `[data-id="${CSS.escape(id)}"]`;

/** Ends of the edges at `nodeId`, as React Flow draws them now (null for an edge it cannot place). */
function edgesAt<N extends Node>(state: ReactFlowState<N>, nodeId: string): EdgeEnds[] {
  const out: EdgeEnds[] = [];
  for (const edge of state.edges) {
    if (edge.source !== nodeId && edge.target !== nodeId) continue;
    const sourceNode = state.nodeLookup.get(edge.source);
    const targetNode = state.nodeLookup.get(edge.target);
    if (!sourceNode || !targetNode) continue;
    const ends = getEdgePosition({ id: edge.id, sourceNode, targetNode, sourceHandle: edge.sourceHandle ?? null, targetHandle: edge.targetHandle ?? null, connectionMode: state.connectionMode });
    if (ends) out.push({ edge, ends, element: null });
  }
  return out;
}

function capture(el: HTMLElement, pointerId: number): void {
  try {
    el.setPointerCapture(pointerId);
  } catch {
    // The pointer was released meanwhile (NotFoundError): the drag goes on without capture.
  }
}

/**
 * `pointerId`: the pointer that holds the drag. The first dragged node captures it: the
 * browser then sends each move to that node without hit-testing the canvas under the
 * pointer first (~1 ms a move at 300 nodes / 400 edges).
 */
export function startDragPreview<N extends Node>(flowState: () => ReactFlowState<N>, pointerId: number | null): DragPreview {
  const root = flowState().domNode;
  const startTransform = flowState().transform;
  /** Where React Flow's store has each dragged node (its position stays there until the drop). */
  const origin = new Map<string, XY>();
  const edges = new Map<string, EdgeEnds>();
  const offset = new Map<string, XY>();
  const nodeElements = new Map<string, HTMLElement | null>();
  const selectionBox = root?.querySelector<HTMLElement>('.react-flow__nodesselection-rect') ?? null;
  /** The offset React Flow's store already draws the selection box at. */
  let boxBase: XY = { x: 0, y: 0 };

  let captureTried = false;
  const offsetOf = (id: string): XY => offset.get(id) ?? { x: 0, y: 0 };
  const connected = <E extends Element>(el: E | null | undefined) => (el?.isConnected ? el : null);

  function track(id: string, node: InternalNode<N>): void {
    origin.set(id, node.internals.positionAbsolute);
    for (const e of edgesAt(flowState(), id)) edges.set(e.edge.id, e);
  }

  function drawEdge(e: EdgeEnds): void {
    // An edge scrolled into view meanwhile is mounted by React Flow: look it up again.
    e.element = connected(e.element) ?? root?.querySelector(`.react-flow__edge${cssId(e.edge.id)}`) ?? null;
    if (!e.element) return;
    const s = offsetOf(e.edge.source);
    const t = offsetOf(e.edge.target);
    const [path] = getBezierPath({ ...e.ends, sourceX: e.ends.sourceX + s.x, sourceY: e.ends.sourceY + s.y, targetX: e.ends.targetX + t.x, targetY: e.ends.targetY + t.y });
    // The drawn path and the wider invisible one that takes the pointer.
    for (const p of e.element.querySelectorAll('path')) p.setAttribute('d', path);
  }

  return {
    show(positions) {
      const touched = new Set<string>();
      for (const [id, at] of Object.entries(positions)) {
        const node = flowState().nodeLookup.get(id);
        if (!node) continue;
        if (!origin.has(id)) track(id, node);
        const from = origin.get(id)!;
        offset.set(id, { x: at.x - from.x, y: at.y - from.y });
        const el = connected(nodeElements.get(id)) ?? root?.querySelector<HTMLElement>(`.react-flow__node${cssId(id)}`) ?? null;
        nodeElements.set(id, el);
        if (el && pointerId !== null && !captureTried) {
          captureTried = true;
          capture(el, pointerId);
        }
        // React Flow's own transform for the node (NodeWrapper), at the new place.
        if (el) el.style.transform = `translate(${at.x}px,${at.y}px)`;
        touched.add(id);
      }
      for (const e of edges.values()) if (touched.has(e.edge.source) || touched.has(e.edge.target)) drawEdge(e);
      // A dragged selection moves as one: its box moves with any of its nodes.
      const first = offset.values().next().value;
      if (selectionBox && first) selectionBox.style.transform = `translate(${first.x - boxBase.x}px,${first.y - boxBase.y}px)`;
    },
    viewMoved() {
      return startTransform !== flowState().transform;
    },
    storeSynced() {
      boxBase = offset.values().next().value ?? boxBase;
    },
    end() {
      if (selectionBox) selectionBox.style.transform = '';
    },
  };
}
