// Once a run attempt has shown problems, re-validate as the user edits so fixed
// problems disappear from the nodes (debounced); with no problems shown it stays idle.
import { useEffect } from 'react';
import { useApi } from '../api/useApi.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';

const REVALIDATE_MS = 400;

export function useProblemRefresh() {
  const api = useApi();
  const store = usePipelineStoreApi();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastDoc = store.getState().history.present;
    const unsubscribe = store.subscribe((s) => {
      if (s.history.present === lastDoc) return;
      lastDoc = s.history.present;
      if (s.problems.length === 0) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const now = store.getState();
        const doc = now.history.present;
        api.call('pipeline.validate', { document: doc, documentPath: now.documentPath, allowedPaths: now.allowedPaths }).then(
          (res) => { if (store.getState().history.present === doc) store.getState().setProblems(res.problems); },
          () => undefined,
        );
      }, REVALIDATE_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [api, store]);
}
