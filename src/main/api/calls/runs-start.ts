// runs.start through the guard: the document path, the output folder and the allowed paths
// a caller sends are checked like any other path, and so is every path inside the document
// (relative '..' paths included). Outputs default to whittle-out/<run> next to a saved
// document, or ~/Whittle/exports/<run> for an unsaved one or a bundled example.
import { dirname, join } from 'node:path';
import { validateDocument } from '../../../shared/pipeline/validate.ts';
import { assertDocumentFiles } from '../../access/document-files.ts';
import { defaultOutputRoot } from '../../access/outputs.ts';
import type { ApiContext } from '../context.ts';
import type { CallImpl } from '../types.ts';
import { callerBase, scopedPath } from './files.ts';

/** Where a run's relative export paths land: the caller's outDir, or a fresh run folder under the default root. */
function outputsOf(ctx: ApiContext, outDir: string | undefined, savedDir: string | null): { outDir?: string; outputRoot?: string; checkDir: string } {
  if (outDir) {
    const real = scopedPath(ctx, outDir, 'write-folder');
    return { outDir: real, checkDir: real };
  }
  const outputRoot = defaultOutputRoot(savedDir, (dir) => !ctx.access.canWrite(dir));
  // The run folder is new: checking a child of the root checks it.
  return { outputRoot, checkDir: join(outputRoot, 'run') };
}

export const runsStart: CallImpl<'runs.start'> = async (req, ctx) => {
  const documentPath = req.documentPath ? scopedPath(ctx, req.documentPath, 'read-file') : null;
  const documentDir = documentPath ? dirname(documentPath) : callerBase(ctx);
  const allowedPaths = (req.allowedPaths ?? []).map((p) => scopedPath(ctx, p, 'locate'));
  const outputs = outputsOf(ctx, req.outDir, documentPath ? documentDir : null);
  // Problems of the document itself come first (the runner reports them with their node);
  // the files of a valid document then go through the guard before anything starts.
  if (validateDocument(req.document, ctx.catalog, { documentDir, allowedPaths }).length === 0) {
    assertDocumentFiles(req.document, ctx.catalog, ctx.access, { documentDir, outputDir: outputs.checkDir });
  }
  const runId = await ctx.runner.start(req.document, {
    documentPath,
    ...(outputs.outDir ? { outDir: outputs.outDir } : {}),
    ...(outputs.outputRoot ? { outputRoot: outputs.outputRoot } : {}),
    ...(allowedPaths.length > 0 ? { allowedPaths } : {}),
    ...(req.poolSize ? { poolSize: req.poolSize } : {}),
    ...(req.threads ? { threads: req.threads } : {}),
    ...(req.queue ? { queue: req.queue } : {}),
  });
  return { runId };
};
