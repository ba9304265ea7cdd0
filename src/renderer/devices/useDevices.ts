// The board list with its last probes, reloaded after every change the panel makes.
import { useCallback, useEffect, useState } from 'react';
import type { Device, ProbeResult } from '../../shared/devices/schema.ts';
import { useApi } from '../api/useApi.ts';

export interface DevicesState {
  devices: Device[];
  probes: Record<string, ProbeResult>;
  keychain: boolean;
  loaded: boolean;
  error: string | null;
  reload(): Promise<void>;
}

export function useDevices(): DevicesState {
  const api = useApi();
  const [state, setState] = useState<Omit<DevicesState, 'reload'>>({ devices: [], probes: {}, keychain: false, loaded: false, error: null });
  const reload = useCallback(async () => {
    try {
      const res = await api.call('devices.list', {});
      setState({ devices: res.devices, probes: res.probes, keychain: res.keychain, loaded: true, error: null });
    } catch (err) {
      setState((s) => ({ ...s, loaded: true, error: (err as Error).message }));
    }
  }, [api]);
  useEffect(() => { void reload(); }, [reload]);
  return { ...state, reload };
}
