// External tensor data (data_location: EXTERNAL, keys location/offset/length): resolve it
// into raw_data on load and split large tensors out on save. A location must stay inside
// the model's folder: absolute paths, '..' and symlinks that lead out are refused
// (the ONNX path-traversal CVE class, e.g. CVE-2024-27318).
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { onnx } from './proto.ts';
import { WhittleError } from '../../shared/errors.ts';
import type { Model } from './model.ts';

const EXTERNAL = onnx.TensorProto.DataLocation.EXTERNAL;
const DEFAULT = onnx.TensorProto.DataLocation.DEFAULT;

/** Every TensorProto of a model: initializers, Constant/attribute tensors, subgraphs, functions. */
export function forEachTensor(model: onnx.IModelProto, fn: (t: onnx.ITensorProto) => void): void {
  const visitGraph = (g: onnx.IGraphProto | null | undefined): void => {
    if (!g) return;
    for (const t of g.initializer ?? []) fn(t);
    for (const s of g.sparseInitializer ?? []) { if (s.values) fn(s.values); if (s.indices) fn(s.indices); }
    visitNodes(g.node ?? []);
  };
  const visitNodes = (nodes: onnx.INodeProto[]): void => {
    for (const n of nodes) {
      for (const a of n.attribute ?? []) {
        if (a.t) fn(a.t);
        for (const t of a.tensors ?? []) fn(t);
        visitGraph(a.g);
        for (const g of a.graphs ?? []) visitGraph(g);
      }
    }
  };
  visitGraph(model.graph);
  for (const f of model.functions ?? []) visitNodes(f.node ?? []);
  for (const ti of model.trainingInfo ?? []) visitGraph(ti.initialization);
}

export function isExternal(t: onnx.ITensorProto): boolean {
  return t.dataLocation === EXTERNAL;
}

function externalEntry(t: onnx.ITensorProto, key: string): string | undefined {
  return t.externalData?.find((e) => e.key === key)?.value ?? undefined;
}

/**
 * The absolute path of an external-data location, or a WhittleError when it is absolute,
 * climbs out with '..', or is a symlink (or sits under one) that resolves outside `modelDir`.
 */
export function resolveExternalLocation(modelDir: string, location: string, tensorName: string): string {
  const bad = (why: string): WhittleError => new WhittleError(
    'onnx.external-path-refused',
    `Tensor '${tensorName}' points to external data at '${location}', which ${why}; Whittle only reads external data inside the model's folder.`,
    'Keep the .onnx file and its external data files together in one folder, with relative locations such as "model.onnx.data".',
  );
  if (location.length === 0) throw bad('is empty');
  if (location.includes('\0')) throw bad('contains a NUL byte');
  if (isAbsolute(location) || /^[a-zA-Z]:[\\/]/.test(location) || location.startsWith('\\\\')) throw bad('is an absolute path');
  const parts = location.split(/[\\/]+/);
  if (parts.includes('..')) throw bad("climbs out of the folder with '..'");
  if (normalize(location) === '.' || normalize(location) === `.${sep}`) throw bad("names the model's folder itself, not a data file");
  const target = join(modelDir, normalize(location));
  let realDir: string;
  let realTarget: string;
  try {
    realDir = realpathSync(modelDir);
    realTarget = realpathSync(target);
  } catch {
    throw new WhittleError('onnx.external-missing', `Tensor '${tensorName}' keeps its data in '${location}', which does not exist next to the model.`, 'Copy the external data file into the model\'s folder, or re-export the model with its weights inside the .onnx file.');
  }
  const rel = relative(realDir, realTarget);
  if (rel === '') throw bad("names the model's folder itself, not a data file");
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw bad('resolves (through a symlink) outside the model\'s folder');
  return realTarget;
}

/** Replace every external tensor's reference with its bytes in raw_data (mutates `model`); returns the files read. */
export function loadExternalData(model: Model, modelDir: string): string[] {
  const files = new Map<string, { fd: number; sizeBytes: number }>();
  try {
    forEachTensor(model, (t) => {
      if (!isExternal(t)) return;
      const name = t.name ?? '?';
      const location = externalEntry(t, 'location');
      if (location === undefined) {
        throw new WhittleError('onnx.external-bad', `Tensor '${name}' is marked external but names no location.`, 'The model is malformed; re-export it.');
      }
      const path = resolveExternalLocation(modelDir, location, name);
      let file = files.get(path);
      if (!file) {
        // Check the type before opening: opening a FIFO blocks until a writer appears, and a
        // device may never end. O_NONBLOCK covers a file swapped for a FIFO in between.
        const notRegular = () => new WhittleError('onnx.external-bad', `Tensor '${name}' keeps its data in '${location}', which is not a regular file.`, 'Point external data at a file next to the model.');
        if (!statSync(path).isFile()) throw notRegular();
        const fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
        const stat = fstatSync(fd);
        file = { fd, sizeBytes: stat.size };
        files.set(path, file);
        if (!stat.isFile()) throw notRegular();
      }
      const offset = Number(externalEntry(t, 'offset') ?? 0);
      const lengthEntry = externalEntry(t, 'length');
      const length = lengthEntry === undefined ? file.sizeBytes - offset : Number(lengthEntry);
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > file.sizeBytes) {
        throw new WhittleError('onnx.external-bad', `Tensor '${name}' asks for bytes ${offset} to ${offset + length} of '${location}', which holds ${file.sizeBytes} bytes.`, 'The external data file is truncated or does not belong to this model.');
      }
      const bytes = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(file.fd, bytes, done, length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      t.rawData = bytes;
      t.dataLocation = DEFAULT;
      t.externalData = [];
    });
  } finally {
    for (const { fd } of files.values()) closeSync(fd);
  }
  return [...files.keys()];
}

export interface ExternalPlan {
  /** The model to encode, sharing every untouched message with the input model. */
  model: Model;
  /** Bytes of the external data file, in the order of their offsets. */
  chunks: Uint8Array[];
  sizeBytes: number;
}

/** Page alignment for big tensors (lets a runtime mmap them), 64 bytes for the rest. */
function alignmentFor(sizeBytes: number): number {
  return sizeBytes >= 1 << 20 ? 4096 : 64;
}

/** A shallow copy of a protobuf message that keeps its non-enumerable `$unknowns`. */
function shallowCopy<T extends object>(msg: T): T {
  return Object.defineProperties(Object.create(Object.getPrototypeOf(msg)), Object.getOwnPropertyDescriptors(msg)) as T;
}

/**
 * Move graph initializers of at least `thresholdBytes` into one external file named
 * `location` (relative to the model). The input model is not mutated: touched tensors and
 * the graph are shallow copies.
 */
export function planExternalData(model: Model, location: string, thresholdBytes: number): ExternalPlan {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const initializer = model.graph.initializer.map((t) => {
    const raw = t.rawData;
    if (!raw || raw.length < thresholdBytes || isExternal(t)) return t;
    const align = alignmentFor(raw.length);
    const padding = (align - (offset % align)) % align;
    if (padding > 0) chunks.push(new Uint8Array(padding));
    offset += padding;
    chunks.push(raw);
    const copy = shallowCopy(t);
    copy.rawData = new Uint8Array(0);
    copy.dataLocation = EXTERNAL;
    copy.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    offset += raw.length;
    return copy;
  });
  const graph = shallowCopy(model.graph);
  graph.initializer = initializer;
  const out = shallowCopy(model);
  out.graph = graph;
  return { model: out, chunks, sizeBytes: offset };
}
