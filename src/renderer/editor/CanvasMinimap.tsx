// The canvas minimap, small (it must not cover a narrow canvas) and toggleable; whether it
// shows is remembered. Hidden by default on windows narrower than WIDE_WINDOW_PX. It mounts
// once the canvas has first shown and the page is idle: a shape per node (300 in
// bench:editor) must not hold up the first view of a document.
import { useEffect, useState } from 'react';
import { MiniMap, Panel } from '@xyflow/react';
import type { CanvasFlowNode } from './flowTypes.ts';
import { useRememberedFlag } from './rememberedFlag.ts';

const WIDE_WINDOW_PX = 1280;
const MINIMAP_STYLE = { width: 150, height: 96 };
// Groups and notes are light shapes; a node of an unknown kind is red.
const minimapColor = (n: CanvasFlowNode) => (n.type !== 'pipeline' ? 'rgba(47, 111, 222, 0.15)' : n.data.spec ? `var(--cat-${n.data.spec.category})` : '#c33');

/** Waits at most this long for an idle moment. */
const MOUNT_WITHIN_MS = 1000;

function useIdleMount(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    const id = requestIdleCallback(() => setMounted(true), { timeout: MOUNT_WITHIN_MS });
    return () => cancelIdleCallback(id);
  }, []);
  return mounted;
}

export function CanvasMinimap() {
  const [shown, setShown] = useRememberedFlag('whittle.editor.minimap', () => window.innerWidth >= WIDE_WINDOW_PX);
  const mounted = useIdleMount();
  return (
    <>
      {shown && mounted && <MiniMap<CanvasFlowNode> pannable zoomable nodeColor={minimapColor} style={MINIMAP_STYLE} />}
      <Panel position="bottom-right" className={`wh-minimap-toggle${shown ? ' wh-minimap-toggle--over' : ''}`}>
        <button
          type="button"
          className="wh-btn wh-btn--small"
          onClick={() => setShown((v) => !v)}
          aria-pressed={shown}
          title={shown ? 'Hide the minimap' : 'Show the minimap'}
          data-testid="minimap-toggle"
        >
          {shown ? 'Hide map' : 'Map'}
        </button>
      </Panel>
    </>
  );
}
