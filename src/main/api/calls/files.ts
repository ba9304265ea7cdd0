// Reading and writing pipeline files: size cap before reading, scope checks for the
// browser host (only inside its workspace), atomic saves with paths made relative.
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { WhittleError } from '../../../shared/errors.ts';
import { MAX_PIPELINE_BYTES, type PipelineDocument } from '../../../shared/pipeline/document.ts';
import { parsePipelineText, tooLargeMessage, type ParseResult } from '../../../shared/pipeline/parse.ts';
import { serializeDocument } from '../../../shared/pipeline/serialize.ts';
import { rebaseDocumentPaths } from '../../../shared/pipeline/transform.ts';
import { validateDocument } from '../../../shared/pipeline/validate.ts';
import { writeFileAtomic } from '../../store/atomic.ts';
import type { ApiContext } from '../context.ts';
import type { CallImpl } from '../types.ts';

function inside(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** An absolute path the door may touch: relative paths resolve against the workspace. */
export function scopedPath(ctx: ApiContext, p: string): string {
  const absolute = resolve(ctx.workspace ?? process.cwd(), p);
  if (ctx.fileScope && !ctx.fileScope.some((dir) => inside(resolve(dir), absolute))) {
    throw new WhittleError('files.outside-workspace', `${absolute} is outside the folders this window may open.`, `Choose a file inside ${ctx.fileScope.join(' or ')}.`);
  }
  return absolute;
}

/** Read and parse a pipeline file; problems (syntax, format, validation) are data. */
export async function readPipelineFile(path: string, ctx: ApiContext): Promise<ParseResult> {
  let sizeBytes: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new WhittleError('documents.is-folder', `${path} is a folder, not a pipeline file.`, 'Choose a .json pipeline file.');
    sizeBytes = info.size;
  } catch (err) {
    if (err instanceof WhittleError) throw err;
    throw new WhittleError('documents.not-found', `The pipeline file ${path} does not exist.`, 'Check the path.');
  }
  if (sizeBytes > MAX_PIPELINE_BYTES) {
    const { message, hint } = tooLargeMessage(sizeBytes);
    throw new WhittleError('pipeline.too-large', message, hint);
  }
  const parsed = parsePipelineText(await readFile(path, 'utf8'));
  if (!parsed.document) return parsed;
  return { ...parsed, problems: validateDocument(parsed.document, ctx.catalog, { documentDir: dirname(path) }) };
}

export const documentsOpen: CallImpl<'documents.open'> = async (req, ctx) => {
  let path = req.path;
  if (!path) {
    if (!ctx.dialogs) throw new WhittleError('documents.path-required', 'Give the path of the pipeline file to open.', 'Use the file browser (files.list), or import the JSON text.');
    const chosen = await ctx.dialogs.openPipeline();
    if (!chosen) return { canceled: true };
    path = chosen;
  }
  const absolute = scopedPath(ctx, path);
  const parsed = await readPipelineFile(absolute, ctx);
  return { canceled: false, path: absolute, ...parsed };
};

async function writeDocument(ctx: ApiContext, path: string, document: PipelineDocument, fromPath: string | null | undefined): Promise<{ path: string; sizeBytes: number; text: string }> {
  const absolute = scopedPath(ctx, path);
  if (extname(absolute).toLowerCase() !== '.json') {
    throw new WhittleError('documents.bad-extension', `Pipeline files end in .json (got ${absolute}).`, 'Add .json to the name.');
  }
  if (inside(resolve(ctx.resourcesDir, 'examples'), absolute)) {
    throw new WhittleError('documents.example-read-only', 'The bundled examples are read-only.', 'Use Save As to keep your changes in a file of your own.');
  }
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
    path = chosen;
  }
  return { canceled: false, ...(await writeDocument(ctx, path, req.document, req.fromPath)) };
};

export const filesList: CallImpl<'files.list'> = async (req, ctx) => {
  const root = resolve(ctx.workspace ?? process.cwd());
  const dir = scopedPath(ctx, req.dir ?? root);
  let names;
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new WhittleError('files.not-found', `The folder ${dir} does not exist.`, 'Go back to the workspace folder.');
  }
  const wanted = req.extensions?.map((e) => `.${e.replace(/^\./, '').toLowerCase()}`);
  const entries = [];
  for (const d of names) {
    if (d.name.startsWith('.')) continue;
    const path = join(dir, d.name);
    if (d.isDirectory()) {
      entries.push({ name: d.name, path, kind: 'dir' as const, sizeBytes: 0 });
    } else if (d.isFile() && (!wanted || wanted.includes(extname(d.name).toLowerCase()))) {
      entries.push({ name: d.name, path, kind: 'file' as const, sizeBytes: (await stat(path)).size });
    }
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const parentDir = dirname(dir);
  const parentAllowed = dir !== root && (!ctx.fileScope || ctx.fileScope.some((s) => inside(resolve(s), parentDir)));
  return { root, dir, parent: parentAllowed ? parentDir : null, entries };
};

export const filesPick: CallImpl<'files.pick'> = async (req, ctx) => {
  if (!ctx.dialogs) throw new WhittleError('files.no-dialog', 'This window has no native file dialog.', 'Type the path relative to the pipeline file, or pick it from the file browser.');
  const path = await ctx.dialogs.pick(req.mode, req.extensions, req.defaultPath);
  if (!path) return { canceled: true };
  const docDir = req.documentPath ? dirname(resolve(req.documentPath)) : null;
  const value = docDir ? relative(docDir, path).split('\\').join('/') || '.' : path;
  return { canceled: false, path, value };
};
