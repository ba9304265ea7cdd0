// The view a freshly loaded document opens at: fitted to its nodes' sizes (measured, or the
// estimate of a node never shown) in the canvas' own size, before React Flow mounts. React
// Flow's fitView waits until the nodes are mounted and measured, so the document first
// showed unfitted at zoom 1 and the nodes in view were mounted twice (bench/editor.bench.ts).
import { useLayoutEffect, useState, type RefObject } from 'react';
import { getNodesBounds, getViewportForBounds, type Node, type Viewport } from '@xyflow/react';

export interface FitOptions {
  minZoom: number;
  maxZoom: number;
  padding: number;
}

/** What the canvas opens a load with. */
export type InitialViewport =
  | { state: 'measuring' }
  /** `viewport` null: nothing to fit (an empty document), or a canvas with no size (a hidden tab): React Flow's fitView then. */
  | { state: 'ready'; viewport: Viewport | null };

const MEASURING: InitialViewport = { state: 'measuring' };

function fittedViewport(canvas: HTMLElement | null, nodes: Node[], fit: FitOptions): Viewport | null {
  const widthPx = canvas?.clientWidth ?? 0;
  const heightPx = canvas?.clientHeight ?? 0;
  if (nodes.length === 0 || widthPx === 0 || heightPx === 0) return null;
  return getViewportForBounds(getNodesBounds(nodes), widthPx, heightPx, fit.minZoom, fit.maxZoom, fit.padding);
}

/**
 * 'measuring' for the render that brings a new load (`loadCount`); its layout effect fits the
 * view and renders again before the browser paints, so the canvas never shows unfitted.
 */
export function useInitialViewport(canvas: RefObject<HTMLElement | null>, nodes: Node[], loadCount: number, fit: FitOptions): InitialViewport {
  const [fitted, setFitted] = useState<{ load: number; view: InitialViewport } | null>(null);
  // Only a new load fits the view: later edits, drags and resizes keep the user's view.
  useLayoutEffect(() => {
    setFitted({ load: loadCount, view: { state: 'ready', viewport: fittedViewport(canvas.current, nodes, fit) } });
  }, [loadCount]);
  return fitted && fitted.load === loadCount ? fitted.view : MEASURING;
}
