// files.upload: a model dropped on the browser window (or chosen with Upload) arrives in
// chunks over the socket and lands in Whittle/models inside the workspace, under a name
// that never replaces an existing file. Only the browser host with a workspace has it.
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { WhittleError } from '../../../shared/errors.ts';
import { uploadsDir } from '../../access/outputs.ts';
import type { CallImpl } from '../types.ts';
import { scopedPath } from './files.ts';

/** Files a pipeline can use: models, pipelines, tensors. */
const UPLOAD_EXTENSIONS = ['.onnx', '.json', '.npy', '.npz', '.data'];
const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'));
  if (base !== name || base.startsWith('.') || base.includes('\0') || !/^[\w .()+-]+$/.test(base)) {
    throw new WhittleError('files.bad-name', `"${name.slice(0, 80)}" is not a plain file name.`, 'Rename the file to letters, digits, spaces, dots and dashes, then drop it again.');
  }
  if (!UPLOAD_EXTENSIONS.includes(extname(base).toLowerCase())) {
    throw new WhittleError('files.bad-type', `${base} is not a file Whittle uses.`, `Drop a ${UPLOAD_EXTENSIONS.join(', ')} file.`);
  }
  return base;
}

/** `name`, or `name-1.ext`, `name-2.ext`... the first that does not exist yet. */
function freeName(dir: string, name: string): string {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; ; i++) {
    const candidate = join(dir, i === 0 ? name : `${stem}-${i}${ext}`);
    if (!existsSync(candidate)) return candidate;
  }
}

export const filesUpload: CallImpl<'files.upload'> = async (req, ctx) => {
  if (ctx.door !== 'browser' || !ctx.workspace) {
    throw new WhittleError('files.no-upload', 'Uploads exist only in the browser host.', 'Pick the file where it is with the file dialog.');
  }
  const name = safeName(req.name);
  if (req.totalBytes > MAX_UPLOAD_BYTES) throw new WhittleError('files.too-large', `${name} is larger than ${MAX_UPLOAD_BYTES / 1024 ** 3} GB.`, 'Copy it into the workspace folder instead, then pick it there.');
  const dir = uploadsDir(ctx.workspace);
  await mkdir(dir, { recursive: true });
  const partial = scopedPath(ctx, join(dir, `.${req.uploadId}.upload`), 'write-file');
  const chunk = Buffer.from(req.dataBase64, 'base64');
  const had = req.offsetBytes === 0 ? 0 : (await stat(partial).catch(() => null))?.size ?? -1;
  if (had !== req.offsetBytes) throw new WhittleError('files.upload-gap', `The upload of ${name} lost a piece (at byte ${req.offsetBytes}).`, 'Drop the file again.');
  if (req.offsetBytes + chunk.length > req.totalBytes) throw new WhittleError('files.upload-gap', `The upload of ${name} is longer than announced.`, 'Drop the file again.');
  const handle = await open(partial, req.offsetBytes === 0 ? 'w' : 'r+');
  try {
    await handle.write(chunk, 0, chunk.length, req.offsetBytes);
  } finally {
    await handle.close();
  }
  const receivedBytes = req.offsetBytes + chunk.length;
  if (receivedBytes < req.totalBytes) return { path: partial, receivedBytes, done: false };
  const target = scopedPath(ctx, freeName(dir, name), 'write-file');
  try {
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { force: true });
    throw new WhittleError('files.write-failed', `Could not keep ${name} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check that the workspace is writable.');
  }
  return { path: target, receivedBytes, done: true };
};
