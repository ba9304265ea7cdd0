// Add or edit a board: where it is, who logs in and how. Passwords and passphrases are
// offered only where the door has a keychain (the desktop app); they go there, never to disk.
import { useState, type FormEvent } from 'react';
import type { Device, DeviceInput } from '../../shared/devices/schema.ts';

type AuthKind = 'agent' | 'key' | 'password';

export interface DeviceFormProps {
  initial?: Device;
  /** Prefill for a board found on USB. */
  suggested?: Partial<DeviceInput>;
  keychain: boolean;
  busy: boolean;
  error: string | null;
  onSubmit(input: DeviceInput): void;
  onCancel(): void;
}

export function DeviceForm({ initial, suggested, keychain, busy, error, onSubmit, onCancel }: DeviceFormProps) {
  const start = initial ?? suggested;
  const [name, setName] = useState(start?.name ?? '');
  const [host, setHost] = useState(start?.host ?? '');
  const [port, setPort] = useState(String(start?.port ?? 22));
  const [user, setUser] = useState(start?.user ?? '');
  const [auth, setAuth] = useState<AuthKind>(start?.auth?.kind ?? 'key');
  const [keyPath, setKeyPath] = useState(start?.auth?.kind === 'key' ? start.auth.keyPath : '');
  const [hasPassphrase, setHasPassphrase] = useState(start?.auth?.kind === 'key' ? start.auth.hasPassphrase : false);
  const [secret, setSecret] = useState('');
  const [ortNodePath, setOrtNodePath] = useState(start?.ortNodePath ?? '');
  const [timeoutS, setTimeoutS] = useState(String(Math.round((start?.timeoutMs ?? 15000) / 1000)));
  const transport = start?.transport ?? 'ssh';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const authValue = auth === 'key' ? { kind: 'key' as const, keyPath, hasPassphrase } : { kind: auth };
    onSubmit({
      name: name.trim(), transport, host: host.trim(), port: Number(port), user: user.trim(), auth: authValue,
      ortNodePath: ortNodePath.trim() || undefined, timeoutMs: Number(timeoutS) * 1000,
      ...(auth === 'password' && secret ? { password: secret } : {}),
      ...(auth === 'key' && hasPassphrase && secret ? { passphrase: secret } : {}),
    });
  };

  return (
    <form className="wh-devform" onSubmit={submit} data-testid="device-form">
      <h3>{initial ? `Edit ${initial.name}` : 'Add a board'}</h3>
      <label>Name<input className="wh-input" value={name} onChange={(e) => setName(e.target.value)} required data-testid="device-name" placeholder="Orin Nano on the desk" /></label>
      <div className="wh-devform__row">
        <label>Host<input className="wh-input" value={host} onChange={(e) => setHost(e.target.value)} required data-testid="device-host" placeholder="jetson.local or an IP address" /></label>
        <label className="wh-devform__port">Port<input className="wh-input" type="number" min={1} max={65535} value={port} onChange={(e) => setPort(e.target.value)} data-testid="device-port" /></label>
      </div>
      <label>User<input className="wh-input" value={user} onChange={(e) => setUser(e.target.value)} required data-testid="device-user" /></label>
      <label>Authentication
        <select className="wh-input" value={auth} onChange={(e) => setAuth(e.target.value as AuthKind)} data-testid="device-auth">
          <option value="agent">SSH agent</option>
          <option value="key">Key file</option>
          <option value="password" disabled={!keychain}>Password{keychain ? '' : ' (desktop app only)'}</option>
        </select>
      </label>
      {auth === 'key' && (
        <>
          <label>Key file<input className="wh-input" value={keyPath} onChange={(e) => setKeyPath(e.target.value)} required data-testid="device-key" placeholder="~/.ssh/id_ed25519" /></label>
          <label className="wh-devform__check">
            <input type="checkbox" checked={hasPassphrase} disabled={!keychain && !hasPassphrase} onChange={(e) => setHasPassphrase(e.target.checked)} /> The key has a passphrase{keychain ? '' : ' (desktop app only; use ssh-agent here)'}
          </label>
        </>
      )}
      {((auth === 'password') || (auth === 'key' && hasPassphrase)) && keychain && (
        <label>{auth === 'password' ? 'Password' : 'Passphrase'}
          <input className="wh-input" type="password" value={secret} onChange={(e) => setSecret(e.target.value)} placeholder={initial ? 'unchanged' : ''} data-testid="device-secret" />
          <span className="wh-muted">Kept in the OS keychain.</span>
        </label>
      )}
      <details>
        <summary>Runners and timeout</summary>
        <label>onnxruntime-node on the board<input className="wh-input" value={ortNodePath} onChange={(e) => setOrtNodePath(e.target.value)} placeholder="/home/me/node_modules" data-testid="device-ortpath" /></label>
        <label>Timeout (s)<input className="wh-input" type="number" min={1} max={600} value={timeoutS} onChange={(e) => setTimeoutS(e.target.value)} data-testid="device-timeout" /></label>
      </details>
      {error && <p className="wh-error" role="alert">{error}</p>}
      <div className="wh-devform__actions">
        <button type="button" className="wh-btn" onClick={onCancel}>Cancel</button>
        <button type="submit" className="wh-btn wh-btn--primary" disabled={busy} data-testid="device-save">{initial ? 'Save' : 'Add board'}</button>
      </div>
    </form>
  );
}
