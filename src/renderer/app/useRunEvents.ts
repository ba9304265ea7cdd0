// Feeds the API's run events into the editor store (live node status).
import { useEffect } from 'react';
import { useApi } from '../api/useApi.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';

export function useRunEvents() {
  const api = useApi();
  const store = usePipelineStoreApi();
  useEffect(() => api.on('run.event', (ev) => store.getState().applyRunEvent(ev)), [api, store]);
}
