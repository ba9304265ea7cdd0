// models.view: an .onnx file opened for viewing only, without a pipeline (menu, toolbar,
// drag-and-drop, `whittle view`). The path goes through the file guard like any other
// (DESIGN.md §8); a native dialog's pick joins the roots for this session.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { isWhittleError, WhittleError } from '../../../shared/errors.ts';
import { loadModelFile } from '../../onnx/file.ts';
import type { CallImpl } from '../types.ts';
import type { ApiContext } from '../context.ts';
import { scopedPath } from './files.ts';
import { inspectModelFile, modelGraph } from './models.ts';

/** The real path of an .onnx file this door may read, or a WhittleError saying why not. */
export function viewableModelPath(ctx: ApiContext, path: string): string {
  if (extname(path).toLowerCase() !== '.onnx') {
    throw new WhittleError('models.not-onnx', `${path} is not an .onnx file.`, 'Choose an ONNX model (a file ending in .onnx).');
  }
  try {
    return scopedPath(ctx, path, 'read-file');
  } catch (err) {
    if (isWhittleError(err, 'files.not-found')) throw new WhittleError('models.not-found', `The model ${path} does not exist.`, 'Check the path, or choose the file again.');
    throw err;
  }
}

export const modelsView: CallImpl<'models.view'> = async (req, ctx) => {
  let path = req.path;
  if (!path) {
    if (!ctx.dialogs) throw new WhittleError('models.path-required', 'Give the path of the .onnx file to view.', 'Pick it in the file browser, or drop it on the window.');
    const chosen = await ctx.dialogs.pick('open-file', ['onnx']);
    if (!chosen) return { canceled: true };
    ctx.access.addRoot(dirname(chosen), false);
    path = chosen;
  }
  const real = viewableModelPath(ctx, path);
  const bytes = readFileSync(real);
  const label = basename(real);
  const model = loadModelFile(real);
  const value = { type: 'model' as const, path: real, label, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  return { canceled: false, path: real, graph: modelGraph(model, label), inspection: inspectModelFile(value) };
};
