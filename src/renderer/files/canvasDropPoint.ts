// The canvas point under a file dropped on the window. The window's drop handler sits outside
// the editor's ReactFlowProvider, so it reads what React Flow's screenToFlowPosition reads:
// the pane's box on screen and the viewport's translate/scale.
import type { XY } from '../../shared/editor/types.ts';

/** Null when the drop is not over a canvas on screen (another tab, a dialog's margin). */
export function canvasDropPoint(clientX: number, clientY: number): XY | null {
  const pane = document.querySelector('[data-testid="canvas"] .react-flow');
  const viewport = pane?.querySelector('.react-flow__viewport');
  if (!pane || !viewport) return null;
  const box = pane.getBoundingClientRect();
  if (box.width === 0 || clientX < box.left || clientX > box.right || clientY < box.top || clientY > box.bottom) return null;
  const transform = new DOMMatrixReadOnly(getComputedStyle(viewport).transform);
  if (transform.a <= 0) return null;
  return { x: (clientX - box.left - transform.e) / transform.a, y: (clientY - box.top - transform.f) / transform.a };
}
