// The storage forms a constant tensor can take in a standard ONNX file that ONNX Runtime
// loads as it is (TECHNIQUES.md, "Smallest runnable files"): each encoder returns the
// initializers, sparse initializers and constant nodes that produce the tensor's value
// under its original name, or the reason the form cannot hold it exactly.
import { gzipSync } from 'node:zlib';
import type { Node, Tensor } from '../../onnx/model.ts';
import { makeNode } from '../../onnx/graph.ts';
import { DataType, onnx } from '../../onnx/proto.ts';
import { makeTensor, pack4bit, type TypedArray } from '../../onnx/tensor.ts';
import { makeSparseTensor, type SparseTensor } from '../../onnx/sparse.ts';
import type { StorageForm } from '../../../shared/reports/pack.ts';
import { encodeRunLength } from './runlength.ts';
import { encodeBitPacked } from './bitpacked.ts';
import { SHARED_CONSTANT_PREFIX } from './shared-constants.ts';

export type { StorageForm };

/** A constant tensor to store: the value its consumers read, and its exact values. */
export interface PackTensor {
  value: string;
  dims: number[];
  /** Element type consumers see: FLOAT, INT8 or UINT8. */
  dataType: number;
  values: Float32Array;
}

export interface Encoding {
  form: StorageForm;
  initializers: Tensor[];
  sparse: SparseTensor[];
  nodes: Node[];
  /** The file needs opset 21 / IR 10 (4-bit types). */
  needsOpset21: boolean;
  rawBytes: number;
  gzipBytes: number;
}

export type Encoded = Encoding | { form: StorageForm; rejected: string };

/** Bytes a set of protos adds to the file, and what gzip makes of them alone. */
export function measure(initializers: Tensor[], sparse: SparseTensor[], nodes: Node[]): { rawBytes: number; gzipBytes: number } {
  const parts = [
    ...initializers.map((t) => onnx.TensorProto.encode(t).finish()),
    ...sparse.map((s) => onnx.SparseTensorProto.encode(s).finish()),
    ...nodes.map((n) => onnx.NodeProto.encode(n).finish()),
  ];
  const all = Buffer.concat(parts);
  return { rawBytes: all.length, gzipBytes: gzipSync(all).length };
}

export function encoding(form: StorageForm, initializers: Tensor[], sparse: SparseTensor[], nodes: Node[], needsOpset21 = false): Encoding {
  const own = initializers.filter((t) => !t.name.startsWith(SHARED_CONSTANT_PREFIX));
  return { form, initializers, sparse, nodes, needsOpset21, ...measure(own, sparse, nodes) };
}

export function typedValues(dataType: number, values: ArrayLike<number>): TypedArray {
  switch (dataType) {
    case DataType.INT8: return Int8Array.from(values);
    case DataType.UINT8: return Uint8Array.from(values);
    default: return Float32Array.from(values);
  }
}

/** Distinct values, zero first when present (so index 0 is the implicit value of sparse forms), then ascending. */
export function codebookOf(values: Float32Array, limit: number): Float32Array | undefined {
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    // -0 and 0 are one value to a Set but not to the file: keep -0 out so zeros round-trip as +0.
    seen.add(values[i] === 0 ? 0 : values[i]);
    if (seen.size > limit) return undefined;
  }
  const sorted = [...seen].filter((v) => v !== 0).sort((a, b) => a - b);
  return Float32Array.from(seen.has(0) ? [0, ...sorted] : sorted);
}

export function indicesOf(values: Float32Array, book: Float32Array): Uint8Array {
  const at = new Map<number, number>();
  book.forEach((v, i) => at.set(v, i));
  return Uint8Array.from(values, (v) => at.get(v === 0 ? 0 : v) ?? 0);
}

export function encodeDense(t: PackTensor): Encoding {
  return encoding('dense', [makeTensor(t.value, t.dims, typedValues(t.dataType, t.values))], [], []);
}

/** Indices (uint8 or UINT4) -> Cast(INT32) -> Gather(codebook): folded back by ORT at load. */
export function encodeCodebook(t: PackTensor, bits: 4 | 8): Encoded {
  const form: StorageForm = bits === 4 ? 'codebook-uint4' : 'codebook-uint8';
  const book = codebookOf(t.values, bits === 4 ? 16 : 256);
  if (!book) return { form, rejected: `more than ${bits === 4 ? 16 : 256} distinct values` };
  const idx = indicesOf(t.values, book);
  const indices = bits === 4
    ? makeTensor(`${t.value}.indices`, t.dims, pack4bit(idx), DataType.UINT4)
    : makeTensor(`${t.value}.indices`, t.dims, idx);
  const codebook = makeTensor(`${t.value}.codebook`, [book.length], typedValues(t.dataType, book));
  return encoding(form, [codebook, indices], [], codebookNodes(t.value), bits === 4);
}

