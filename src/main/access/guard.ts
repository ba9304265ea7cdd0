// The one file-access guard (DESIGN.md §8). Every door builds a FileAccess with its roots;
// every API call that reads or writes the file system asks it first.
//
// The rules, enforced here and nowhere else:
// - A path is a non-empty string without NUL bytes; relative paths resolve against a base
//   the caller names (the document's folder, the workspace).
// - The check is on the REAL path (symlinks followed, for a file to write: the real path of
//   its nearest existing folder), so a link inside a root cannot lead out of it.
// - The real path must lie inside a root; writes need a root that allows writing, and are
//   refused inside the application's own folders (read-only roots) whatever else holds them.
// - Only regular files and folders pass: FIFOs, devices and sockets are refused from
//   `stat`, before anything opens them (opening a FIFO blocks).
// - Errors name the path the caller gave and the roots, never anything read from a file.
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { WhittleError } from '../../shared/errors.ts';

export interface AccessRoot {
  /** Absolute folder (or single file) the door may touch. */
  path: string;
  /** False for the application's own folders (bundled examples and models). */
  writable: boolean;
}

/**
 * What the caller is about to do with the path. Reads need it to exist; writes need a
 * writable root; 'locate' (a path named for later, like an allowed path) only needs to lie
 * inside a root.
 */
export type AccessIntent = 'read-file' | 'read-folder' | 'read' | 'write-file' | 'write-folder' | 'locate';

export interface FileAccessOptions {
  roots: AccessRoot[];
  /** How a user widens the roots at this door (e.g. "start the host with --workspace DIR"). */
  widenHint: string;
}

function isInside(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The real path of a folder that may not exist yet (a root named ahead, like ~/Whittle/exports). */
function realOrSelf(p: string): string {
  try {
    return realPathForWrite(resolve(p));
  } catch {
    return resolve(p);
  }
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSymbolicLink()) return 'a broken symbolic link';
  return 'not a regular file';
}

/** Real path of a file that may not exist yet: its nearest existing folder's real path plus the rest. */
function realPathForWrite(absolute: string): string {
  const tail: string[] = [];
  let dir = absolute;
  for (;;) {
    try {
      return join(realpathSync(dir), ...tail.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new WhittleError('files.bad-path', `${absolute} cannot be resolved (${code ?? 'error'}).`, 'Check the path and its permissions.');
      // A dangling symlink is not "missing": following it on write would create a file outside.
      let dangling = false;
      try { dangling = lstatSync(dir).isSymbolicLink(); } catch { /* truly absent */ }
      if (dangling) throw new WhittleError('files.not-regular', `${absolute} goes through a broken symbolic link.`, 'Choose a real file or folder.');
      const parent = dirname(dir);
      if (parent === dir) return absolute;
      tail.push(basename(dir));
      dir = parent;
    }
  }
}

export class FileAccess {
  private readonly rootList: AccessRoot[] = [];
  readonly widenHint: string;

  constructor(options: FileAccessOptions) {
    this.widenHint = options.widenHint;
    for (const r of options.roots) this.addRoot(r.path, r.writable);
  }

  /** Roots as given (resolved), for messages and listings. */
  get roots(): readonly AccessRoot[] {
    return this.rootList;
  }

  /** Add a folder or file (e.g. one the user picked in a native dialog this session). */
  addRoot(path: string, writable: boolean): void {
    const real = realOrSelf(path);
    const existing = this.rootList.find((r) => r.path === real);
    if (existing) existing.writable ||= writable;
    else this.rootList.push({ path: real, writable });
  }

  /** The innermost root holding a real path, or null. */
  rootOf(realPath: string, write = false): AccessRoot | null {
    let best: AccessRoot | null = null;
    for (const r of this.rootList) {
      if ((!write || r.writable) && isInside(r.path, realPath) && (!best || r.path.length > best.path.length)) best = r;
    }
    return best;
  }

  /** True when a real path may be written: inside a writable root and inside no read-only one. */
  canWrite(realPath: string): boolean {
    return this.rootOf(realPath, true) !== null && !this.rootList.some((r) => !r.writable && isInside(r.path, realPath));
  }

  /** True when the real path of an existing folder lies inside a root. */
  allowsFolder(path: string): boolean {
    return this.rootOf(realOrSelf(path)) !== null;
  }

  private outside(given: string, write: boolean): WhittleError {
    const roots = this.rootList.filter((r) => !write || r.writable).map((r) => r.path);
    const where = roots.length > 0 ? roots.join(', ') : 'no folder yet';
    const verb = write ? 'write to' : 'open';
    return new WhittleError('files.outside-roots', `${given} is outside the folders Whittle may ${verb} here (${where}).`, this.widenHint);
  }

  /** Refuse what is not a usable path string at all. */
  static checkSyntax(p: unknown, what = 'The path'): string {
    if (typeof p !== 'string' || p.length === 0) throw new WhittleError('files.bad-path', `${what} is empty.`, 'Choose a file or folder.');
    if (p.includes('\0')) throw new WhittleError('files.bad-path', `${what} contains a NUL byte.`, 'Choose the file again; a path cannot contain NUL characters.');
    return p;
  }

  /**
   * The real absolute path of `p` (relative to `base`) when the door may do `intent` with
   * it; a WhittleError otherwise. Reads need the file or folder to exist.
   */
  check(p: string, intent: AccessIntent, base: string): string {
    FileAccess.checkSyntax(p);
    const absolute = resolve(base, p);
    const write = intent === 'write-file' || intent === 'write-folder';
    let real: string;
    if (write || intent === 'locate') {
      real = realPathForWrite(absolute);
    } else {
      try {
        real = realpathSync(absolute);
      } catch {
        // Outside paths are refused the same whether they exist or not: no probing.
        if (!this.rootOf(realPathForWrite(absolute))) throw this.outside(p, false);
        throw new WhittleError('files.not-found', `${p} does not exist.`, 'Check the path, or choose the file again.');
      }
    }
    if (write ? !this.canWrite(real) : !this.rootOf(real)) {
      if (write && this.rootOf(real)) {
        throw new WhittleError('files.read-only', `${p} is inside Whittle's own read-only folders.`, 'Choose a folder of your own (for example next to your pipeline).');
      }
      throw this.outside(p, write);
    }
    let info: Stats | null = null;
    try { info = statSync(real); } catch { /* a file to write may not exist yet */ }
    if (!info) return real;
    const wantsFile = intent === 'read-file' || intent === 'write-file';
    if (info.isDirectory()) {
      if (wantsFile) throw new WhittleError('files.is-folder', `${p} is a folder, not a file.`, 'Choose a file.');
      return real;
    }
    if (!info.isFile()) throw new WhittleError('files.not-regular', `${p} is ${kindOf(info)}; Whittle only opens regular files and folders.`, 'Choose a regular file.');
    if (intent === 'read-folder' || intent === 'write-folder') throw new WhittleError('files.not-folder', `${p} is a file, not a folder.`, 'Choose a folder.');
    return real;
  }
}
