// Initializers as typed arrays: decode a TensorProto (raw_data or typed fields) into a
// view where the bytes allow it, and build TensorProtos from typed arrays.
import { onnx, DataType } from './proto.ts';
import { WhittleError } from '../../shared/errors.ts';

export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** Bytes per element of each fixed-size ONNX data type (4-bit types are handled apart). */
const ELEMENT_BYTES: Partial<Record<number, number>> = {
  [DataType.FLOAT]: 4, [DataType.UINT8]: 1, [DataType.INT8]: 1, [DataType.UINT16]: 2,
  [DataType.INT16]: 2, [DataType.INT32]: 4, [DataType.INT64]: 8, [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2, [DataType.DOUBLE]: 8, [DataType.UINT32]: 4, [DataType.UINT64]: 8,
  [DataType.COMPLEX64]: 8, [DataType.COMPLEX128]: 16, [DataType.BFLOAT16]: 2,
  [DataType.FLOAT8E4M3FN]: 1, [DataType.FLOAT8E4M3FNUZ]: 1, [DataType.FLOAT8E5M2]: 1,
  [DataType.FLOAT8E5M2FNUZ]: 1, [DataType.FLOAT8E8M0]: 1,
};

/** Largest element count we accept in one tensor: protects against dims that multiply past 2^31. */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

export function dataTypeName(dataType: number): string {
  return onnx.TensorProto.DataType[dataType] ?? `type ${dataType}`;
}

/** Byte size of `count` elements; 4-bit types pack two per byte. */
export function byteSizeOf(dataType: number, count: number): number {
  if (dataType === DataType.INT4 || dataType === DataType.UINT4 || dataType === DataType.FLOAT4E2M1) {
    return Math.ceil(count / 2);
  }
  const bytes = ELEMENT_BYTES[dataType];
  if (bytes === undefined) {
    throw new WhittleError('onnx.unsupported-type', `Tensors of type ${dataTypeName(dataType)} are not supported here.`);
  }
  return bytes * count;
}

export function elementCount(dims: readonly number[], what = 'tensor'): number {
  let count = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw new WhittleError('onnx.bad-dims', `The ${what} has an invalid dimension ${d}.`, 'The file is corrupt or was written by a faulty exporter; re-export the model.');
    }
    count *= d;
    if (count > MAX_TENSOR_ELEMENTS) {
      throw new WhittleError('onnx.tensor-too-large', `The ${what} declares dims [${dims.join(', ')}], more than 2^31 elements.`, 'The file is corrupt or not a model Whittle can handle.');
    }
  }
  return count;
}

/** A typed-array view over `bytes` when aligned, else a copy. */
function viewOf<T extends TypedArray>(
  ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; new (length: number): T; BYTES_PER_ELEMENT: number },
  bytes: Uint8Array, count: number,
): T {
  if (bytes.byteOffset % ctor.BYTES_PER_ELEMENT === 0) return new ctor(bytes.buffer, bytes.byteOffset, count);
  const copy = new Uint8Array(count * ctor.BYTES_PER_ELEMENT);
  copy.set(bytes.subarray(0, copy.length));
  return new ctor(copy.buffer, 0, count);
}

function fromRaw(dataType: number, raw: Uint8Array, count: number): TypedArray {
  switch (dataType) {
    case DataType.FLOAT: return viewOf(Float32Array, raw, count);
    case DataType.DOUBLE: return viewOf(Float64Array, raw, count);
    case DataType.INT8: return viewOf(Int8Array, raw, count);
    case DataType.UINT8: case DataType.BOOL: return viewOf(Uint8Array, raw, count);
    case DataType.INT16: return viewOf(Int16Array, raw, count);
    case DataType.UINT16: case DataType.FLOAT16: case DataType.BFLOAT16: return viewOf(Uint16Array, raw, count);
    case DataType.INT32: return viewOf(Int32Array, raw, count);
    case DataType.UINT32: return viewOf(Uint32Array, raw, count);
    case DataType.INT64: return viewOf(BigInt64Array, raw, count);
    case DataType.UINT64: return viewOf(BigUint64Array, raw, count);
    default: return raw.subarray(0, byteSizeOf(dataType, count));
  }
}

function fromFields(t: onnx.ITensorProto, count: number): TypedArray {
  const dt = t.dataType ?? 0;
  switch (dt) {
    case DataType.FLOAT: return Float32Array.from(t.floatData ?? []);
    case DataType.DOUBLE: return Float64Array.from(t.doubleData ?? []);
    case DataType.INT64: return BigInt64Array.from((t.int64Data ?? []).map((v) => BigInt(v as number)));
    case DataType.UINT64: case DataType.UINT32: {
      const src = (t.uint64Data ?? []).map((v) => Number(v));
      return dt === DataType.UINT32 ? Uint32Array.from(src) : BigUint64Array.from(src.map(BigInt));
    }
    case DataType.INT32: return Int32Array.from(t.int32Data ?? []);
    case DataType.INT8: return Int8Array.from(t.int32Data ?? []);
    case DataType.UINT8: case DataType.BOOL: return Uint8Array.from(t.int32Data ?? []);
    case DataType.INT16: return Int16Array.from(t.int32Data ?? []);
    case DataType.UINT16: case DataType.FLOAT16: case DataType.BFLOAT16: return Uint16Array.from(t.int32Data ?? []);
    default:
      if (count === 0) return new Uint8Array(0);
      throw new WhittleError('onnx.unsupported-type', `Tensor '${t.name}' of type ${dataTypeName(dt)} stores its values in typed fields Whittle does not read.`);
  }
}

