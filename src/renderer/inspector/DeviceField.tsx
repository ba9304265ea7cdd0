// A device param: a board id from the device registry (never a host or a secret).
// Offers the registered boards; with none registered (or the list unreadable) it takes an id.
import { useEffect, useState } from 'react';
import { useApi } from '../api/useApi.ts';
import { TextDraftInput } from './TextDraftInput.tsx';

interface DeviceChoice { id: string; name: string }

interface Props { value: string; onCommit(v: string): void; testId: string; id?: string; describedBy?: string }

export function DeviceField({ value, onCommit, testId, id, describedBy }: Props) {
  const api = useApi();
  const [devices, setDevices] = useState<DeviceChoice[] | null>(null);
  useEffect(() => {
    let live = true;
    api.call('devices.list', {}).then(
      (res) => { if (live) setDevices(res.devices.map((d) => ({ id: d.id, name: d.name }))); },
      () => { if (live) setDevices([]); },
    );
    return () => { live = false; };
  }, [api]);
  if (devices && devices.length > 0) {
    return (
      <select className="wh-input" value={value} onChange={(e) => onCommit(e.target.value)} data-testid={testId} id={id} aria-describedby={describedBy}>
        <option value="">— choose a board —</option>
        {/* The name, not the id: ids are for documents, names for people. */}
        {devices.map((d) => <option key={d.id} value={d.id} title={d.id}>{d.name}</option>)}
        {value && !devices.some((d) => d.id === value) && <option value={value}>{value} (not registered)</option>}
      </select>
    );
  }
  return <TextDraftInput value={value} placeholder="device id (add boards in the Devices tab)" onCommit={onCommit} testId={testId} id={id} describedBy={describedBy} />;
}
