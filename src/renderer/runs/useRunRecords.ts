// Several run records at once (runs.get each), for comparing runs side by side; read
// again when one of them finishes.
import { useEffect, useState } from 'react';
import type { RunRecord } from '../../shared/api/run.ts';
import { useApi } from '../api/useApi.ts';

export function useRunRecords(runIds: string[]) {
  const api = useApi();
  const [runs, setRuns] = useState<RunRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = runIds.join('|');
  useEffect(() => {
    let live = true;
    setRuns(null);
    setError(null);
    const load = () => Promise.all(runIds.map((runId) => api.call('runs.get', { runId }).then((r) => r.run))).then(
      (records) => { if (live) setRuns(records); },
      (err: unknown) => { if (live) setError(err instanceof Error ? err.message : String(err)); },
    );
    void load();
    const off = api.on('run.event', (ev) => {
      if (ev.type === 'run.finished' && runIds.includes(ev.runId)) void load();
    });
    return () => { live = false; off(); };
    // `key` stands for `runIds`.
  }, [api, key]);
  return { runs, error };
}
