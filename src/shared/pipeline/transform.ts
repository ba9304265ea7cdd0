// Whole-document transforms that read the catalog: fill in default params, and rebase
// path params when a document moves (save-as) so they stay relative to its folder.
import type { NodeKindSpec, PathParam } from '../catalog/types.ts';
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
 * The document with each non-empty path param of a known node passed through `rewrite`
 * (which returns the new value, or null to keep it); nodes and documents that do not
 * change keep their identity.
 */
function mapPathParams(doc: PipelineDocument, catalog: readonly NodeKindSpec[], rewrite: (value: string, spec: PathParam) => string | null): PipelineDocument {
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
        const next = rewrite(value, p);
        if (next !== null && next !== value) params = { ...params, [name]: next };
      }
      return params === n.params ? n : { ...n, params };
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
  return mapPathParams(doc, catalog, (value) => {
    const absolute = isAbsolutePath(value) ? value : fromDir ? resolvePath(fromDir, value) : null;
    return absolute ? (relativePath(toDir, absolute) ?? absolute) : null;
  });
}

/**
 * A document made to work away from its folder (an exported copy): relative path params
 * read against `fromDir` are rewritten relative to `toDir` (the copy's folder), or made
 * absolute when the copy's folder is unknown (a download).
 */
export function portableDocument(doc: PipelineDocument, catalog: readonly NodeKindSpec[], fromDir: string, toDir: string | null): PipelineDocument {
  if (toDir) return rebaseDocumentPaths(doc, catalog, fromDir, toDir);
  // Outputs stay relative: they land in the run's output folder wherever the copy runs.
  return mapPathParams(doc, catalog, (value, p) => (p.mode === 'save-file' || isAbsolutePath(value) ? null : resolvePath(fromDir, value)));
}
