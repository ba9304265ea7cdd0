// Fresh node ids that read well in the JSON: the last part of the kind plus a counter
// ("onnx-1", "export-2"), never colliding with ids already taken.

export function idBaseForKind(kind: string): string {
  const last = kind.split('.').pop() ?? kind;
  const base = last.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return base || 'node';
}

export function freshNodeId(kind: string, taken: ReadonlySet<string>): string {
  const base = idBaseForKind(kind);
  for (let i = 1; ; i++) {
    const id = `${base}-${i}`;
    if (!taken.has(id)) return id;
  }
}
