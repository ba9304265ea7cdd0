// Live profile jobs from `devices.profile` events: progress, outcome, and a way to cancel.
import { useEffect, useState } from 'react';
import type { ProfileJobEvent } from '../../shared/devices/schema.ts';
import { useApi } from '../api/useApi.ts';

export function useProfileJobs(onFinished: (event: ProfileJobEvent) => void): { jobs: ProfileJobEvent[]; dismiss(jobId: string): void } {
  const api = useApi();
  const [jobs, setJobs] = useState<ProfileJobEvent[]>([]);
  useEffect(() => api.on('devices.profile', (e) => {
    setJobs((js) => {
      const i = js.findIndex((j) => j.jobId === e.jobId);
      return i < 0 ? [...js, e] : js.map((j, k) => (k === i ? e : j));
    });
    if (e.state !== 'running') onFinished(e);
  }), [api, onFinished]);
  return { jobs, dismiss: (jobId) => setJobs((js) => js.filter((j) => j.jobId !== jobId)) };
}
