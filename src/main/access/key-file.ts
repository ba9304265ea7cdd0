// An SSH key file named in a device's settings: a file-touching path like any other, so it
// goes through the guard, with ~/.ssh (where keys live) as one more read-only root. "~/" is
// expanded as a shell would; a key not there yet is left for the connection test to report.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isWhittleError } from '../../shared/errors.ts';
import { FileAccess } from './guard.ts';

export function checkKeyFile(access: FileAccess, keyPath: string): void {
  const expanded = keyPath.replace(/^~(?=$|\/)/, homedir());
  const withSsh = new FileAccess({ roots: [...access.roots, { path: join(homedir(), '.ssh'), writable: false }], widenHint: `${access.widenHint} SSH keys may also live in ~/.ssh.` });
  try {
    // Relative to the current folder, as ssh.ts reads it.
    withSsh.check(expanded, 'read-file', process.cwd());
  } catch (err) {
    if (isWhittleError(err, 'files.not-found')) return;
    throw err;
  }
}
