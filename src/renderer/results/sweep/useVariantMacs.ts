// MACs of each finished variant's model (models.inspect), fetched only when a chart or a
// limit asks for them: they are not in the run record, and inspecting 48 models takes time.
import { useEffect, useState } from 'react';
import type { VariantOutcome } from '../../../shared/api/sweep-results.ts';
import { useApi } from '../../api/useApi.ts';

export function useVariantMacs(runId: string, variants: readonly VariantOutcome[], wanted: boolean): Record<string, number> {
  const api = useApi();
  const [macs, setMacs] = useState<Record<string, number>>({});
  const keys = variants.flatMap((v) => (v.model ? [`${v.model.nodeId}/${v.model.port}`] : [])).join('|');
  useEffect(() => {
    if (!wanted) return undefined;
    let live = true;
    (async () => {
      // One at a time: statistics of a big model are heavy, and the host serves the run too.
      for (const key of keys.split('|').filter(Boolean)) {
        if (!live) return;
        const [nodeId, port] = key.split('/');
        try {
          const inspection = await api.call('models.inspect', { runId, nodeId, port });
          if (live) setMacs((m) => ({ ...m, [key]: inspection.macs }));
        } catch {
          // A model that cannot be inspected has no MACs: its point is left out of MACs charts.
        }
      }
    })();
    return () => { live = false; };
  }, [api, runId, keys, wanted]);
  return macs;
}
