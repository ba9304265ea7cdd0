// The device panel (DESIGN.md §6): boards with their state, per-board details (connection
// test, host-key review, probe), profiling a model on one or several boards, and the
// comparison of stored profiles.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConnectionReport, Device, DeviceInput, StoredProfile, UsbBoard } from '../../shared/devices/schema.ts';
import { useApi } from '../api/useApi.ts';
import { BoardDetails } from './BoardDetails.tsx';
import { DeviceForm } from './DeviceForm.tsx';
import { ProfileCompare } from './ProfileCompare.tsx';
import { ProfileForm } from './ProfileForm.tsx';
import { ProfileJobs } from './ProfileJobs.tsx';
import { UsbBoards } from './UsbBoards.tsx';
import { useDevices } from './useDevices.ts';
import { useProfileJobs } from './useProfileJobs.ts';
import { WorkersPanel } from '../workers/WorkersPanel.tsx';
import './devices.css';

type Editing = { mode: 'add'; suggested?: Partial<DeviceInput> } | { mode: 'edit'; device: Device } | null;

function boardState(device: Device, report: ConnectionReport | undefined): { label: string; tone: string } {
  if (report?.ok) return { label: 'connected', tone: 'ok' };
  if (report?.hostKey?.status === 'changed') return { label: 'host key changed', tone: 'bad' };
  if (report?.error && report.hostKey?.status !== 'unknown') return { label: 'unreachable', tone: 'bad' };
  if (!device.hostKeySha256) return { label: 'host key not pinned', tone: 'warn' };
  return { label: 'not tested', tone: 'idle' };
}

export function DevicesPanel() {
  const api = useApi();
  const { devices, probes, keychain, loaded, error, reload } = useDevices();
  const [selected, setSelected] = useState<string | undefined>();
  const [editing, setEditing] = useState<Editing>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reports, setReports] = useState<Record<string, ConnectionReport | undefined>>({});
  const [profiles, setProfiles] = useState<StoredProfile[]>([]);

  const loadProfiles = useCallback(async () => {
    try { setProfiles((await api.call('devices.profiles', {})).profiles); } catch { setProfiles([]); }
  }, [api]);
  useEffect(() => { void loadProfiles(); }, [loadProfiles]);
  const { jobs, dismiss } = useProfileJobs(useCallback(() => { void loadProfiles(); }, [loadProfiles]));
  useEffect(() => { if (!selected && devices.length) setSelected(devices[0].id); }, [devices, selected]);
  // Each pinned board is checked once when the panel opens, so the list shows live state.
  const checked = useRef(new Set<string>());
  const [checking, setChecking] = useState<Set<string>>(new Set());
  useEffect(() => {
    for (const d of devices) {
      if (!d.hostKeySha256 || checked.current.has(d.id)) continue;
      checked.current.add(d.id);
      setChecking((c) => new Set(c).add(d.id));
      api.call('devices.test', { id: d.id })
        .then((report) => setReports((r) => (r[d.id] ? r : { ...r, [d.id]: report })))
        .catch(() => {})
        .finally(() => setChecking((c) => { const n = new Set(c); n.delete(d.id); return n; }));
    }
  }, [api, devices]);

  const save = async (input: DeviceInput) => {
    setBusy(true);
    setFormError(null);
    try {
      const res = editing?.mode === 'edit'
        ? await api.call('devices.update', { id: editing.device.id, device: input })
        : await api.call('devices.add', input);
      await reload();
      setSelected(res.device.id);
      setEditing(null);
      // A new board: connect at once, so its host key comes up for review.
      setReports((r) => ({ ...r, [res.device.id]: undefined }));
      const report = await api.call('devices.test', { id: res.device.id });
      setReports((r) => ({ ...r, [res.device.id]: report }));
    } catch (err) {
      setFormError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const addUsb = (b: UsbBoard) => setEditing({ mode: 'add', suggested: { name: `${b.product} (USB)`, transport: 'usb-net', host: b.suggestedHost, port: 22 } });
  const device = devices.find((d) => d.id === selected);

  return (
    <div className="wh-devices" data-testid="devices-panel">
      <div className="wh-devices__top">
        <aside className="wh-devices__list" aria-label="Boards">
          <div className="wh-devices__listhead">
            <h2>Boards</h2>
            <button type="button" className="wh-btn wh-btn--small wh-btn--primary" onClick={() => { setFormError(null); setEditing({ mode: 'add' }); }} data-testid="device-add">+ Add board</button>
          </div>
          {error && <p className="wh-error">{error}</p>}
          {loaded && devices.length === 0 && <p className="devices-empty wh-muted">No boards yet. Add one to profile models where they will run.</p>}
          <ul className="devices-list">
            {devices.map((d) => {
              const st = checking.has(d.id) && !reports[d.id] ? { label: 'checking…', tone: 'idle' } : boardState(d, reports[d.id]);
              return (
                <li key={d.id} data-board-id={d.id}>
                  <button type="button" className={`wh-boarditem${d.id === selected ? ' wh-boarditem--active' : ''}`} onClick={() => { setSelected(d.id); setEditing(null); }} data-testid={`board-${d.name}`}>
                    <strong>{d.name}</strong>
                    <span className="wh-muted">{d.host}:{d.port}</span>
                    <span className={`wh-boardstate wh-boardstate--${st.tone}`} data-testid="board-state">{st.label}</span>
                    {probes[d.id]?.jetson && <span className="wh-muted">{probes[d.id].jetson!.model}</span>}
                  </button>
                </li>
              );
            })}
          </ul>
          <UsbBoards knownHosts={devices.map((d) => d.host)} onAdd={addUsb} />
        </aside>
        <section className="wh-devices__detail">
          {editing ? (
            <DeviceForm
              key={editing.mode === 'edit' ? editing.device.id : 'new'}
              initial={editing.mode === 'edit' ? editing.device : undefined}
              suggested={editing.mode === 'add' ? editing.suggested : undefined}
              keychain={keychain} busy={busy} error={formError}
              onSubmit={(input) => void save(input)} onCancel={() => setEditing(null)}
            />
          ) : device ? (
            <BoardDetails
              device={device} probe={probes[device.id]} report={reports[device.id]}
              onReport={(r) => setReports((all) => ({ ...all, [device.id]: r }))}
              onChanged={reload} onEdit={() => setEditing({ mode: 'edit', device })}
            />
          ) : <p className="wh-muted">Select a board, or add one.</p>}
        </section>
        <section className="wh-devices__profile">
          <ProfileForm devices={devices} selectedId={selected} onStarted={() => {}} />
          <ProfileJobs jobs={jobs} devices={devices} onDismiss={dismiss} />
        </section>
      </div>
      <ProfileCompare profiles={profiles} devices={devices} selectedDeviceId={selected} onDelete={(id) => void api.call('devices.deleteProfile', { id }).then(loadProfiles)} />
      <WorkersPanel />
    </div>
  );
}
