// Reading and writing pipeline files and listing folders: every path through the guard
// (src/main/access), size cap before reading, atomic saves with paths made relative.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isWhittleError, WhittleError } from '../../../shared/errors.ts';
import { MAX_PIPELINE_BYTES, type PipelineDocument } from '../../../shared/pipeline/document.ts';
import { parsePipelineText, tooLargeMessage, type ParseResult } from '../../../shared/pipeline/parse.ts';
import { serializeDocument } from '../../../shared/pipeline/serialize.ts';
import { rebaseDocumentPaths } from '../../../shared/pipeline/transform.ts';
import { validateDocument } from '../../../shared/pipeline/validate.ts';
import { writeFileAtomic } from '../../store/atomic.ts';
import { documentFileProblems } from '../../access/document-files.ts';
import type { AccessIntent } from '../../access/guard.ts';
import type { ApiContext } from '../context.ts';
import type { CallImpl } from '../types.ts';

function inside(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The base of relative paths a caller gives: the workspace, or the current folder. */
export function callerBase(ctx: ApiContext): string {
  return resolve(ctx.workspace ?? process.cwd());
}

/** The real absolute path of `p` when this door may do `intent` with it (the guard, src/main/access). */
export function scopedPath(ctx: ApiContext, p: string, intent: AccessIntent = 'read', base = callerBase(ctx)): string {
  return ctx.access.check(p, intent, base);
}

/** Read and parse a pipeline file (already through the guard); problems (syntax, format, validation, files) are data. */
export async function readPipelineFile(path: string, ctx: ApiContext): Promise<ParseResult> {
  const sizeBytes = (await stat(path)).size;
  if (sizeBytes > MAX_PIPELINE_BYTES) {
    const { message, hint } = tooLargeMessage(sizeBytes);
    throw new WhittleError('pipeline.too-large', message, hint);
  }
  const parsed = parsePipelineText(await readFile(path, 'utf8'));
  if (!parsed.document) return parsed;
  const documentDir = dirname(path);
  const problems = validateDocument(parsed.document, ctx.catalog, { documentDir });
  // Output paths are checked where a run would write them, not here: the output folder is a run's.
  const files = documentFileProblems(parsed.document, ctx.catalog, ctx.access, { documentDir, inputsOnly: true });
  return { ...parsed, problems: [...problems, ...files.filter((f) => !problems.some((q) => q.nodeId === f.nodeId && q.param === f.param))] };
}

/** The guard's refusal for a pipeline file, in the documents.* words. */
function openablePipeline(ctx: ApiContext, path: string): string {
  try {
    return scopedPath(ctx, path, 'read-file');
  } catch (err) {
    if (isWhittleError(err, 'files.not-found')) throw new WhittleError('documents.not-found', `The pipeline file ${path} does not exist.`, 'Check the path.');
    if (isWhittleError(err, 'files.is-folder')) throw new WhittleError('documents.is-folder', `${path} is a folder, not a pipeline file.`, 'Choose a .json pipeline file.');
    throw err;
  }
}

export const documentsOpen: CallImpl<'documents.open'> = async (req, ctx) => {
  let path = req.path;
  if (!path) {
    if (!ctx.dialogs) throw new WhittleError('documents.path-required', 'Give the path of the pipeline file to open.', 'Use the file browser (files.list), or import the JSON text.');
    const chosen = await ctx.dialogs.openPipeline();
    if (!chosen) return { canceled: true };
    // A file picked in a native dialog opens its folder for this session.
    ctx.access.addRoot(dirname(chosen), true);
    path = chosen;
  }
  const absolute = openablePipeline(ctx, path);
  const parsed = await readPipelineFile(absolute, ctx);
  return { canceled: false, path: absolute, ...parsed };
};

async function writeDocument(ctx: ApiContext, path: string, document: PipelineDocument, fromPath: string | null | undefined): Promise<{ path: string; sizeBytes: number; text: string }> {
  if (extname(path).toLowerCase() !== '.json') {
    throw new WhittleError('documents.bad-extension', `Pipeline files end in .json (got ${path}).`, 'Add .json to the name.');
  }
  if (inside(resolve(ctx.resourcesDir, 'examples'), resolve(callerBase(ctx), path))) {
    throw new WhittleError('documents.example-read-only', 'The bundled examples are read-only.', 'Use Save As to keep your changes in a file of your own.');
  }
  // Save As writes exactly the path given: absolute as it is, relative from the caller's folder.
  const absolute = scopedPath(ctx, path, 'write-file');
  const fromDir = fromPath ? dirname(resolve(fromPath)) : null;
  const rebased = rebaseDocumentPaths(document, ctx.catalog, fromDir, dirname(absolute));
  const text = serializeDocument(rebased);
  try {
    await writeFileAtomic(absolute, text);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WhittleError('documents.write-failed', `Could not save ${absolute} (${code ?? String(err)}).`, 'Check that the folder exists and is writable; your document is still open.');
  }
  return { path: absolute, sizeBytes: Buffer.byteLength(text), text };
}

export const documentsSave: CallImpl<'documents.save'> = async (req, ctx) => writeDocument(ctx, req.path, req.document, req.fromPath ?? req.path);

export const documentsSaveAs: CallImpl<'documents.saveAs'> = async (req, ctx) => {
  let path = req.path;
  if (!path) {
    if (!ctx.dialogs) throw new WhittleError('documents.path-required', 'Give the path to save the pipeline to.', 'Type a file name in the save box, or export the JSON instead.');
    const suggested = `${req.document.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'pipeline'}.json`;
    const chosen = await ctx.dialogs.savePipeline(req.fromPath ? join(dirname(req.fromPath), suggested) : suggested);
    if (!chosen) return { canceled: true };
    ctx.access.addRoot(dirname(chosen), true);
    path = chosen;
  }
  return { canceled: false, ...(await writeDocument(ctx, path, req.document, req.fromPath)) };
};

export const filesList: CallImpl<'files.list'> = async (req, ctx) => {
  const dir = scopedPath(ctx, req.dir ?? callerBase(ctx), 'read-folder');
  const root = ctx.access.rootOf(dir)?.path ?? dir;
  let names;
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new WhittleError('files.unreadable', `The folder ${req.dir ?? dir} cannot be listed (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, 'Go back to the workspace folder.');
  }
  const wanted = req.extensions?.map((e) => `.${e.replace(/^\./, '').toLowerCase()}`);
  const entries = [];
  for (const d of names) {
    if (d.name.startsWith('.')) continue;
    const path = join(dir, d.name);
    // Links are shown only when they lead somewhere inside the roots (and to a file or folder).
    const info = d.isSymbolicLink() ? await linkTarget(ctx, path) : d;
    if (!info) continue;
    if (info.isDirectory()) {
      entries.push({ name: d.name, path, kind: 'dir' as const, sizeBytes: 0 });
    } else if (info.isFile() && (!wanted || wanted.includes(extname(d.name).toLowerCase()))) {
      entries.push({ name: d.name, path, kind: 'file' as const, sizeBytes: (await stat(path)).size });
    }
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const parentDir = dirname(dir);
  const parentAllowed = parentDir !== dir && ctx.access.rootOf(parentDir) !== null;
  return { root, dir, parent: parentAllowed ? parentDir : null, entries, roots: ctx.access.roots.map((r) => r.path) };
};

async function linkTarget(ctx: ApiContext, path: string): Promise<{ isDirectory(): boolean; isFile(): boolean } | null> {
  try {
    const real = await realpath(path);
    return ctx.access.rootOf(real) ? await stat(real) : null;
  } catch {
    return null;
  }
}

export const filesPick: CallImpl<'files.pick'> = async (req, ctx) => {
  if (!ctx.dialogs) throw new WhittleError('files.no-dialog', 'This window has no native file dialog.', 'Type the path relative to the pipeline file, or pick it from the file browser.');
  const path = await ctx.dialogs.pick(req.mode, req.extensions, req.defaultPath);
  if (!path) return { canceled: true };
  // What the user picks in a native dialog is theirs to use this session.
  ctx.access.addRoot(req.mode === 'open-folder' ? path : dirname(path), req.mode !== 'open-file');
  if (req.mode === 'open-file') ctx.access.addRoot(path, false);
  const docDir = req.documentPath ? dirname(resolve(req.documentPath)) : null;
  const value = docDir ? relative(docDir, path).split('\\').join('/') || '.' : path;
  return { canceled: false, path, value };
};
