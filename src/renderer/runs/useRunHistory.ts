// Run history (runs.list), refreshed whenever a run starts or finishes.
import { useCallback, useEffect, useState } from 'react';
import type { RunSummary } from '../../shared/api/run.ts';
import { useApi } from '../api/useApi.ts';

export function useRunHistory() {
  const api = useApi();
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    api.call('runs.list', { limit: 100 }).then((r) => { setRuns(r.runs); setError(null); }, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [api]);
  useEffect(() => {
    refresh();
    return api.on('run.event', (ev) => {
      if (ev.type === 'run.started' || ev.type === 'run.finished') refresh();
    });
  }, [api, refresh]);
  return { runs, error, refresh };
}
