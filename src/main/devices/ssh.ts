// The SSH transport: one connection to a board with its host key checked against the
// pin, every failure turned into a WhittleError a user can act on (DNS, refused, timeout,
// auth, host key changed), and exec/SFTP helpers that honour cancellation.
import { Client, type ConnectConfig, type ClientChannel } from 'ssh2';
import { createHash } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { WhittleError } from '../../shared/errors.ts';
import type { Device } from '../../shared/devices/schema.ts';

export interface HostKeyInfo {
  /** OpenSSH's form: "SHA256:" + unpadded base64 of the key blob's SHA-256. */
  sha256: string;
  algorithm: string;
}

export interface DeviceSecrets {
  password?: string;
  passphrase?: string;
}

export interface ConnectOptions {
  device: Device;
  secrets: DeviceSecrets;
  /** Accept this key once even if nothing is pinned yet (the user just confirmed it). */
  acceptHostKey?: string;
  /** Resolves the host name; injectable so tests can run it inside a network namespace. */
  lookup?: (host: string) => Promise<string>;
  agentSocket?: string;
}

export function fingerprintOf(keyBlob: Buffer): HostKeyInfo {
  const sha256 = 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
  // The blob starts with the algorithm name as an SSH string (uint32 length + bytes).
  const len = keyBlob.length >= 4 ? keyBlob.readUInt32BE(0) : 0;
  const algorithm = len > 0 && len < 64 ? keyBlob.subarray(4, 4 + len).toString('ascii') : 'unknown';
  return { sha256, algorithm };
}

/** Thrown when the board's key is not the pinned one, or nothing is pinned yet; carries the key. */
export class HostKeyError extends WhittleError {
  constructor(readonly hostKey: HostKeyInfo, readonly status: 'unknown' | 'changed', device: Device) {
    super(
      status === 'changed' ? 'device.host-key-changed' : 'device.host-key-unknown',
      status === 'changed'
        ? `The host key of ${device.name} (${device.host}) has changed: it now presents ${hostKey.sha256}, not the pinned ${device.hostKeySha256}. Whittle refused to connect.`
        : `${device.name} (${device.host}) presents a host key Whittle has not seen: ${hostKey.sha256}.`,
      status === 'changed'
        ? 'If the board was reflashed or its SSH keys regenerated, review the new fingerprint on the board (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and re-pin it in the device panel. Otherwise someone may be intercepting the connection.'
        : 'Compare it with the board (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and accept it in the device panel.',
    );
  }
}

async function defaultLookup(host: string): Promise<string> {
  return (await dnsLookup(host)).address;
}

function classify(err: unknown, device: Device, stage: 'dns' | 'connect'): WhittleError {
  if (err instanceof WhittleError) return err;
  const e = err as NodeJS.ErrnoException & { level?: string };
  const where = `${device.host}:${device.port}`;
  if (stage === 'dns' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' || e.code === 'EAI_NONAME') {
    return new WhittleError('device.dns', `The board's host name "${device.host}" could not be resolved.`, 'Check the spelling, or use the board\'s IP address.');
  }
  if (e.code === 'ECONNREFUSED') {
    return new WhittleError('device.refused', `${where} refused the connection: nothing listens for SSH there.`, 'Check the port and that sshd runs on the board (sudo systemctl status ssh).');
  }
  if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') {
    return new WhittleError('device.unreachable', `${where} cannot be reached from this computer.`, 'Check the board is powered and on the same network (or its USB cable is connected).');
  }
  if (e.code === 'ETIMEDOUT' || e.level === 'client-timeout' || /timed out/i.test(e.message ?? '')) {
    return new WhittleError('device.timeout', `${where} did not answer within ${Math.round(device.timeoutMs / 1000)} s.`, 'Check the board is on and reachable, or raise the device timeout.');
  }
  if (e.level === 'client-authentication') {
    return new WhittleError('device.auth-failed', `${device.user}@${device.host} rejected the login (${device.auth.kind === 'key' ? 'key file' : device.auth.kind}).`, device.auth.kind === 'password' ? 'Check the user name and password.' : device.auth.kind === 'agent' ? 'Check that ssh-add -l lists a key the board accepts.' : 'Check the key is in ~/.ssh/authorized_keys on the board.');
  }
  if (e.code === 'ECONNRESET' || /closed|reset/i.test(e.message ?? '')) {
    return new WhittleError('device.connection-lost', `The connection to ${device.name} (${where}) was lost.`, 'Check the board is still on and reachable, then try again.');
  }
  return new WhittleError('device.ssh', `SSH to ${where} failed: ${e.message ?? String(err)}.`, 'Check the device settings.');
}

async function authConfig(opts: ConnectOptions): Promise<Partial<ConnectConfig>> {
  const { device, secrets } = opts;
  if (device.auth.kind === 'password') {
    if (!secrets.password) throw new WhittleError('device.no-password', `No password is stored for ${device.name}.`, 'Edit the device and enter its password (passwords need the desktop app\'s keychain).');
    return { password: secrets.password, tryKeyboard: false };
  }
  if (device.auth.kind === 'agent') {
    const agent = opts.agentSocket ?? process.env.SSH_AUTH_SOCK;
    if (!agent) throw new WhittleError('device.no-agent', 'No SSH agent is running (SSH_AUTH_SOCK is not set).', 'Start ssh-agent and ssh-add your key, or use a key file.');
    return { agent };
  }
  let privateKey: Buffer;
  // "~/.ssh/id_ed25519" is how people write key paths; the shell is not there to expand it.
  const keyPath = device.auth.keyPath.replace(/^~(?=$|\/)/, homedir());
  try {
    // A regular file only: reading a FIFO or a device would wait forever (DESIGN.md §8).
    if (!(await stat(keyPath)).isFile()) throw new Error('not a regular file');
    privateKey = await readFile(keyPath);
  } catch {
    throw new WhittleError('device.key-missing', `The key file ${device.auth.keyPath} cannot be read.`, 'Check the path in the device settings.');
  }
  return { privateKey, passphrase: secrets.passphrase };
}

