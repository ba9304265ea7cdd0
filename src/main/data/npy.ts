// NumPy .npy reader (format versions 1-3): little-endian float32/float64/uint8/int8/int32/
// int64 in C order, converted to float32 (labels to int32). Anything else is refused clearly.
import { WhittleError } from '../../shared/errors.ts';

export type NpyDtype = '<f4' | '<f8' | '|u1' | '|i1' | '<i4' | '<i8';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** The values converted to float32, in C order. */
  data: Float32Array;
  /** The raw values as read (exact for integer types up to 2^53). */
  raw: Float32Array | Float64Array | Uint8Array | Int8Array | Int32Array | BigInt64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ITEM_BYTES: Record<NpyDtype, number> = { '<f4': 4, '<f8': 8, '|u1': 1, '|i1': 1, '<i4': 4, '<i8': 8 };
/** Aliases NumPy writes for one-byte and native-order types on little-endian machines. */
const ALIASES: Record<string, NpyDtype> = { '<u1': '|u1', '<i1': '|i1', '|b1': '|u1', '=f4': '<f4', '=f8': '<f8', '=i4': '<i4', '=i8': '<i8' };

function bad(name: string, why: string, hint?: string): WhittleError {
  return new WhittleError('data.bad-npy', `'${name}' is not a readable .npy array: ${why}`, hint ?? 'Save it with numpy.save(...) as float32, float64, uint8, int8, int32 or int64.');
}

interface Header { descr: string; fortran: boolean; shape: number[]; dataOffset: number }

function parseHeader(bytes: Uint8Array, name: string): Header {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad(name, 'it does not start with the NumPy magic bytes.');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) { headerLen = view.getUint16(8, true); start = 10; } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad(name, 'the header is truncated.');
    headerLen = view.getUint32(8, true); start = 12;
  } else throw bad(name, `format version ${major} is unknown.`);
  if (start + headerLen > bytes.length) throw bad(name, 'the header is truncated.');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw bad(name, 'the header lacks descr, fortran_order or shape (structured arrays are not supported).');
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => {
    const n = Number(s.replace(/L$/, ''));
    if (!Number.isSafeInteger(n) || n < 0) throw bad(name, `the shape (${shapeText}) is not a list of sizes.`);
    return n;
  });
  return { descr, fortran: fortran === 'True', shape, dataOffset: start + headerLen };
}

export function parseNpy(bytes: Uint8Array, name = 'array.npy'): NpyArray {
  const h = parseHeader(bytes, name);
  if (h.fortran) {
    throw bad(name, 'it is stored in Fortran (column-major) order.', 'Save a C-ordered copy: numpy.save(path, numpy.ascontiguousarray(a)).');
  }
  const dtype = (ALIASES[h.descr] ?? h.descr) as NpyDtype;
  if (!(dtype in ITEM_BYTES)) {
    const hint = h.descr.startsWith('>') ? 'It is big-endian: save a little-endian copy with a.astype(a.dtype.newbyteorder("<")).' : 'Convert it with a.astype(numpy.float32) before saving.';
    throw bad(name, `its data type '${h.descr}' is not supported (float32, float64, uint8, int8, int32, int64 little-endian are).`, hint);
  }
  const count = h.shape.reduce((a, b) => a * b, 1);
  const byteLength = count * ITEM_BYTES[dtype];
  if (h.dataOffset + byteLength > bytes.length) {
    throw bad(name, `its shape (${h.shape.join(', ')}) needs ${byteLength} bytes of data but the file holds ${bytes.length - h.dataOffset}.`, 'The file is truncated; save it again.');
  }
  // Copy the payload to an aligned buffer: the header length does not guarantee alignment for every item size.
  // (Buffer#slice is a view, so copy explicitly.)
  const payload = new Uint8Array(byteLength);
  payload.set(bytes.subarray(h.dataOffset, h.dataOffset + byteLength));
  const raw = typedView(dtype, payload.buffer, count);
  const data = raw instanceof Float32Array ? raw : Float32Array.from(raw as ArrayLike<number | bigint>, Number);
  return { dtype, shape: h.shape, data, raw };
}

function typedView(dtype: NpyDtype, buf: ArrayBuffer, count: number): NpyArray['raw'] {
  // Typed arrays use the platform's byte order; every platform Node ships on is little-endian.
  switch (dtype) {
    case '<f4': return new Float32Array(buf, 0, count);
    case '<f8': return new Float64Array(buf, 0, count);
    case '|u1': return new Uint8Array(buf, 0, count);
    case '|i1': return new Int8Array(buf, 0, count);
    case '<i4': return new Int32Array(buf, 0, count);
    case '<i8': return new BigInt64Array(buf, 0, count);
  }
}

/** Integer class labels from an array of any supported dtype; refuses fractional values. */
export function toLabels(arr: NpyArray, name: string): Int32Array {
  const out = new Int32Array(arr.data.length);
  const raw = arr.raw;
  for (let i = 0; i < out.length; i++) {
    const v = Number(raw[i]);
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new WhittleError('data.bad-labels', `'${name}' holds a value (${v}) at position ${i} that is not a class index.`, 'Labels must be whole numbers from 0 upwards, one per sample.');
    }
    out[i] = v;
  }
  return out;
}
