// The pipeline format's constants and the empty document, apart from the schema
// (document.ts): the editor's first bundle starts an empty document without loading zod
// (bench:editor).
import type { PipelineDocument } from './document.ts';

export const PIPELINE_FORMAT = 'whittle.pipeline';
/** The version this Whittle writes; older documents migrate forward (migrate.ts). */
export const PIPELINE_VERSION = 2;
/** Pipeline files larger than this are refused before parsing. */
export const MAX_PIPELINE_BYTES = 10 * 1024 * 1024;

export function emptyDocument(name = 'Untitled pipeline'): PipelineDocument {
  return { format: PIPELINE_FORMAT, version: PIPELINE_VERSION, name, nodes: [], edges: [] };
}
