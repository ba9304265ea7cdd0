// The workers of the queue in the setting, asked every two seconds while the panel shows.
import { useEffect, useState } from 'react';
import type { WorkersList } from '../../shared/api/workers.ts';
import { useApi } from '../api/useApi.ts';

const POLL_MS = 2000;

export function useWorkers(queue: string): WorkersList | null {
  const api = useApi();
  const [list, setList] = useState<WorkersList | null>(null);
  useEffect(() => {
    if (!queue) {
      setList(null);
      return undefined;
    }
    let alive = true;
    const ask = async () => {
      try {
        const answer = await api.call('workers.list', { queue });
        if (alive) setList(answer);
      } catch (err) {
        if (alive) setList({ queue, workers: [], error: err instanceof Error ? err.message : String(err) });
      }
    };
    void ask();
    const timer = setInterval(() => void ask(), POLL_MS);
    return () => { alive = false; clearInterval(timer); };
  }, [api, queue]);
  return list;
}
