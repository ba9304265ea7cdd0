// Codebook indices narrower than 4 bits (k <= 4: 2 bits, k = 2: 1 bit), packed 4 or 8 to a
// uint8 and unpacked by standard ops that exist since opset 11, so no type newer than uint8
// is needed:
//   shifted = BitShift(packed [m, 1], 8 - b - [0, b, 2b, ...], LEFT)              -> [m, 8/b]
//   fields  = BitShift(shifted, 8 - b, RIGHT)                                     (uint8 wraps: the high bits fall off)
//   indices = Reshape(fields, dims)            (Slice first when n is not a multiple of 8/b)
//   value   = Gather(codebook, Cast(indices, INT32))
// Index i sits in byte i / (8/b) at bits (i % (8/b)) * b, low bits first (as in UINT4).
// Every input is constant, so ONNX Runtime folds the chain into a plain initializer at load.
import type { Node, Tensor } from '../../onnx/model.ts';
import { makeNode } from '../../onnx/graph.ts';
import { DataType } from '../../onnx/proto.ts';
import { makeTensor } from '../../onnx/tensor.ts';
import type { Encoded, PackTensor } from './forms.ts';
import { codebookOf, encoding, indicesOf, typedValues } from './forms.ts';
import { SHARED_CONSTANT_PREFIX } from './shared-constants.ts';

export type SubByteBits = 1 | 2;

/** Indices `bits` wide, packed low bits first. */
export function packBits(indices: ArrayLike<number>, bits: SubByteBits): Uint8Array {
  const per = 8 / bits;
  const out = new Uint8Array(Math.ceil(indices.length / per));
  const mask = (1 << bits) - 1;
  for (let i = 0; i < indices.length; i++) out[Math.floor(i / per)] |= (indices[i] & mask) << ((i % per) * bits);
  return out;
}

export function unpackBits(bytes: Uint8Array, count: number, bits: SubByteBits): Uint8Array {
  const per = 8 / bits;
  const mask = (1 << bits) - 1;
  return Uint8Array.from({ length: count }, (_, i) => (bytes[Math.floor(i / per)] >> ((i % per) * bits)) & mask);
}

/** Constants every b-bit tensor of the file reads: stored once (pack's apply keeps one copy of equal initializers). */
function sharedConstants(bits: SubByteBits): { tensors: Tensor[]; names: { left: string; right: string } } {
  const per = 8 / bits;
  const names = { left: `${SHARED_CONSTANT_PREFIX}b${bits}l`, right: `${SHARED_CONSTANT_PREFIX}b${bits}r` };
  return {
    names,
    tensors: [
      makeTensor(names.left, [per], Uint8Array.from({ length: per }, (_, j) => 8 - bits - j * bits)),
      makeTensor(names.right, [], Uint8Array.of(8 - bits)),
    ],
  };
}

export function encodeBitPacked(t: PackTensor, bits: SubByteBits): Encoded {
  const form = bits === 1 ? 'codebook-1bit' : 'codebook-2bit';
  const k = 1 << bits;
  const book = codebookOf(t.values, k);
  if (!book) return { form, rejected: `more than ${k} distinct values` };
  const n = t.values.length;
  const per = 8 / bits;
  const v = t.value;
  const shared = sharedConstants(bits);
  // Stored as a column [m, 1] so the shifts broadcast along the row without a Reshape.
  const packed = makeTensor(`${v}.bits`, [Math.ceil(n / per), 1], packBits(indicesOf(t.values, book), bits));
  const codebook = makeTensor(`${v}.codebook`, [book.length], typedValues(t.dataType, book));
  const shape = makeTensor(`${v}.shape`, [t.dims.length], BigInt64Array.from(t.dims, BigInt));
  const inits: Tensor[] = [codebook, packed, shape, ...shared.tensors];
  // Unnamed nodes and short value names: every byte counts in a file this small.
  const nodes: Node[] = [
    makeNode('BitShift', [`${v}.bits`, shared.names.left], [`${v}.l`], { name: '', attrs: { direction: 'LEFT' } }),
    makeNode('BitShift', [`${v}.l`, shared.names.right], [`${v}.r`], { name: '', attrs: { direction: 'RIGHT' } }),
  ];
  let flat = `${v}.r`;
  if (n % per !== 0) {
    const flatShape = makeTensor(`${SHARED_CONSTANT_PREFIX}flat`, [1], BigInt64Array.of(-1n));
    const zero = makeTensor(`${SHARED_CONSTANT_PREFIX}zero`, [1], BigInt64Array.of(0n));
    const end = makeTensor(`${v}.n`, [1], BigInt64Array.of(BigInt(n)));
    inits.push(flatShape, zero, end);
    nodes.push(
      makeNode('Reshape', [`${v}.r`, flatShape.name], [`${v}.f`], { name: '' }),
      makeNode('Slice', [`${v}.f`, zero.name, `${v}.n`], [`${v}.s`], { name: '' }),
    );
    flat = `${v}.s`;
  }
  nodes.push(
    makeNode('Reshape', [flat, `${v}.shape`], [`${v}.u8`], { name: '' }),
    makeNode('Cast', [`${v}.u8`], [`${v}.i32`], { name: '', attrs: { to: DataType.INT32 } }),
    makeNode('Gather', [`${v}.codebook`, `${v}.i32`], [v], { name: '', attrs: { axis: 0 } }),
  );
  return encoding(form, inits, [], nodes);
}
