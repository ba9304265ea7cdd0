// The files a document reads outside its own folder (absolute paths elsewhere): what the
// editor's one-time "allow for this session" prompt lists and what the CLI names with the
// --allow-path flags to add (DESIGN.md §8).
import type { NodeKindSpec } from '../catalog/types.ts';
import type { PipelineDocument } from './document.ts';
import { isAbsolutePath, isInside } from './paths.ts';

export interface OutsideFile {
  nodeId: string;
  param: string;
  path: string;
}

/** Absolute path params (any mode) not inside `documentDir` and not covered by `allowedPaths` (files or folders). */
export function filesOutsideFolder(doc: PipelineDocument, catalog: readonly NodeKindSpec[], documentDir: string | null, allowedPaths: readonly string[] = []): OutsideFile[] {
  const kinds = new Map(catalog.map((k) => [k.kind, k]));
  const out: OutsideFile[] = [];
  for (const node of doc.nodes) {
    const spec = kinds.get(node.kind);
    for (const [param, p] of Object.entries(spec?.params ?? {})) {
      const value = node.params[param];
      if (p.type !== 'path' || typeof value !== 'string' || !isAbsolutePath(value)) continue;
      if (documentDir && isInside(documentDir, value)) continue;
      if (allowedPaths.some((a) => isInside(a, value))) continue;
      out.push({ nodeId: node.id, param, path: value });
    }
  }
  return out;
}
