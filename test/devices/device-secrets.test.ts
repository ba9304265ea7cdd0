// Secrets the chosen login does not use are refused, not dropped; a Linux safeStorage on
// its 'basic_text' fallback is not taken for a keychain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../src/main/store/devices.ts';
import { createKeychainSecretStore, keychainRefusal } from '../../src/main/store/secrets.ts';
import { memoryKeyCipher } from './testCipher.ts';

const dir = mkdtempSync(join(tmpdir(), 'whittle-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const board = { name: 'nano', transport: 'ssh' as const, host: '127.0.0.1', port: 22, user: 'nvidia' };

function thrown(fn: () => unknown): { code?: string; message?: string; hint?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string };
  }
  throw new Error('expected a WhittleError');
}

describe('device secrets', () => {
  const registry = new DeviceRegistry(join(dir, 'devices'), createKeychainSecretStore(join(dir, 'devices', 'secrets.json'), memoryKeyCipher()));

  it('a passphrase sent with hasPassphrase: false is refused, not dropped', () => {
    const err = thrown(() => registry.add({ ...board, auth: { kind: 'key', keyPath: '/k', hasPassphrase: false }, passphrase: 'hunter2' }));
    expect(err.code).toBe('device.unexpected-passphrase');
    expect(err.hint).toContain('passphrase');
    expect(registry.list()).toEqual([]);
  });

  it('a password sent for agent login is refused; the matching secrets are kept', () => {
    expect(thrown(() => registry.add({ ...board, auth: { kind: 'agent' }, password: 'x' })).code).toBe('device.unexpected-password');
    const d = registry.add({ ...board, auth: { kind: 'key', keyPath: '/k', hasPassphrase: true }, passphrase: 'hunter2' });
    expect(registry.secrets.get(`device:${d.id}:passphrase`)).toBe('hunter2');
  });

  it("Linux safeStorage on 'basic_text' is refused with agent or key-file login offered", () => {
    const basicText = { ...memoryKeyCipher(), getSelectedStorageBackend: () => 'basic_text' };
    const refusal = keychainRefusal(basicText, 'linux');
    expect(refusal?.code).toBe('secrets.weak-keychain');
    expect(refusal?.hint).toMatch(/SSH agent.*key file/);
    expect(keychainRefusal(basicText, 'darwin')).toBeNull();
    expect(keychainRefusal({ ...memoryKeyCipher(), getSelectedStorageBackend: () => 'gnome_libsecret' }, 'linux')).toBeNull();
    const weak = new DeviceRegistry(join(dir, 'weak'), createKeychainSecretStore(join(dir, 'weak', 'secrets.json'), basicText, 'linux'));
    expect(weak.secrets.available).toBe(false);
    expect(thrown(() => weak.add({ ...board, auth: { kind: 'password' }, password: 'pw' })).code).toBe('secrets.weak-keychain');
    expect(thrown(() => weak.secrets.set('k', 'v')).code).toBe('secrets.weak-keychain');
  });
});