/**
 * Values of a tensor whose data lives inside the model (external data must be resolved
 * first, see external.ts). FLOAT16/BFLOAT16 come back as their raw Uint16 bits.
 */
export function tensorToArray(t: onnx.ITensorProto): TypedArray {
  const dims = (t.dims ?? []).map(Number);
  const name = t.name ? `tensor '${t.name}'` : 'tensor';
  const count = elementCount(dims, name);
  const dt = t.dataType ?? 0;
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new WhittleError('onnx.external-unresolved', `The ${name} keeps its data in an external file that was not loaded.`, 'Load the model from its file so Whittle can read the data next to it.');
  }
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const need = byteSizeOf(dt, count);
    if (raw.length < need) {
      throw new WhittleError('onnx.short-raw-data', `The ${name} declares ${count} elements of ${dataTypeName(dt)} (${need} bytes) but holds only ${raw.length} bytes.`, 'The file is truncated or corrupt; re-export the model.');
    }
    return fromRaw(dt, raw, count);
  }
  const out = fromFields(t, count);
  if (out.length !== count && !(dt === DataType.INT4 || dt === DataType.UINT4)) {
    throw new WhittleError('onnx.short-raw-data', `The ${name} declares ${count} elements but holds ${out.length}.`, 'The file is truncated or corrupt; re-export the model.');
  }
  return out;
}

/** Float32 values of a float tensor (FLOAT, FLOAT16, DOUBLE), always a fresh copy. */
export function tensorToFloat32(t: onnx.ITensorProto): Float32Array {
  const arr = tensorToArray(t);
  if (t.dataType === DataType.FLOAT16) {
    const table = halfTable();
    return mapInto(new Float32Array(arr.length), arr as Uint16Array, (h) => table[h]);
  }
  if (arr instanceof BigInt64Array || arr instanceof BigUint64Array) return mapInto(new Float32Array(arr.length), arr as ArrayLike<bigint>, Number);
  return Float32Array.from(arr as ArrayLike<number>);
}

let halves: Float32Array | undefined;
/** Every half's float value, by its bits (256 kB): a lookup, not exponentiation, per weight. */
function halfTable(): Float32Array {
  if (!halves) {
    halves = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halves[h] = halfToFloat(h);
  }
  return halves;
}

/** out[i] = fn(src[i]) in a plain loop: TypedArray.from(src, fn) takes about 50x longer on millions of weights. */
export function mapInto<S, O extends { [i: number]: number }>(out: O, src: ArrayLike<S>, fn: (value: S) => number): O {
  for (let i = 0; i < src.length; i++) out[i] = fn(src[i]);
  return out;
}

const TYPE_OF_ARRAY = new Map<unknown, number>([
  [Float32Array, DataType.FLOAT], [Float64Array, DataType.DOUBLE], [Int8Array, DataType.INT8],
  [Uint8Array, DataType.UINT8], [Int16Array, DataType.INT16], [Uint16Array, DataType.UINT16],
  [Int32Array, DataType.INT32], [Uint32Array, DataType.UINT32], [BigInt64Array, DataType.INT64],
  [BigUint64Array, DataType.UINT64],
]);

/** A TensorProto holding `data` as raw little-endian bytes. `dataType` overrides the array's type (e.g. FLOAT16 in a Uint16Array). */
export function makeTensor(name: string, dims: readonly number[], data: TypedArray, dataType?: number): onnx.TensorProto {
  const dt = dataType ?? TYPE_OF_ARRAY.get(data.constructor);
  if (dt === undefined) throw new WhittleError('onnx.unsupported-type', `Cannot store a ${data.constructor.name} as an ONNX tensor.`);
  const expected = elementCount(dims, `tensor '${name}'`);
  if (data.length !== expected && !(dt === DataType.INT4 || dt === DataType.UINT4)) {
    throw new WhittleError('onnx.bad-dims', `Tensor '${name}' has ${data.length} values for dims [${dims.join(', ')}].`);
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: dt, rawData: bytes });
}

export function float32Tensor(name: string, dims: readonly number[], values: ArrayLike<number>): onnx.TensorProto {
  return makeTensor(name, dims, Float32Array.from(values));
}

export function int64Tensor(name: string, dims: readonly number[], values: ArrayLike<number>): onnx.TensorProto {
  return makeTensor(name, dims, BigInt64Array.from(Array.from(values), (v) => BigInt(v)));
}

/** Two 4-bit values a byte, low nibble first (ONNX UINT4/INT4 layout); signed values in -8..7. */
export function pack4bit(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) out[i >> 1] |= (values[i] & 0x0f) << ((i & 1) * 4);
  return out;
}

/** `count` 4-bit values from packed bytes; `signed` reads INT4 (two's complement nibbles). */
export function unpack4bit(bytes: Uint8Array, count: number, signed: boolean): Int8Array {
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const v = (bytes[i >> 1] >> ((i & 1) * 4)) & 0x0f;
    out[i] = signed && v > 7 ? v - 16 : v;
  }
  return out;
}

/** IEEE 754 half (bits) -> float. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** float -> IEEE 754 half bits, round to nearest even; overflow saturates to infinity. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  e = half >> 10;
  return sign | half;
}
