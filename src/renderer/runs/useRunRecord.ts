// One run record (runs.get), re-read while the run is live so statuses and metrics move,
// and on `reload()` (after the user renamed or tagged it).
import { useCallback, useEffect, useState } from 'react';
import type { RunRecord } from '../../shared/api/run.ts';
import { useApi } from '../api/useApi.ts';

const LIVE_REFRESH_MS = 1000;

export function useRunRecord(runId: string | null) {
  const api = useApi();
  const [run, setRun] = useState<RunRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => {
    setError(null);
    if (!runId) { setRun(null); return; }
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () => {
      api.call('runs.get', { runId }).then(
        (r) => {
          if (!live) return;
          setRun(r.run);
          if (r.run.status === 'running') timer = setTimeout(load, LIVE_REFRESH_MS);
        },
        (err: unknown) => { if (live) setError(err instanceof Error ? err.message : String(err)); },
      );
    };
    load();
    const off = api.on('run.event', (ev) => {
      if (ev.runId === runId && ev.type === 'run.finished') load();
    });
    return () => { live = false; off(); if (timer) clearTimeout(timer); };
  }, [api, runId, version]);
  // A record of another run must not show while the chosen one loads.
  return { run: run?.id === runId ? run : null, error, reload };
}
