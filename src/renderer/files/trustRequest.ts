// The one-time question when a document reads files outside its folder (absolute paths
// elsewhere), as VS Code asks about a workspace: allow them for this session, or cancel.
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import type { PipelineDocument } from '../../shared/pipeline/document.ts';
import { filesOutsideFolder, type OutsideFile } from '../../shared/pipeline/outside.ts';
import { dirnameOf } from '../../shared/pipeline/paths.ts';

export interface TrustRequest {
  files: OutsideFile[];
  document: PipelineDocument;
  path: string;
  dirty: boolean;
  example: boolean;
}

/** The request to show before loading `document` from `path`, or null when it reads nothing outside (or all of it is allowed). */
export function trustRequestFor(document: PipelineDocument, path: string | null, catalog: readonly NodeKindSpec[], allowedPaths: readonly string[], opts: { dirty?: boolean; example?: boolean } = {}): TrustRequest | null {
  if (!path) return null;
  const files = filesOutsideFolder(document, catalog, dirnameOf(path), allowedPaths);
  return files.length === 0 ? null : { files, document, path, dirty: opts.dirty ?? false, example: opts.example ?? false };
}
