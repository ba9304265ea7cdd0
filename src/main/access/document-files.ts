// A pipeline's own file paths through the guard: every path param resolved against the
// document's folder (exports against the output folder), checked like any other path a
// caller gives. Missing input files are problems with their node, so `whittle validate`
// and the editor say so before a run does.
import type { NodeKindSpec, PathParam } from '../../shared/catalog/types.ts';
import { isWhittleError, WhittleError } from '../../shared/errors.ts';
import type { PipelineDocument, Problem } from '../../shared/pipeline/document.ts';
import type { AccessIntent, FileAccess } from './guard.ts';

export interface DocumentFileOptions {
  /** Folder relative input paths resolve against. */
  documentDir: string;
  /** Folder relative export paths resolve against (default: documentDir). */
  outputDir?: string;
  /** Check only the files the document reads (opening and validating: a run decides where it writes). */
  inputsOnly?: boolean;
}

function intentOf(p: PathParam): AccessIntent {
  if (p.mode === 'save-file') return 'write-file';
  return p.mode === 'open-folder' ? 'read-folder' : 'read-file';
}

/** Every path param of the document that the guard refuses, or whose input file is missing. */
export function documentFileProblems(doc: PipelineDocument, catalog: readonly NodeKindSpec[], access: FileAccess, options: DocumentFileOptions): Problem[] {
  const kinds = new Map(catalog.map((k) => [k.kind, k]));
  const problems: Problem[] = [];
  for (const node of doc.nodes) {
    const spec = kinds.get(node.kind);
    for (const [param, p] of Object.entries(spec?.params ?? {})) {
      const value = node.params[param];
      if (p.type !== 'path' || typeof value !== 'string' || value === '') continue;
      const intent = intentOf(p);
      if (options.inputsOnly && intent === 'write-file') continue;
      const base = intent === 'write-file' ? options.outputDir ?? options.documentDir : options.documentDir;
      try {
        access.check(value, intent, base);
      } catch (err) {
        if (!isWhittleError(err)) throw err;
        const missing = err.code === 'files.not-found';
        problems.push({
          code: missing ? 'pipeline.file-missing' : 'pipeline.file-refused',
          message: missing ? `Node "${node.id}": ${p.label} ${value} does not exist.` : `Node "${node.id}": ${p.label}: ${err.message}`,
          hint: missing ? 'Check the path (relative paths start at the pipeline file\'s folder), or choose the file again.' : err.hint ?? '',
          nodeId: node.id, param,
        });
      }
    }
  }
  return problems;
}

/** The first problem as a WhittleError (for calls that must refuse, like runs.start). */
export function assertDocumentFiles(doc: PipelineDocument, catalog: readonly NodeKindSpec[], access: FileAccess, options: DocumentFileOptions): void {
  const problems = documentFileProblems(doc, catalog, access, options);
  if (problems.length === 0) return;
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw new WhittleError(first.code, `${first.message}${more}`, first.hint, first.nodeId);
}
