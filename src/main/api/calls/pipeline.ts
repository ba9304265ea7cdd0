// catalog.list and pipeline.*: the catalog and the document functions of src/shared,
// with document-relative path checks against the document's folder. Pure: they touch no
// files (the browser host runs them in a worker thread); files are the guard's, at open and run.
import { dirname, resolve } from 'node:path';
import { parsePipelineText } from '../../../shared/pipeline/parse.ts';
import { serializeDocument } from '../../../shared/pipeline/serialize.ts';
import { validateDocument } from '../../../shared/pipeline/validate.ts';
import { validateUnknown } from '../../../shared/pipeline/validate-unknown.ts';
import { portableDocument } from '../../../shared/pipeline/transform.ts';
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
  const problems = validateUnknown(req.document, ctx.catalog, { documentDir: documentDirOf(req.documentPath, ctx), allowedPaths: req.allowedPaths });
  return { ok: problems.length === 0, problems };
};

export const pipelineSerialize: CallImpl<'pipeline.serialize'> = async (req, ctx) => {
  if (!req.documentPath) return { text: serializeDocument(req.document) };
  const toDir = req.toPath ? dirname(resolve(req.toPath)) : null;
  return { text: serializeDocument(portableDocument(req.document, ctx.catalog, dirname(resolve(req.documentPath)), toDir)) };
};
