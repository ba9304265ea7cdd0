// The Auto-layout command for the toolbar, the shortcut and the canvas menu: lay out, then
// fit the view to the new arrangement.
import { useCallback } from 'react';
import { useReactFlow } from '@xyflow/react';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { autoLayoutPipeline } from './autoLayout.ts';

export const AUTO_LAYOUT_SHORTCUT = 'Ctrl+Shift+L';

export function useAutoLayout(): () => Promise<void> {
  const store = usePipelineStoreApi();
  const flow = useReactFlow();
  return useCallback(async () => {
    try {
      if (!(await autoLayoutPipeline(store, flow.getNodes()))) return;
    } catch (err) {
      store.getState().toast('error', `Auto-layout failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    // After React Flow has the new positions (next frame).
    requestAnimationFrame(() => void flow.fitView({ padding: 0.1, maxZoom: 1, duration: 200 }));
  }, [store, flow]);
}
