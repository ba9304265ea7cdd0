// Whole-document transforms that read the catalog: fill in default params, and rebase
// path params when a document moves (save-as) so they stay relative to its folder.
import type { NodeKindSpec } from '../catalog/types.ts';
import type { PipelineDocument } from './document.ts';
import { paramsWithDefaults } from './params.ts';
import { isAbsolutePath, relativePath, resolvePath } from './paths.ts';

/** The document with every param of every known node present (unknown kinds untouched). */
export function applyDefaults(doc: PipelineDocument, catalog: readonly NodeKindSpec[]): PipelineDocument {
  const kinds = new Map(catalog.map((k) => [k.kind, k]));
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const spec = kinds.get(n.kind);
      return spec ? { ...n, params: { ...n.params, ...paramsWithDefaults(spec, n.params) } } : n;
    }),
  };
}

/**
 * Path params re-expressed relative to `toDir`. Relative values are read against
 * `fromDir` (the document's old folder; null for a document never saved, whose relative
 * paths are kept as they are). Absolute values become relative when they share a root
 * (drive) with `toDir`.
 */
export function rebaseDocumentPaths(doc: PipelineDocument, catalog: readonly NodeKindSpec[], fromDir: string | null, toDir: string): PipelineDocument {
  const kinds = new Map(catalog.map((k) => [k.kind, k]));
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const spec = kinds.get(n.kind);
      if (!spec) return n;
      let params = n.params;
      for (const [name, p] of Object.entries(spec.params)) {
        const value = n.params[name];
        if (p.type !== 'path' || typeof value !== 'string' || value === '') continue;
        let absolute: string | null = null;
        if (isAbsolutePath(value)) absolute = value;
        else if (fromDir) absolute = resolvePath(fromDir, value);
        if (!absolute) continue;
        const rel = relativePath(toDir, absolute);
        const next = rel ?? absolute;
        if (next !== value) params = { ...params, [name]: next };
      }
      return params === n.params ? n : { ...n, params };
    }),
  };
}

/**
 * A document made to work away from its folder (an exported copy): relative path params
 * read against `fromDir` are rewritten relative to `toDir` (the copy's folder), or made
 * absolute when the copy's folder is unknown (a download).
 */
export function portableDocument(doc: PipelineDocument, catalog: readonly NodeKindSpec[], fromDir: string, toDir: string | null): PipelineDocument {
  if (toDir) return rebaseDocumentPaths(doc, catalog, fromDir, toDir);
  const kinds = new Map(catalog.map((k) => [k.kind, k]));
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const spec = kinds.get(n.kind);
      if (!spec) return n;
      let params = n.params;
      for (const [name, p] of Object.entries(spec.params)) {
        const value = n.params[name];
        // Outputs stay relative: they land in the run's output folder wherever the copy runs.
        if (p.type !== 'path' || p.mode === 'save-file' || typeof value !== 'string' || value === '' || isAbsolutePath(value)) continue;
        params = { ...params, [name]: resolvePath(fromDir, value) };
      }
      return params === n.params ? n : { ...n, params };
    }),
  };
}
