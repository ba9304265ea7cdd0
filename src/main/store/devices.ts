// The device registry (boards, their pinned host keys and last probe) and the profile
// history, as JSON files in Whittle's data folder. Secrets never enter these files: they
// go to the SecretStore, keyed by device id.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { WhittleError } from '../../shared/errors.ts';
import { Device, DeviceInput, ProbeResult, ProfileResult, type StoredProfile } from '../../shared/devices/schema.ts';

export type { StoredProfile };
import type { SecretStore } from './secrets.ts';


interface RegistryFile {
  version: 1;
  devices: Device[];
  probes: Record<string, ProbeResult>;
}

function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
}

export class DeviceRegistry {
  private readonly file: string;
  private readonly profilesFile: string;

  constructor(private readonly dir: string, readonly secrets: SecretStore) {
    this.file = join(dir, 'devices.json');
    this.profilesFile = join(dir, 'profiles.json');
  }

  private read(): RegistryFile {
    if (!existsSync(this.file)) return { version: 1, devices: [], probes: {} };
    const raw = JSON.parse(readFileSync(this.file, 'utf8')) as RegistryFile;
    return { version: 1, devices: raw.devices.map((d) => Device.parse(d)), probes: raw.probes ?? {} };
  }

  private write(data: RegistryFile): void {
    writeJsonAtomic(this.file, data);
  }

  list(): Device[] {
    return this.read().devices;
  }

  get(id: string): Device {
    const d = this.read().devices.find((x) => x.id === id);
    if (!d) throw new WhittleError('device.unknown', `No device with id "${id}".`, 'It may have been removed; pick a board from the device panel.');
    return d;
  }

  /** Keeps the secrets out of the device and puts them in the keychain (refused where there is none). */
  private storeSecrets(id: string, input: DeviceInput, device: Device): void {
    const wantsPassword = device.auth.kind === 'password';
    const wantsPassphrase = device.auth.kind === 'key' && device.auth.hasPassphrase;
    // A secret that the chosen login does not use would be dropped: say so instead.
    if (input.passphrase !== undefined && !wantsPassphrase) {
      throw new WhittleError('device.unexpected-passphrase', 'A key passphrase was sent, but this board is set to log in without one (hasPassphrase is false).', 'Tick "The key has a passphrase" to keep it in the keychain, or leave the passphrase empty.');
    }
    if (input.password !== undefined && !wantsPassword) {
      throw new WhittleError('device.unexpected-password', `A password was sent, but this board logs in with ${device.auth.kind === 'agent' ? 'the SSH agent' : 'a key file'}.`, 'Choose password login to keep it in the keychain, or leave the password empty.');
    }
    if ((wantsPassword || wantsPassphrase) && !this.secrets.available && this.secrets.unavailable) throw this.secrets.unavailable;
    if ((wantsPassword || wantsPassphrase) && !this.secrets.available) {
      throw new WhittleError('secrets.no-keychain', `${wantsPassword ? 'Password login' : 'A key passphrase'} needs the OS keychain, which only the desktop app has.`, 'Use an SSH agent (ssh-add) or a key file without a passphrase here, or add the board in the desktop app.');
    }
    if (wantsPassword && input.password !== undefined) this.secrets.set(`device:${id}:password`, input.password);
    if (wantsPassphrase && input.passphrase !== undefined) this.secrets.set(`device:${id}:passphrase`, input.passphrase);
    if (!wantsPassword) this.secrets.delete(`device:${id}:password`);
    if (!wantsPassphrase) this.secrets.delete(`device:${id}:passphrase`);
  }

  add(input: DeviceInput): Device {
    const parsed = DeviceInput.parse(input);
    const { password: _p, passphrase: _q, ...fields } = parsed;
    const device = Device.parse({ ...fields, id: randomUUID() });
    if (device.auth.kind === 'password' && !parsed.password) throw new WhittleError('device.no-password', 'Enter the password for this board.', 'Or choose agent or key file authentication.');
    this.storeSecrets(device.id, parsed, device);
    const data = this.read();
    data.devices.push(device);
    this.write(data);
    return device;
  }

  /** Edits keep the pinned host key unless host or port change (then it is a different board). */
  update(id: string, input: DeviceInput): Device {
    const data = this.read();
    const i = data.devices.findIndex((d) => d.id === id);
    if (i < 0) throw new WhittleError('device.unknown', `No device with id "${id}".`);
    const parsed = DeviceInput.parse(input);
    const { password: _p, passphrase: _q, ...fields } = parsed;
    const old = data.devices[i];
    const samePlace = old.host === fields.host && old.port === fields.port;
    const device = Device.parse({ ...fields, id, hostKeySha256: samePlace ? old.hostKeySha256 : undefined });
    this.storeSecrets(id, parsed, device);
    data.devices[i] = device;
    if (!samePlace) delete data.probes[id];
    this.write(data);
    return device;
  }

  remove(id: string): void {
    const data = this.read();
    data.devices = data.devices.filter((d) => d.id !== id);
    delete data.probes[id];
    this.write(data);
    this.secrets.delete(`device:${id}:password`);
    this.secrets.delete(`device:${id}:passphrase`);
  }

  /** Pins (or, after review, re-pins) the host key the user accepted. */
  pinHostKey(id: string, sha256: string): Device {
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(sha256)) throw new WhittleError('device.bad-fingerprint', `"${sha256}" is not a SHA-256 host key fingerprint.`);
    const data = this.read();
    const d = data.devices.find((x) => x.id === id);
    if (!d) throw new WhittleError('device.unknown', `No device with id "${id}".`);
    d.hostKeySha256 = sha256;
    this.write(data);
    return d;
  }

  secretsFor(device: Device): { password?: string; passphrase?: string } {
    return {
      password: device.auth.kind === 'password' ? this.secrets.get(`device:${device.id}:password`) : undefined,
      passphrase: device.auth.kind === 'key' && device.auth.hasPassphrase ? this.secrets.get(`device:${device.id}:passphrase`) : undefined,
    };
  }

  saveProbe(id: string, probe: ProbeResult): void {
    const data = this.read();
    data.probes[id] = probe;
    this.write(data);
  }

  probeOf(id: string): ProbeResult | undefined {
    return this.read().probes[id];
  }

  // ---- profile history -------------------------------------------------------------

  listProfiles(filter: { deviceId?: string; runId?: string } = {}): StoredProfile[] {
    if (!existsSync(this.profilesFile)) return [];
    const all = (JSON.parse(readFileSync(this.profilesFile, 'utf8')) as StoredProfile[]).map((p) => ({ ...p, result: ProfileResult.parse(p.result) }));
    return all.filter((p) => (!filter.deviceId || p.result.deviceId === filter.deviceId) && (!filter.runId || p.runId === filter.runId));
  }

  saveProfile(result: ProfileResult, runId?: string): StoredProfile {
    const all = this.listProfiles();
    const entry: StoredProfile = { id: randomUUID(), runId, result };
    all.push(entry);
    writeJsonAtomic(this.profilesFile, all);
    return entry;
  }

  deleteProfile(id: string): void {
    writeJsonAtomic(this.profilesFile, this.listProfiles().filter((p) => p.id !== id));
  }
}
