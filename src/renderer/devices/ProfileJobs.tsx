// Running and finished profile jobs: progress bars, cancel (which stops the runner on the
// board too), and the error with its hint when one failed.
import type { Device, ProfileJobEvent } from '../../shared/devices/schema.ts';
import { useApi } from '../api/useApi.ts';

export function ProfileJobs({ jobs, devices, onDismiss }: { jobs: ProfileJobEvent[]; devices: Device[]; onDismiss(jobId: string): void }) {
  const api = useApi();
  if (!jobs.length) return null;
  return (
    <ul className="wh-jobs" data-testid="profile-jobs">
      {jobs.map((j) => {
        const board = devices.find((d) => d.id === j.deviceId)?.name ?? j.deviceId;
        const pct = j.max > 0 ? Math.min(100, (100 * j.value) / j.max) : 0;
        return (
          <li key={j.jobId} className={`wh-job wh-job--${j.state}`} data-testid="profile-job" data-state={j.state}>
            <div className="wh-job__row">
              <span><strong>{j.modelLabel}</strong> on {board}</span>
              <span className="wh-muted">{j.state === 'running' ? j.message : j.state}</span>
              {j.state === 'running'
                ? <button type="button" className="wh-btn wh-btn--small" onClick={() => void api.call('devices.cancelProfile', { jobId: j.jobId })} data-testid="profile-cancel">Cancel</button>
                : <button type="button" className="wh-btn wh-btn--small wh-btn--ghost" onClick={() => onDismiss(j.jobId)}>Dismiss</button>}
            </div>
            {j.state === 'running' && <div className="wh-progress"><div className="wh-progress__bar" style={{ width: `${pct}%` }} /></div>}
            {j.error && j.state === 'failed' && <div className="wh-error">{j.error.message}{j.error.hint ? ` ${j.error.hint}` : ''}</div>}
          </li>
        );
      })}
    </ul>
  );
}
