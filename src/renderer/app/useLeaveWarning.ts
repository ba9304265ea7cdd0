// In a browser tab, closing or reloading with unsaved changes asks first. Not in the
// desktop app: there an unanswered beforeunload would silently keep the window open.
import { useEffect } from 'react';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';

export function useLeaveWarning(enabled: boolean) {
  const store = usePipelineStoreApi();
  useEffect(() => {
    if (!enabled) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      const s = store.getState();
      if (s.savedDoc !== s.history.present) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [store, enabled]);
}
