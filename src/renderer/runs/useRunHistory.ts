// Run history (runs.list), refreshed whenever a run starts or finishes (and once more a
// moment after it finishes: the final record may reach the history just after the event).
import { useCallback, useEffect, useState } from 'react';
import type { RunSummary } from '../../shared/api/run.ts';
import { useApi } from '../api/useApi.ts';

const SETTLE_MS = 1000;

export function useRunHistory() {
  const api = useApi();
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    api.call('runs.list', { limit: 100 }).then((r) => { setRuns(r.runs); setError(null); }, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [api]);
  useEffect(() => {
    refresh();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const off = api.on('run.event', (ev) => {
      if (ev.type === 'run.started' || ev.type === 'run.finished') refresh();
      if (ev.type === 'run.finished') {
        const t = setTimeout(() => { timers.delete(t); refresh(); }, SETTLE_MS);
        timers.add(t);
      }
    });
    return () => { off(); for (const t of timers) clearTimeout(t); };
  }, [api, refresh]);
  return { runs, error, refresh };
}
