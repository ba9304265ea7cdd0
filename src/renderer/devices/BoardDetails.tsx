// One board: where it is, the connection test (with host-key review), and what the probe
// found: OS, CPU, memory, disk, Jetson identity and runners.
import { useState } from 'react';
import type { ConnectionReport, Device, ProbeResult } from '../../shared/devices/schema.ts';
import { RUNNER_LABELS } from '../../shared/devices/schema.ts';
import { useApi } from '../api/useApi.ts';
import { HostKeyReview } from './HostKeyReview.tsx';
import { formatBytes } from './compareData.ts';
import { RunnerHelp } from './RunnerHelp.tsx';

export interface BoardDetailsProps {
  device: Device;
  probe?: ProbeResult;
  report?: ConnectionReport;
  onReport(report: ConnectionReport | undefined): void;
  onChanged(): Promise<void>;
  onEdit(): void;
}

/** Why probing and profiling wait: the board's identity is not confirmed yet. */
export const NOT_PINNED = 'Probing and profiling need the board\'s host key pinned first: Test connection, check the fingerprint, then Accept.';

export function BoardDetails({ device, probe, report, onReport, onChanged, onEdit }: BoardDetailsProps) {
  const api = useApi();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; hint?: string } | null>(null);

  const act = async (what: string, fn: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError({ message: (err as Error).message, hint: (err as { hint?: string }).hint });
    } finally {
      setBusy(null);
    }
  };
  const test = () => act('test', async () => onReport(await api.call('devices.test', { id: device.id })));
  const accept = () => act('accept', async () => {
    await api.call('devices.acceptHostKey', { id: device.id, sha256: report!.hostKey!.sha256 });
    await onChanged();
    onReport(await api.call('devices.test', { id: device.id }));
  });
  const runProbe = () => act('probe', async () => { await api.call('devices.probe', { id: device.id }); await onChanged(); });
  const remove = () => act('remove', async () => {
    if (!window.confirm(`Remove ${device.name}? Its stored secrets are deleted too.`)) return;
    await api.call('devices.remove', { id: device.id });
    await onChanged();
  });

  return (
    <div className="wh-board" data-testid="board-details">
      <div className="wh-board__head">
        <div>
          <h3>{device.name}</h3>
          <div className="wh-muted">{device.user}@{device.host}:{device.port} · {device.transport === 'usb-net' ? 'USB network' : 'SSH'} · {device.auth.kind === 'key' ? 'key file' : device.auth.kind}</div>
          <div className="wh-muted">Host key: {device.hostKeySha256 ? <code>{device.hostKeySha256}</code> : 'not pinned yet'}</div>
        </div>
        <div className="wh-board__actions">
          <button type="button" className="wh-btn" onClick={test} disabled={!!busy} data-testid="board-test">{busy === 'test' ? 'Connecting…' : 'Test connection'}</button>
          <button type="button" className="wh-btn" onClick={runProbe} disabled={!!busy || !device.hostKeySha256} title={device.hostKeySha256 ? 'Read the OS, CPU, memory and runners of the board' : NOT_PINNED} data-testid="board-probe">{busy === 'probe' ? 'Probing…' : 'Probe'}</button>
          <button type="button" className="wh-btn" onClick={onEdit} disabled={!!busy}>Edit</button>
          <button type="button" className="wh-btn wh-btn--ghost" onClick={remove} disabled={!!busy}>Remove</button>
        </div>
      </div>
      {!device.hostKeySha256 && <p className="wh-muted" data-testid="board-why-disabled">{NOT_PINNED}</p>}
      {report?.ok && <p className="wh-board__ok" data-testid="board-status">Connected in {report.latencyMs} ms · host key pinned.</p>}
      {report && !report.ok && report.error && report.hostKey?.status !== 'unknown' && (
        <div className="wh-board__fail" role="alert" data-testid="board-status">
          <strong>{report.error.message}</strong>
          {report.error.hint && <div>{report.error.hint}</div>}
        </div>
      )}
      {report && <HostKeyReview report={report} pinned={device.hostKeySha256} onAccept={accept} onReject={() => onReport(undefined)} />}
      {error && <div className="wh-board__fail" role="alert"><strong>{error.message}</strong>{error.hint && <div>{error.hint}</div>}</div>}
      {probe ? <ProbeTable probe={probe} /> : <p className="wh-muted">Not probed yet: test the connection, then probe to learn what the board has.</p>}
    </div>
  );
}

function ProbeTable({ probe }: { probe: ProbeResult }) {
  const rows: [string, string][] = [
    ['System', `${probe.os} · kernel ${probe.kernel} · ${probe.arch}`],
    ['CPU', `${probe.cpuModel} · ${probe.cpuCores} cores`],
    ['Memory', `${formatBytes(probe.memAvailableBytes)} free of ${formatBytes(probe.memTotalBytes)}`],
    ['Disk free (/tmp)', formatBytes(probe.diskFreeBytes)],
  ];
  if (probe.jetson) rows.push(['Jetson', `${probe.jetson.model}${probe.jetson.l4t ? ` · L4T ${probe.jetson.l4t}` : ''}`]);
  return (
    <div data-testid="probe-table">
      <table className="wh-table wh-probe">
        <tbody>
          {rows.map(([k, v]) => <tr key={k}><th>{k}</th><td>{v}</td></tr>)}
          <tr>
            <th>Runners</th>
            <td>
              {probe.runners.length === 0 ? <span className="wh-error">none found</span> : (
                <ul className="wh-probe__runners">
                  {probe.runners.map((r) => <li key={r.kind} data-testid={`runner-${r.kind}`}>{RUNNER_LABELS[r.kind]} <span className="wh-muted">{r.version} · {r.path}</span></li>)}
                </ul>
              )}
            </td>
          </tr>
        </tbody>
      </table>
      <div className="wh-muted">Probed {new Date(probe.probedAt).toLocaleString()}</div>
      <RunnerHelp probe={probe} />
    </div>
  );
}
