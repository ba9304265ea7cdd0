// Statistics (models.inspect) of every model of a run, fetched once per model and kept
// by row key; failures are kept as messages so one bad model does not hide the others.
import { useEffect, useState } from 'react';
import type { ModelInspection } from '../../../shared/api/models.ts';
import { useApi } from '../../api/useApi.ts';
import type { ModelRow } from './compareData.ts';

export type InspectionState = { status: 'loading' } | { status: 'ok'; value: ModelInspection } | { status: 'error'; message: string };

export function useModelInspections(runId: string, rows: ModelRow[]): Record<string, InspectionState> {
  const api = useApi();
  const [states, setStates] = useState<Record<string, InspectionState>>({});
  const keys = rows.map((r) => r.key).join('|');
  useEffect(() => {
    let live = true;
    setStates(Object.fromEntries(rows.map((r) => [r.key, { status: 'loading' } as InspectionState])));
    // One at a time: statistics of a big model are heavy, and the main process serves others too.
    (async () => {
      for (const r of rows) {
        let state: InspectionState;
        try {
          state = { status: 'ok', value: await api.call('models.inspect', { runId, nodeId: r.nodeId, port: r.port }) };
        } catch (err) {
          state = { status: 'error', message: err instanceof Error ? err.message : String(err) };
        }
        if (!live) return;
        setStates((s) => ({ ...s, [r.key]: state }));
      }
    })();
    return () => { live = false; };
    // `keys` stands for `rows`: the effect re-runs when the set of models changes, not on every render.
  }, [api, runId, keys]);
  return states;
}