function codebookNodes(value: string): Node[] {
  return [
    // Unnamed nodes and short value names: every byte counts in a file this small.
    makeNode('Cast', [`${value}.indices`], [`${value}.i32`], { name: '', attrs: { to: DataType.INT32 } }),
    makeNode('Gather', [`${value}.codebook`, `${value}.i32`], [value], { name: '', attrs: { axis: 0 } }),
  ];
}

/** The one scale that puts every value on the signed 4-bit grid exactly, if there is one. */
export function int4Scale(values: Float32Array): number | undefined {
  let minAbs = Infinity;
  for (const v of values) if (v !== 0 && Math.abs(v) < minAbs) minAbs = Math.abs(v);
  if (!Number.isFinite(minAbs)) return undefined;
  // The smallest magnitude is m * scale for some m in 1..8; try each.
  for (let m = 1; m <= 8; m++) {
    const scale = Math.fround(minAbs / m);
    if (values.every((v) => { const q = Math.round(v / scale); return q >= -8 && q <= 7 && Math.fround(q * scale) === v; })) return scale;
  }
  return undefined;
}

/**
 * INT4 storage. Float tensors: INT4 -> DequantizeLinear(scale), only where every value is
 * exactly q * scale (lossless). Integer tensors (the int8 input of a QDQ weight): INT4 -> Cast.
 */
export function encodeInt4(t: PackTensor): Encoded {
  const form: StorageForm = 'int4';
  const q = t.dataType === DataType.FLOAT ? int4Scale(t.values) : 1;
  if (q === undefined) return { form, rejected: 'the values do not lie on one 4-bit grid (it would change the outputs)' };
  const ints = Int8Array.from(t.values, (v) => Math.round(v / q));
  if (ints.some((v) => v < -8 || v > 7)) return { form, rejected: 'values outside -8..7' };
  const name = `${t.value}.int4`;
  const stored = makeTensor(name, t.dims, pack4bit(ints), DataType.INT4);
  if (t.dataType === DataType.FLOAT) {
    const scale = makeTensor(`${t.value}.scale`, [], Float32Array.of(q));
    return encoding(form, [stored, scale], [], [makeNode('DequantizeLinear', [name, `${t.value}.scale`], [t.value], { name: '' })], true);
  }
  if (t.dataType === DataType.UINT8) return { form, rejected: 'unsigned 8-bit tensors keep their own grid' };
  return encoding(form, [stored], [], [makeNode('Cast', [name], [t.value], { name: '', attrs: { to: t.dataType } })], true);
}

function nonzeros(values: Float32Array): { positions: number[]; count: number } {
  const positions: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) positions.push(i);
  return { positions, count: positions.length };
}

/** A sparse initializer (COO, flat int64 positions) that ORT densifies at load. */
export function encodeSparse(t: PackTensor): Encoded {
  const { positions } = nonzeros(t.values);
  if (positions.length === t.values.length) return { form: 'sparse', rejected: 'no zeros' };
  const vals = typedValues(t.dataType, positions.map((p) => t.values[p]));
  return encoding('sparse', [], [makeSparseTensor(t.value, t.dims, vals, positions)], []);
}

/** Sparse uint8 codebook indices (zero is index 0, the implicit value) -> Cast -> Gather. */
export function encodeSparseCodebook(t: PackTensor): Encoded {
  const form: StorageForm = 'sparse-codebook';
  const book = codebookOf(t.values, 256);
  if (!book) return { form, rejected: 'more than 256 distinct values' };
  if (book[0] !== 0) return { form, rejected: 'no zeros' };
  const idx = indicesOf(t.values, book);
  const { positions } = nonzeros(t.values);
  const codebook = makeTensor(`${t.value}.codebook`, [book.length], typedValues(t.dataType, book));
  const sparse = makeSparseTensor(`${t.value}.indices`, t.dims, Uint8Array.from(positions, (p) => idx[p]), positions);
  return encoding(form, [codebook], [sparse], codebookNodes(t.value));
}

/** Every form, in order of preference when sizes tie. */
export function encodeAll(t: PackTensor, allow4bit: boolean): Encoded[] {
  return [encodeDense(t), encodeCodebook(t, 8), encodeCodebook(t, 4), encodeBitPacked(t, 2), encodeBitPacked(t, 1), encodeInt4(t), encodeSparse(t), encodeSparseCodebook(t), encodeRunLength(t, allow4bit)];
}
