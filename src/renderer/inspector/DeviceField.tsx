// A device param: a board id from the device registry (never a host or a secret).
// Offers the registered boards when the API has a device list; otherwise takes an id.
import { useEffect, useState } from 'react';
import { useApi } from '../api/useApi.ts';
import { TextDraftInput } from './TextDraftInput.tsx';

interface DeviceChoice { id: string; name: string }

/** The device list call is added by the devices work; until then the field takes an id. */
async function listDevices(call: (name: string, request: unknown) => Promise<unknown>): Promise<DeviceChoice[]> {
  try {
    const res = (await call('devices.list', {})) as { devices?: { id?: unknown; name?: unknown }[] };
    return (res.devices ?? []).filter((d) => typeof d.id === 'string').map((d) => ({ id: String(d.id), name: String(d.name ?? d.id) }));
  } catch {
    return [];
  }
}

export function DeviceField({ value, onCommit, testId }: { value: string; onCommit(v: string): void; testId: string }) {
  const api = useApi();
  const [devices, setDevices] = useState<DeviceChoice[] | null>(null);
  useEffect(() => {
    let live = true;
    void listDevices(api.call as (name: string, request: unknown) => Promise<unknown>).then((d) => { if (live) setDevices(d); });
    return () => { live = false; };
  }, [api]);
  if (devices && devices.length > 0) {
    return (
      <select className="wh-input" value={value} onChange={(e) => onCommit(e.target.value)} data-testid={testId}>
        <option value="">— choose a board —</option>
        {devices.map((d) => <option key={d.id} value={d.id}>{d.name} ({d.id})</option>)}
        {value && !devices.some((d) => d.id === value) && <option value={value}>{value} (not registered)</option>}
      </select>
    );
  }
  return <TextDraftInput value={value} placeholder="device id (add boards in the Devices tab)" onCommit={onCommit} testId={testId} />;
}
