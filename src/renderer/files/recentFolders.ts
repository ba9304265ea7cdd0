// Folders the user opened files from lately (this browser), newest first, for the picker.
const KEY = 'whittle.recentFolders';
const MAX_RECENT = 8;

export function recentFolders(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

export function rememberFolder(dir: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify([dir, ...recentFolders().filter((d) => d !== dir)].slice(0, MAX_RECENT)));
  } catch {
    // Storage may be disabled; recent folders are a convenience.
  }
}

/** The folder of a file path (either separator). */
export function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut <= 0 ? path.slice(0, cut + 1) || path : path.slice(0, cut);
}
