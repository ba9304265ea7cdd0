// Path arithmetic for documents, as pure string operations (shared code has no node:path):
// POSIX and Windows absolute paths, relative paths with forward slashes as stored on disk.
//
// The rule for paths in a pipeline document:
// - Paths are stored relative to the document's folder, with '/' separators; relative
//   paths (including ones that climb with '..') are always accepted: they move with the
//   project.
// - An absolute path inside the document's folder is rewritten as relative on save.
// - An absolute path outside the document's folder is refused by validation unless the
//   user chose it explicitly in this session: the caller passes it in `allowedPaths`
//   (the editor adds every path picked in a file dialog; the CLI passes --allow-path).

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

function isWindowsPath(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** Split into a root ('/', 'C:/', '//server/' or '') and normalized segments. */
function splitPath(p: string): { root: string; parts: string[] } {
  const slashed = p.replace(/\\/g, '/');
  let root = '';
  let rest = slashed;
  const drive = /^([A-Za-z]):\//.exec(slashed);
  if (drive) {
    root = `${drive[1].toUpperCase()}:/`;
    rest = slashed.slice(3);
  } else if (slashed.startsWith('//')) {
    root = '//';
    rest = slashed.slice(2);
  } else if (slashed.startsWith('/')) {
    root = '/';
    rest = slashed.slice(1);
  }
  const parts: string[] = [];
  for (const seg of rest.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!root) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  return { root, parts };
}

/** Normalize separators, '.' and '..' (forward slashes). */
export function normalizePath(p: string): string {
  const { root, parts } = splitPath(p);
  const joined = parts.join('/');
  return root ? root + joined : joined || '.';
}

/** Resolve `p` against the absolute folder `dir` (an absolute `p` is returned normalized). */
export function resolvePath(dir: string, p: string): string {
  if (isAbsolutePath(p)) return normalizePath(p);
  return normalizePath(`${dir.replace(/\\/g, '/')}/${p}`);
}

function sameSegment(a: string, b: string, windows: boolean): boolean {
  return windows ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** True when absolute `p` is `dir` itself or lies under it. */
export function isInside(dir: string, p: string): boolean {
  const d = splitPath(dir);
  const q = splitPath(p);
  const windows = isWindowsPath(dir);
  if (!sameSegment(d.root, q.root, windows) || q.parts.length < d.parts.length) return false;
  return d.parts.every((seg, i) => sameSegment(seg, q.parts[i], windows));
}

/** A relative path from absolute folder `dir` to absolute `p`, or null across roots (drives). */
export function relativePath(dir: string, p: string): string | null {
  const d = splitPath(dir);
  const q = splitPath(p);
  const windows = isWindowsPath(dir);
  if (!sameSegment(d.root, q.root, windows)) return null;
  let common = 0;
  while (common < d.parts.length && common < q.parts.length && sameSegment(d.parts[common], q.parts[common], windows)) common++;
  const up = d.parts.slice(common).map(() => '..');
  const rel = [...up, ...q.parts.slice(common)].join('/');
  return rel || '.';
}

/** The folder of an absolute file path. */
export function dirnameOf(p: string): string {
  const { root, parts } = splitPath(p);
  return root + parts.slice(0, -1).join('/');
}

export function basenameOf(p: string): string {
  const { parts } = splitPath(p);
  return parts[parts.length - 1] ?? '';
}
