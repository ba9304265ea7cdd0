// catalog.list and pipeline.*: the catalog and the document functions of src/shared,
// with document-relative path checks against the document's folder and the file guard.
import { dirname, resolve } from 'node:path';
import { PipelineDocumentSchema } from '../../../shared/pipeline/document.ts';
import { parsePipelineText } from '../../../shared/pipeline/parse.ts';
import { documentFileProblems } from '../../access/document-files.ts';
import { serializeDocument } from '../../../shared/pipeline/serialize.ts';
import { validateDocument, validateUnknown } from '../../../shared/pipeline/validate.ts';
import type { CallImpl } from '../types.ts';
import type { ApiContext } from '../context.ts';

export function documentDirOf(documentPath: string | null | undefined, ctx: ApiContext): string | null {
  if (documentPath) return dirname(resolve(documentPath));
  return ctx.workspace;
}

export const catalogList: CallImpl<'catalog.list'> = async (_req, ctx) => ({ kinds: [...ctx.catalog] });

export const pipelineParse: CallImpl<'pipeline.parse'> = async (req, ctx) => {
  const parsed = parsePipelineText(req.text);
  if (!parsed.document) return parsed;
  const problems = validateDocument(parsed.document, ctx.catalog, { documentDir: documentDirOf(req.documentPath, ctx) });
  return { ...parsed, problems };
};

export const pipelineValidate: CallImpl<'pipeline.validate'> = async (req, ctx) => {
  const documentDir = documentDirOf(req.documentPath, ctx);
  const problems = validateUnknown(req.document, ctx.catalog, { documentDir, allowedPaths: req.allowedPaths });
  const parsed = PipelineDocumentSchema.safeParse(req.document);
  if (parsed.success) {
    // Missing and refused input files, each with its node (outputs are checked when a run starts).
    const files = documentFileProblems(parsed.data, ctx.catalog, ctx.access, { documentDir: documentDir ?? process.cwd(), inputsOnly: true })
      .filter((f) => !problems.some((q) => q.nodeId === f.nodeId && q.param === f.param));
    problems.push(...files);
  }
  return { ok: problems.length === 0, problems };
};

export const pipelineSerialize: CallImpl<'pipeline.serialize'> = async (req) => ({ text: serializeDocument(req.document) });
