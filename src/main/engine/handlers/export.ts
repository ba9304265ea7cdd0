// `export`: write the incoming model to the path the user chose (relative to the
// pipeline file, or to --out), atomically: a temp file beside it, then a rename.
import { createHash, randomBytes } from 'node:crypto';
import { access, copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { NodeHandler } from '../handler.ts';
import { WhittleError } from '../../../shared/errors.ts';

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
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await copyFile(model.path, temp);
    ctx.signal.throwIfAborted();
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    if (err instanceof WhittleError || ctx.signal.aborted) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new WhittleError('export.write-failed', `Could not write ${target} (${code ?? String(err)}).`, 'Check that the folder is writable and the disk has space.', ctx.nodeId);
  }
  const written = await readFile(target);
  const sha256 = createHash('sha256').update(written).digest('hex');
  if (sha256 !== model.sha256) throw new WhittleError('export.verify-failed', `The written file ${target} differs from the model (checksum mismatch).`, 'Check the disk and try again.', ctx.nodeId);
  ctx.progress(1, 1, 'Written');
  return { outputs: {}, metrics: { exportedPath: target, sizeBytes: written.length, sha256 } };
};
