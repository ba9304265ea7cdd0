// Load and save .onnx files: decode with every structural check a hostile file needs
// (clear WhittleErrors, never a crash), resolve and write external data, atomic writes.
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DataType } from './proto.ts';
import { WhittleError } from '../../shared/errors.ts';
import { decodeModel, encodeModel, type Model } from './model.ts';
import { forEachTensor, isExternal, loadExternalData, planExternalData } from './external.ts';
import { byteSizeOf, dataTypeName, elementCount } from './tensor.ts';

/** Protobuf cannot encode a message of 2 GiB or more; bigger models need external data. */
const PROTOBUF_LIMIT_BYTES = 2 ** 31 - 1;

export interface LoadedModelFile {
  model: Model;
  path: string;
  /** Size of the .onnx file itself. */
  sizeBytes: number;
  /** The file's bytes (the model's inline tensors are views into them). */
  bytes: Uint8Array;
  /** External data files read, and their total size. */
  externalFiles: string[];
  externalBytes: number;
}

/** Read a model and its external data; every malformed input becomes a WhittleError. */
export function loadModelFile(path: string): Model {
  return loadModelFileWithInfo(path).model;
}

export function loadModelFileWithInfo(path: string): LoadedModelFile {
  const absolute = resolve(path);
  let bytes: Buffer;
  try {
    const stat = statSync(absolute);
    if (stat.isDirectory()) {
      throw new WhittleError('onnx.not-a-file', `'${path}' is a folder, not an .onnx file.`, 'Choose the .onnx file inside it.');
    }
    // A device or pipe (e.g. /dev/zero) would never end: only regular files are read.
    if (!stat.isFile()) {
      throw new WhittleError('onnx.not-a-file', `'${path}' is not a regular file.`, 'Choose an .onnx model file.');
    }
    bytes = readFileSync(absolute);
  } catch (err) {
    if (err instanceof WhittleError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new WhittleError('onnx.unreadable', code === 'ENOENT' ? `The model file '${path}' does not exist.` : `The model file '${path}' cannot be read (${code ?? String(err)}).`, 'Check the path and that the file is readable.');
  }
  const externalFiles: string[] = [];
  const model = loadModelBytes(bytes, dirname(absolute), `the model file '${basename(path)}'`, externalFiles);
  const externalBytes = externalFiles.reduce((sum, f) => sum + statSync(f).size, 0);
  return { model, path: absolute, sizeBytes: bytes.length, bytes, externalFiles, externalBytes };
}

/**
 * Decode bytes, check every tensor's declared size against its data, and resolve external
 * data against `modelDir` (without a folder, an external tensor is an error).
 */
export function loadModelBytes(bytes: Uint8Array, modelDir?: string, what = 'the model', externalFiles: string[] = []): Model {
  const model = decodeModel(bytes, what);
  checkTensors(model);
  let hasExternal = false;
  forEachTensor(model, (t) => { hasExternal ||= isExternal(t); });
  if (hasExternal) {
    if (!modelDir) {
      throw new WhittleError('onnx.external-unresolved', 'The model keeps tensor data in external files, but was given as bytes without its folder.', 'Load the model from its file so Whittle can read the data next to it.');
    }
    externalFiles.push(...loadExternalData(model, modelDir));
    checkTensors(model);
  }
  return model;
}

/** Dims within 2^31 elements and data at least as long as the dims say, for every tensor. */
export function checkTensors(model: Model): void {
  forEachTensor(model, (t) => {
    const name = t.name ? `tensor '${t.name}'` : 'a tensor';
    const dims = (t.dims ?? []).map(Number);
    const count = elementCount(dims, name);
    if (isExternal(t)) return;
    const dt = t.dataType ?? 0;
    const raw = t.rawData;
    if (raw && raw.length > 0) {
      let need: number;
      try {
        need = byteSizeOf(dt, count);
      } catch {
        return; // a type we do not interpret: leave it to the runtime
      }
      if (raw.length < need) {
        throw new WhittleError('onnx.short-raw-data', `The ${name} declares dims [${dims.join(', ')}] (${need} bytes of ${dataTypeName(dt)}) but holds only ${raw.length} bytes.`, 'The file is truncated or corrupt; re-export the model.');
      }
      return;
    }
    const typed = typedFieldCount(t, dt);
    if (typed !== undefined && typed > 0 && typed < count && dt !== DataType.INT4 && dt !== DataType.UINT4) {
      throw new WhittleError('onnx.short-raw-data', `The ${name} declares ${count} elements but holds ${typed}.`, 'The file is truncated or corrupt; re-export the model.');
    }
  });
}

function typedFieldCount(t: { floatData?: number[] | null; int32Data?: number[] | null; int64Data?: number[] | null; doubleData?: number[] | null; uint64Data?: number[] | null; stringData?: Uint8Array[] | null }, dt: number): number | undefined {
  switch (dt) {
    case DataType.FLOAT: return t.floatData?.length;
    case DataType.DOUBLE: return t.doubleData?.length;
    case DataType.INT64: return t.int64Data?.length;
    case DataType.UINT32: case DataType.UINT64: return t.uint64Data?.length;
    case DataType.STRING: return t.stringData?.length;
    default: return t.int32Data?.length;
  }
}

export interface SaveOptions {
  /**
   * Initializers of at least this many bytes go to an external data file next to the model
   * (`<file name>.data`). Undefined: everything inside the .onnx file unless the model would
   * pass protobuf's 2 GiB limit, then 1 KiB.
   */
  externalDataThresholdBytes?: number;
  /** Name of the external data file; default `<model file name>.data`. */
  externalDataName?: string;
}

export interface SavedModelFile {
  path: string;
  sizeBytes: number;
  externalDataPath?: string;
  externalDataBytes?: number;
}

/** Write a model atomically (temp file + rename), with its external data when asked. */
export function saveModelFile(model: Model, path: string, options: SaveOptions = {}): SavedModelFile {
  const absolute = resolve(path);
  let threshold = options.externalDataThresholdBytes;
  let bytes: Uint8Array | undefined;
  if (threshold === undefined) {
    bytes = encodeModel(model);
    if (bytes.length > PROTOBUF_LIMIT_BYTES) { bytes = undefined; threshold = 1024; }
  }
  if (bytes) {
    atomicWrite(absolute, [bytes]);
    return { path: absolute, sizeBytes: bytes.length };
  }
  const dataName = options.externalDataName ?? `${basename(absolute)}.data`;
  if (dataName.includes('/') || dataName.includes('\\') || dataName === '..' || dataName === '.') {
    throw new WhittleError('onnx.external-path-refused', `The external data file name '${dataName}' must be a plain file name.`, 'Give a name without folders, e.g. "model.onnx.data".');
  }
  const plan = planExternalData(model, dataName, threshold ?? 1024);
  const dataPath = join(dirname(absolute), dataName);
  if (plan.chunks.length > 0) atomicWrite(dataPath, plan.chunks);
  const modelBytes = encodeModel(plan.model);
  atomicWrite(absolute, [modelBytes]);
  return plan.chunks.length > 0
    ? { path: absolute, sizeBytes: modelBytes.length, externalDataPath: dataPath, externalDataBytes: plan.sizeBytes }
    : { path: absolute, sizeBytes: modelBytes.length };
}

function atomicWrite(path: string, chunks: Uint8Array[]): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    for (const c of chunks) {
      let done = 0;
      while (done < c.length) done += writeSync(fd, c, done, c.length - done);
    }
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    const code = (err as NodeJS.ErrnoException).code;
    throw new WhittleError('onnx.write-failed', `Could not write '${path}' (${code ?? String(err)}).`, 'Check that the folder exists, is writable and has free space.');
  }
}
