// Statistics (models.inspect) of every model of the shown runs, fetched once per model and
// kept by row uid; failures are kept as messages so one bad model does not hide the others.
// `epoch` changes when a run ends: models that could not be read while it ran are read again.
import { useEffect, useRef, useState } from 'react';
import type { ModelInspection } from '../../../shared/api/models.ts';
import { useApi } from '../../api/useApi.ts';
import type { ModelRow } from './compareData.ts';

export type InspectionState = { status: 'loading' } | { status: 'ok'; value: ModelInspection } | { status: 'error'; message: string };

export function useModelInspections(rows: ModelRow[], epoch: string): Record<string, InspectionState> {
  const api = useApi();
  const [states, setStates] = useState<Record<string, InspectionState>>({});
  const known = useRef<Record<string, InspectionState>>({});
  const uids = rows.map((r) => r.uid).join('|');
  useEffect(() => {
    let live = true;
    const todo = rows.filter((r) => known.current[r.uid]?.status !== 'ok');
    const set = (uid: string, state: InspectionState) => {
      known.current = { ...known.current, [uid]: state };
      setStates(known.current);
    };
    for (const r of todo) set(r.uid, { status: 'loading' });
    // One at a time: statistics of a big model are heavy, and the main process serves others too.
    (async () => {
      for (const r of todo) {
        let state: InspectionState;
        try {
          state = { status: 'ok', value: await api.call('models.inspect', { runId: r.runId, nodeId: r.nodeId, port: r.port }) };
        } catch (err) {
          state = { status: 'error', message: err instanceof Error ? err.message : String(err) };
        }
        if (!live) return;
        set(r.uid, state);
      }
    })();
    return () => { live = false; };
    // `uids` stands for `rows`: the effect re-runs when the set of models changes (or a run ends), not on every render.
  }, [api, uids, epoch]);
  return states;
}
