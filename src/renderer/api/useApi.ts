// The typed API client (`api.call('runs.get', {...})`, `api.on('run.event', ...)`).
// Any component under <App> may use it; outside the provider it throws.
import { useContext } from 'react';
import type { ApiClient } from '../../shared/api/client.ts';
import { ApiContext } from './ApiContext.ts';

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi must be used inside <ApiContext.Provider>; the renderer root provides it (src/renderer/main.tsx).');
  return api;
}
