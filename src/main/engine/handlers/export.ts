// `export`: write the incoming model to the path the user chose (relative to the
// pipeline file, or to --out), atomically: a temp file beside it, then a rename.
import { createHash, randomBytes } from 'node:crypto';
import { access, copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { NodeHandler } from '../handler.ts';
import { WhittleError } from '../../../shared/errors.ts';

/** What the errno of a failed write means to the user (mkdir of a path through a file gives EEXIST). */
const WRITE_ERRORS: Record<string, string> = {
  EEXIST: 'a file is in the way of its folder',
  ENOTDIR: 'a file is in the way of its folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'the disk is full',
};

export const exportModel: NodeHandler = async (ctx) => {
  const model = ctx.inputs.model;
  if (!model || model.type !== 'model') throw new WhittleError('export.no-model', 'The Export node has no model to write.', 'Connect a model output to its "Model" input.', ctx.nodeId);
  const rel = String(ctx.params.path ?? '');
  if (!rel) throw new WhittleError('export.no-path', 'No output file is chosen.', 'Set the node\'s "Output file".', ctx.nodeId);
  const target = resolve(ctx.outputDir ?? ctx.documentDir, rel);
  if (ctx.params.overwrite === false) {
    const exists = await access(target).then(() => true, () => false);
    if (exists) throw new WhittleError('export.exists', `${target} already exists.`, 'Turn on "Overwrite", or choose another output file.', ctx.nodeId);
  }
  const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await copyFile(model.path, temp);
    ctx.signal.throwIfAborted();
    await rename(temp, target);
  } catch (err) {
    // The temp file may not exist, or its folder may be a file (ENOTDIR): the write's error is the one to report.
    await rm(temp, { force: true }).catch(() => undefined);
    if (err instanceof WhittleError || ctx.signal.aborted) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code && WRITE_ERRORS[code] ? `${WRITE_ERRORS[code]}, ${code}` : code ?? String(err);
    throw new WhittleError('export.write-failed', `Could not write ${target} (${why}).`, 'Check that the folder is writable and the disk has space, or choose another output file (or --out folder).', ctx.nodeId);
  }
  const written = await readFile(target);
  const sha256 = createHash('sha256').update(written).digest('hex');
  if (sha256 !== model.sha256) throw new WhittleError('export.verify-failed', `The written file ${target} differs from the model (checksum mismatch).`, 'Check the disk and try again.', ctx.nodeId);
  ctx.progress(1, 1, 'Written');
  return { outputs: {}, metrics: { exportedPath: target, sizeBytes: written.length, sha256 } };
};
