// Feeds the API's run events into the editor store (live node status). A cached node
// streams no reports, so on `cached` and at the end of the run the record is read once
// more to give such nodes their reports (a cached training node keeps its curve).
import { useEffect } from 'react';
import { useApi } from '../api/useApi.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';

export function useRunEvents() {
  const api = useApi();
  const store = usePipelineStoreApi();
  useEffect(() => api.on('run.event', (ev) => {
    store.getState().applyRunEvent(ev);
    if ((ev.type === 'cached' || ev.type === 'run.finished') && store.getState().run?.runId === ev.runId) {
      // Best effort: without the record the node just shows no chart.
      api.call('runs.get', { runId: ev.runId }).then((r) => store.getState().mergeRunRecord(r.run), () => undefined);
    }
  }), [api, store]);
}
