// Sparse initializers (ONNX SparseTensorProto, COO: the non-default values plus their flat
// int64 positions). ONNX Runtime densifies them at load; Whittle's own analysis does the same.
import { onnx } from './proto.ts';
import { WhittleError } from '../../shared/errors.ts';
import type { Tensor } from './model.ts';
import { elementCount, makeTensor, tensorToArray, type TypedArray } from './tensor.ts';

export type SparseTensor = onnx.SparseTensorProto;

/** A sparse initializer named `name` of shape `dims` holding `values` at the flat `positions` (ascending). */
export function makeSparseTensor(name: string, dims: readonly number[], values: TypedArray, positions: ArrayLike<number>): SparseTensor {
  if (values.length !== positions.length) {
    throw new WhittleError('onnx.bad-sparse', `Sparse tensor '${name}' has ${values.length} values but ${positions.length} positions.`);
  }
  const v = makeTensor(name, [values.length], values);
  const i = makeTensor('', [positions.length], BigInt64Array.from(Array.from(positions), (p) => BigInt(p)));
  return onnx.SparseTensorProto.create({ values: v, indices: i, dims: [...dims] });
}

/** The name a sparse initializer defines (its values tensor's name, per the ONNX spec). */
export function sparseName(s: onnx.ISparseTensorProto): string {
  return s.values?.name ?? '';
}

/** The dense tensor a sparse initializer stands for (zeros elsewhere); flat (1-D) or per-axis (2-D) indices. */
export function densifySparse(s: onnx.ISparseTensorProto): Tensor {
  const name = sparseName(s);
  const dims = (s.dims ?? []).map(Number);
  const count = elementCount(dims, `sparse tensor '${name}'`);
  if (!s.values || !s.indices) throw new WhittleError('onnx.bad-sparse', `Sparse tensor '${name}' lacks its values or indices.`, 'The file is corrupt; re-export the model.');
  const values = tensorToArray(s.values);
  const idx = tensorToArray(s.indices);
  const idxDims = (s.indices.dims ?? []).map(Number);
  const flat = new Array<number>(values.length);
  if (idxDims.length === 2) {
    // [nnz, rank] coordinates: turn each row into a flat position.
    const rank = idxDims[1];
    for (let n = 0; n < values.length; n++) {
      let p = 0;
      for (let r = 0; r < rank; r++) p = p * dims[r] + Number(idx[n * rank + r]);
      flat[n] = p;
    }
  } else {
    for (let n = 0; n < values.length; n++) flat[n] = Number(idx[n]);
  }
  const ctor = values.constructor as { new (n: number): TypedArray };
  const dense = new ctor(count);
  for (let n = 0; n < values.length; n++) {
    if (flat[n] < 0 || flat[n] >= count) throw new WhittleError('onnx.bad-sparse', `Sparse tensor '${name}' has a position ${flat[n]} outside its ${count} elements.`, 'The file is corrupt; re-export the model.');
    (dense as unknown as unknown[])[flat[n]] = (values as unknown as unknown[])[n];
  }
  return makeTensor(name, dims, dense, s.values.dataType ?? undefined);
}
