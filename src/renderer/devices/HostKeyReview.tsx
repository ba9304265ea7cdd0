// The host-key decision: the SHA-256 fingerprint the board presented, with how to check it
// on the board; for a changed key, the pinned one too. Nothing is pinned until "Accept".
import type { ConnectionReport } from '../../shared/devices/schema.ts';

export function HostKeyReview({ report, pinned, onAccept, onReject }: { report: ConnectionReport; pinned?: string; onAccept(): void; onReject(): void }) {
  const key = report.hostKey;
  if (!key || key.status === 'pinned') return null;
  const changed = key.status === 'changed';
  return (
    <div className={`wh-hostkey${changed ? ' wh-hostkey--changed' : ''}`} role="alertdialog" aria-label="Review host key" data-testid="hostkey-review">
      <h4>{changed ? 'The board\'s host key has changed' : 'New board: check its host key'}</h4>
      {changed && <p>Pinned: <code>{pinned}</code></p>}
      <p>{changed ? 'Now presents' : 'Presents'} ({key.algorithm}): <code data-testid="hostkey-fingerprint">{key.sha256}</code></p>
      <p className="wh-muted">On the board, <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> prints its fingerprint. Accept only if they match{changed ? ' and you know why the key changed (reflash, new SSH keys)' : ''}.</p>
      <div className="wh-devform__actions">
        <button type="button" className="wh-btn" onClick={onReject}>Do not trust</button>
        <button type="button" className={`wh-btn ${changed ? 'wh-btn--danger' : 'wh-btn--primary'}`} onClick={onAccept} data-testid="hostkey-accept">{changed ? 'Re-pin this key' : 'Accept and pin'}</button>
      </div>
    </div>
  );
}
