// Keeps the open document in the host's autosave slot, debounced, so a crash loses at
// most the last second of work. Paused while a recovery offer is pending so the
// recoverable copy is not overwritten before the user decides.
import { useEffect } from 'react';
import { useApi } from '../api/useApi.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';

export const AUTOSAVE_DEBOUNCE_MS = 800;

export function useAutosave(enabled: boolean) {
  const api = useApi();
  const store = usePipelineStoreApi();
  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastDoc = store.getState().history.present;
    const unsubscribe = store.subscribe((s) => {
      if (s.history.present === lastDoc) return;
      lastDoc = s.history.present;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const now = store.getState();
        // A drag in progress is written when it ends.
        if (now.dragStart) return;
        api.call('autosave.write', { document: now.history.present, documentPath: now.documentPath, dirty: now.savedDoc !== now.history.present })
          .catch(() => undefined);
      }, AUTOSAVE_DEBOUNCE_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [api, store, enabled]);
}
