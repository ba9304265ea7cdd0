// Secrets (SSH passwords, key passphrases) behind one interface. The desktop app hands in
// Electron's safeStorage as the cipher, so the file on disk holds only ciphertext the OS
// keychain can open; the browser host and CLI have no keychain and refuse to store secrets.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { WhittleError } from '../../shared/errors.ts';

/** The shape of Electron's safeStorage; src/main/app passes it in (only app/ imports electron). */
export interface SecretCipher {
  isEncryptionAvailable(): boolean;
  /** Linux only (Electron): 'basic_text' means a hard-coded password, i.e. no real keychain. */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface SecretStore {
  /** False where there is no keychain: passwords cannot be kept. */
  readonly available: boolean;
  /** Why `available` is false, when there is more to say than "no keychain here". */
  readonly unavailable?: WhittleError;
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** Secrets encrypted by the OS keychain, kept as base64 ciphertext in one JSON file (mode 0600). */
/**
 * Null when the cipher really is the OS keychain; else the error to show. On Linux, Electron's
 * safeStorage falls back to 'basic_text' (a password compiled into Chromium) when no keyring
 * answers, and still reports encryption as available: that is plain text with extra steps.
 */
export function keychainRefusal(cipher: SecretCipher, platform: NodeJS.Platform = process.platform): WhittleError | null {
  if (platform === 'linux' && cipher.getSelectedStorageBackend?.() === 'basic_text') {
    return new WhittleError(
      'secrets.weak-keychain',
      'This Linux session has no keyring that Electron can use (its safeStorage fell back to "basic_text", a fixed built-in password), so Whittle will not keep board passwords or key passphrases here.',
      'Log in with an SSH agent (ssh-add) or a key file without a passphrase instead; or install and unlock GNOME Keyring or KWallet and restart Whittle.',
    );
  }
  if (!cipher.isEncryptionAvailable()) return noKeychain();
  return null;
}

export function createKeychainSecretStore(file: string, cipher: SecretCipher, platform: NodeJS.Platform = process.platform): SecretStore {
  const read = (): Record<string, string> => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, string> : {});
  const write = (entries: Record<string, string>) => {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = join(dirname(file), `.${Date.now()}-${process.pid}.secrets.tmp`);
    writeFileSync(tmp, JSON.stringify(entries, null, 2), { mode: 0o600 });
    renameSync(tmp, file);
  };
  return {
    get available() { return keychainRefusal(cipher, platform) === null; },
    get unavailable() { return keychainRefusal(cipher, platform) ?? undefined; },
    get(key) {
      const value = read()[key];
      if (value === undefined) return undefined;
      try {
        return cipher.decryptString(Buffer.from(value, 'base64'));
      } catch {
        throw new WhittleError('secrets.unreadable', 'A stored secret can no longer be decrypted by the OS keychain.', 'Edit the device and enter its password or passphrase again.');
      }
    },
    set(key, value) {
      const refusal = keychainRefusal(cipher, platform);
      if (refusal) throw refusal;
      const entries = read();
      entries[key] = cipher.encryptString(value).toString('base64');
      write(entries);
    },
    delete(key) {
      const entries = read();
      if (!(key in entries)) return;
      delete entries[key];
      write(entries);
    },
  };
}

function noKeychain(): WhittleError {
  return new WhittleError('secrets.no-keychain', 'Passwords and key passphrases can only be stored in the desktop app, which keeps them in the OS keychain.', 'Here, use an SSH agent (ssh-add) or a key file without a passphrase.');
}

/** For the browser host and the CLI: nothing is stored, and storing is refused with a clear error. */
export const NO_KEYCHAIN: SecretStore = {
  available: false,
  get: () => undefined,
  set: () => { throw noKeychain(); },
  delete: () => {},
};
