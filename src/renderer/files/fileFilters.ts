// The picker's type filters: what a folder listing shows. A path field asks for its own
// extensions; the user can switch to another filter (or all files) at any time.
export interface FileFilter {
  id: string;
  label: string;
  /** Extensions with a dot; [] lists folders only; null lists every file. */
  extensions: string[] | null;
}

export const FILE_FILTERS: FileFilter[] = [
  { id: 'models', label: 'Models (.onnx)', extensions: ['.onnx'] },
  { id: 'pipelines', label: 'Pipelines (.json)', extensions: ['.json'] },
  { id: 'datasets', label: 'Datasets (.npy, .npz)', extensions: ['.npy', '.npz'] },
  { id: 'image-folders', label: 'Image folders', extensions: [] },
  { id: 'all', label: 'All files', extensions: null },
];

function dotted(e: string): string {
  return `.${e.replace(/^\./, '').toLowerCase()}`;
}

/** The filters to offer for a field: the built-in ones, plus the field's own when none matches. */
export function filtersFor(mode: 'open-file' | 'open-folder' | 'save-file', extensions?: string[]): { filters: FileFilter[]; initial: string } {
  if (mode === 'open-folder') return { filters: FILE_FILTERS, initial: 'image-folders' };
  if (!extensions || extensions.length === 0) return { filters: FILE_FILTERS, initial: 'all' };
  const wanted = extensions.map(dotted).sort();
  const match = FILE_FILTERS.find((f) => f.extensions && f.extensions.length > 0 && wanted.every((e) => f.extensions!.includes(e)));
  if (match) return { filters: FILE_FILTERS, initial: match.id };
  const own: FileFilter = { id: 'field', label: `This field (${wanted.join(', ')})`, extensions: wanted };
  return { filters: [own, ...FILE_FILTERS], initial: own.id };
}