export class BoardConnection {
  private lost: WhittleError | undefined;
  private readonly lostListeners = new Set<(err: WhittleError) => void>();

  constructor(readonly client: Client, readonly device: Device, readonly hostKey: HostKeyInfo) {
    const onGone = (err?: unknown) => {
      if (this.lost) return;
      const e = err as { level?: string; message?: string } | undefined;
      const where = `${device.name} (${device.host}:${device.port})`;
      this.lost = e && (e.level === 'client-timeout' || /keepalive/i.test(e.message ?? ''))
        ? new WhittleError('device.timeout', `${where} stopped answering for ${Math.round(device.timeoutMs / 1000)} s.`, 'Check the board is on and reachable, or raise the device timeout. Whittle\'s processes on the board stop by themselves when the connection is gone.')
        : new WhittleError('device.connection-lost', `The connection to ${where} was lost.`, 'Check the board is still on and reachable, then try again. Whittle\'s processes on the board stop by themselves when the connection is gone.');
      for (const l of this.lostListeners) l(this.lost);
    };
    client.on('error', onGone);
    client.on('close', () => onGone());
  }

  onLost(listener: (err: WhittleError) => void): () => void {
    if (this.lost) listener(this.lost);
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Opens a command channel; the caller owns stdin (ending it tells our wrappers to stop). */
  channel(command: string): Promise<ClientChannel> {
    if (this.lost) return Promise.reject(this.lost);
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, stream) => (err ? reject(classify(err, this.device, 'connect')) : resolve(stream)));
    });
  }

  /** Runs a command to completion and collects its output. */
  async run(command: string, signal?: AbortSignal): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const stream = await this.channel(command);
    stream.end();
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      const offLost = this.onLost(reject);
      const onAbort = () => { stream.close(); reject(new WhittleError('cancelled', 'Cancelled.')); };
      signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
      stream.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
      stream.on('close', (code: number | null) => {
        offLost();
        signal?.removeEventListener('abort', onAbort);
        resolve({ code, stdout, stderr });
      });
    });
  }

  async upload(localPath: string, remotePath: string): Promise<void> {
    const sftp = await new Promise<import('ssh2').SFTPWrapper>((resolve, reject) => {
      this.client.sftp((err, s) => (err ? reject(classify(err, this.device, 'connect')) : resolve(s)));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const offLost = this.onLost(reject);
        sftp.fastPut(localPath, remotePath, (err) => {
          offLost();
          if (err) reject(new WhittleError('device.upload', `Uploading ${localPath} to ${this.device.name} failed: ${err.message}.`, 'Check free disk space on the board.'));
          else resolve();
        });
      });
    } finally {
      sftp.end();
    }
  }

  close(): void {
    this.client.end();
  }
}

/**
 * Connects and authenticates. Nothing pinned and no `acceptHostKey` -> HostKeyError('unknown');
 * a key other than the pinned one -> HostKeyError('changed'). Never accepts a key silently.
 */
export async function connectBoard(opts: ConnectOptions): Promise<BoardConnection> {
  const { device } = opts;
  let address: string;
  try {
    address = await (opts.lookup ?? defaultLookup)(device.host);
  } catch (err) {
    throw classify(err, device, 'dns');
  }
  const auth = await authConfig(opts);
  let presented: HostKeyInfo | undefined;
  let refused: HostKeyError | undefined;
  const client = new Client();
  return new Promise<BoardConnection>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(refused ?? classify(err, device, 'connect'));
    };
    client.once('ready', () => {
      settled = true;
      resolve(new BoardConnection(client, device, presented!));
    });
    client.on('error', fail);
    client.once('close', () => fail(Object.assign(new Error('Connection closed during the handshake'), { code: 'ECONNRESET' })));
    const config: ConnectConfig = {
      host: address,
      port: device.port,
      username: device.user,
      readyTimeout: device.timeoutMs,
      keepaliveInterval: Math.max(1000, Math.floor(device.timeoutMs / 3)),
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        presented = fingerprintOf(key);
        const expected = device.hostKeySha256 ?? opts.acceptHostKey;
        if (expected === presented.sha256) return true;
        refused = new HostKeyError(presented, device.hostKeySha256 ? 'changed' : 'unknown', device);
        return false;
      },
      ...auth,
    };
    try {
      client.connect(config);
    } catch (err) {
      // ssh2 throws synchronously on a key it cannot parse (wrong or missing passphrase).
      settled = true;
      const msg = (err as Error).message ?? '';
      if (/passphrase|encrypted/i.test(msg)) {
        reject(new WhittleError('device.key-passphrase', `The key file for ${device.name} needs a passphrase, or the stored one is wrong.`, 'Edit the device and enter the key\'s passphrase (stored in the keychain), or load the key into ssh-agent.'));
      } else {
        reject(new WhittleError('device.key-invalid', `The key file for ${device.name} cannot be used: ${msg}.`, 'Use an OpenSSH or PEM private key.'));
      }
    }
  });
}
