// A dataset from NumPy files: inputs [N, ...sample] from a .npy or one array of a .npz,
// and optional integer labels [N] from another .npy or another array of the same .npz.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { WhittleError } from '../../shared/errors.ts';
import type { Dataset, NamedInput } from './dataset.ts';
import { parseNpy, toLabels, type NpyArray } from './npy.ts';
import { listZip, readZipEntry } from './zip.ts';

export interface TensorsOptions {
  /** Absolute path of a .npy or .npz file. */
  path: string;
  /** Absolute path of a .npy holding labels (optional). */
  labelsPath?: string;
  /** Array name inside a .npz holding the inputs; default 'x', else the first array. */
  inputsKey?: string;
  /** Array name inside a .npz holding the labels; default 'y' when present. */
  labelsKey?: string;
  /** Inputs are multiplied by this (e.g. 1/255 for uint8 images). Default 1. */
  scale?: number;
  /** Further .npz arrays fed to the model inputs of the same names (models with several data inputs). */
  extraInputKeys?: string[];
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch {
    throw new WhittleError('data.not-found', `Cannot read the tensor file '${path}'.`, 'Check the path; relative paths are resolved against the pipeline file\'s folder.');
  }
}

/** Every array of a .npz by name (without the .npy suffix). */
export function readNpz(bytes: Uint8Array, fileName: string): Map<string, NpyArray> {
  const arrays = new Map<string, NpyArray>();
  for (const entry of listZip(bytes, fileName)) {
    if (!entry.name.endsWith('.npy')) continue;
    arrays.set(entry.name.slice(0, -4), parseNpy(readZipEntry(bytes, entry, fileName), `${fileName}:${entry.name}`));
  }
  return arrays;
}

export function loadTensors(opts: TensorsOptions): Dataset {
  const fileName = basename(opts.path);
  const bytes = readBytes(opts.path);
  let inputs: NpyArray;
  let labels: NpyArray | undefined;
  let labelsName = '';
  let extras: [string, NpyArray][] = [];
  if (extname(opts.path).toLowerCase() === '.npz') {
    const arrays = readNpz(bytes, fileName);
    const names = [...arrays.keys()];
    const key = opts.inputsKey || (arrays.has('x') ? 'x' : names[0]);
    if (key === undefined || !arrays.has(key)) {
      throw new WhittleError('data.npz-key', `'${fileName}' has no array named '${key ?? ''}' (it holds: ${names.join(', ') || 'nothing'}).`, 'Set the inputs key to one of the array names.');
    }
    inputs = arrays.get(key)!;
    const lkey = opts.labelsKey || (arrays.has('y') && key !== 'y' ? 'y' : undefined);
    if (lkey !== undefined) {
      if (!arrays.has(lkey)) throw new WhittleError('data.npz-key', `'${fileName}' has no array named '${lkey}' (it holds: ${names.join(', ')}).`, 'Set the labels key to one of the array names, or leave it empty.');
      labels = arrays.get(lkey);
      labelsName = `${fileName}:${lkey}`;
    }
    extras = (opts.extraInputKeys ?? []).map((k) => {
      if (!arrays.has(k)) throw new WhittleError('data.npz-key', `'${fileName}' has no array named '${k}' for an extra input (it holds: ${names.join(', ')}).`, 'List array names of the .npz, each named like the model input it feeds.');
      return [k, arrays.get(k)!];
    });
  } else if (opts.extraInputKeys?.length) {
    throw new WhittleError('data.extra-inputs-need-npz', `Extra inputs (${opts.extraInputKeys.join(', ')}) are arrays of an .npz, but '${fileName}' is a single .npy.`, 'Save every model input as a named array of one .npz file.');
  } else {
    inputs = parseNpy(bytes, fileName);
  }
  if (opts.labelsPath) {
    labelsName = basename(opts.labelsPath);
    labels = parseNpy(readBytes(opts.labelsPath), labelsName);
  }
  if (inputs.shape.length < 2) {
    throw new WhittleError('data.bad-tensors', `The inputs in '${fileName}' have shape (${inputs.shape.join(', ')}); a dataset needs [samples, ...sample shape].`, 'Stack the samples along the first axis.');
  }
  const size = inputs.shape[0];
  const data = inputs.data;
  const scale = opts.scale ?? 1;
  if (scale !== 1) for (let i = 0; i < data.length; i++) data[i] *= scale;
  const ds: Dataset = { name: fileName, size, sampleShape: inputs.shape.slice(1), inputs: data };
  if (extras.length) ds.extraInputs = extras.map(([name, a]) => extraInput(name, a, size, fileName));
  if (labels) {
    const count = labels.shape.reduce((a, b) => a * b, 1);
    if (count !== size) {
      throw new WhittleError('data.bad-labels', `'${labelsName}' holds ${count} labels for ${size} samples.`, 'Give exactly one label per sample.');
    }
    ds.labels = toLabels(labels, labelsName);
    ds.numClasses = ds.labels.reduce((a, b) => Math.max(a, b), -1) + 1;
  }
  return ds;
}

/** One more model input from an .npz array: one sample per row, like the inputs (not scaled). */
function extraInput(name: string, a: NpyArray, size: number, fileName: string): NamedInput {
  if (a.shape.length < 2 || a.shape[0] !== size) {
    throw new WhittleError('data.bad-tensors', `The extra input '${name}' in '${fileName}' has shape (${a.shape.join(', ')}); it needs ${size} samples along its first axis, like the inputs.`, 'Stack one row per sample for every input array.');
  }
  return { name, sampleShape: a.shape.slice(1), values: a.data };
}
