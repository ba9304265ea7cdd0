// Resolve a node input back to the constant weight it is: an initializer or Constant, or a
// chain that only re-encodes one (Identity, Cast, Reshape, Transpose, Squeeze/Unsqueeze,
// Flatten, DequantizeLinear for QDQ models, Gather(codebook, indices) for shared weights).
import { DataType } from './proto.ts';
import type { Node, Tensor } from './model.ts';
import { GraphIndex, attr, attrInt, attrInts, attrString } from './graph.ts';
import { elementCount, mapInto, tensorToArray, tensorToFloat32, unpack4bit } from './tensor.ts';

export interface ResolvedWeight {
  /** Dims of the weight as its consumer sees it. */
  dims: number[];
  /**
   * Initializers (or Constant outputs) the weight is built from; the first is the one that
   * holds its elements (the values, the quantized values or the codebook indices).
   */
  sources: string[];
  /** How it is stored: plain, a QDQ-quantized tensor, or a codebook with indices. */
  encoding: 'plain' | 'quantized' | 'codebook';
  /** The logical (float) weight values, computed on demand. */
  values(): Float32Array;
}

const PASS_THROUGH = new Set(['Identity', 'Cast', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten']);

function constantTensor(node: Node): Tensor | undefined {
  const t = attr(node, 'value', undefined);
  return t && typeof t === 'object' && !Array.isArray(t) && 'dims' in t ? (t as Tensor) : undefined;
}

function asNumbers(t: Tensor): Float32Array {
  const arr = tensorToArray(t);
  if (t.dataType === DataType.UINT4 || t.dataType === DataType.INT4) {
    // tensorToArray hands 4-bit tensors back packed, two values a byte.
    return Float32Array.from(unpack4bit(arr as Uint8Array, elementCount(t.dims.map(Number)), t.dataType === DataType.INT4));
  }
  if (t.dataType === DataType.FLOAT16 || t.dataType === DataType.FLOAT || t.dataType === DataType.DOUBLE) return tensorToFloat32(t);
  return mapInto(new Float32Array(arr.length), arr as ArrayLike<number | bigint>, Number);
}

function transposeValues(values: Float32Array, dims: number[], perm: number[]): Float32Array {
  const rank = dims.length;
  const outDims = perm.map((p) => dims[p]);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * dims[i + 1];
  const out = new Float32Array(values.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src += idx[k] * inStrides[perm[k]];
    out[o] = values[src];
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k] < outDims[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/**
 * The constant weight behind `value`, or undefined when it is computed from activations.
 * `outputDims` gives shapes of intermediate values (needed after Reshape/Squeeze/Unsqueeze/Flatten).
 */
export function resolveWeight(index: GraphIndex, value: string, outputDims?: (name: string) => number[] | undefined, depth = 0): ResolvedWeight | undefined {
  if (!value || depth > 16) return undefined;
  const init = index.initializers.get(value);
  if (init) {
    return { dims: init.dims.map(Number), sources: [value], encoding: 'plain', values: () => asNumbers(init) };
  }
  if (index.inputs.has(value)) return undefined;
  const node = index.producer.get(value);
  if (!node) return undefined;
  if (node.opType === 'Constant') {
    const t = constantTensor(node);
    return t ? { dims: t.dims.map(Number), sources: [value], encoding: 'plain', values: () => asNumbers(t) } : undefined;
  }
  if (PASS_THROUGH.has(node.opType)) {
    const inner = resolveWeight(index, node.input[0], outputDims, depth + 1);
    if (!inner) return undefined;
    const dims = node.opType === 'Identity' || node.opType === 'Cast' ? inner.dims : outputDims?.(value) ?? constantReshape(index, node, inner.dims, depth);
    return dims ? { ...inner, dims } : undefined;
  }
  if (RUN_LENGTH_OPS.has(node.opType)) return resolveRunLengthOp(index, node, outputDims, depth);
  if (node.opType === 'Transpose') {
    const inner = resolveWeight(index, node.input[0], outputDims, depth + 1);
    if (!inner) return undefined;
    const perm = attrInts(node, 'perm', inner.dims.map((_, i) => inner.dims.length - 1 - i));
    return { ...inner, dims: perm.map((p) => inner.dims[p]), values: () => transposeValues(inner.values(), inner.dims, perm) };
  }
  if (node.opType === 'DequantizeLinear') {
    const q = resolveWeight(index, node.input[0], outputDims, depth + 1);
    const scale = resolveWeight(index, node.input[1], outputDims, depth + 1);
    const zero = node.input[2] ? resolveWeight(index, node.input[2], outputDims, depth + 1) : undefined;
    if (!q || !scale) return undefined;
    const axis = attrInt(node, 'axis', 1);
    return {
      dims: q.dims,
      sources: [...q.sources, ...scale.sources, ...(zero?.sources ?? [])],
      encoding: 'quantized',
      values: () => dequantize(q.values(), q.dims, scale.values(), zero?.values(), axis),
    };
  }
  if (ELEMENTWISE[node.opType]) {
    // Constant arithmetic (per-channel codebook offsets, a bias scale = input x weight scale).
    const a = resolveWeight(index, node.input[0], outputDims, depth + 1);
    const b = resolveWeight(index, node.input[1], outputDims, depth + 1);
    const dims = a && b ? broadcastDims(a.dims, b.dims) : undefined;
    if (!a || !b || !dims) return undefined;
    const op = ELEMENTWISE[node.opType];
    return {
      dims, sources: [...a.sources, ...b.sources], encoding: a.encoding,
      values: () => broadcastApply(a.values(), a.dims, b.values(), b.dims, dims, op),
    };
  }
  if (node.opType === 'Gather' && attrInt(node, 'axis', 0) === 0) {
    const codebook = resolveWeight(index, node.input[0], outputDims, depth + 1);
    const indices = resolveWeight(index, node.input[1], outputDims, depth + 1);
    if (!codebook || !indices || codebook.dims.length !== 1) return undefined;
    return {
      dims: indices.dims,
      sources: [...indices.sources, ...codebook.sources],
      encoding: 'codebook',
      values: () => {
        const book = codebook.values();
        const at = indices.values();
        return mapInto(new Float32Array(at.length), at, (i) => book[i < 0 ? i + book.length : i]);
      },
    };
  }
  return undefined;
}

/** The target dims of a Reshape whose shape input is a constant (0 copies, -1 infers). */
function constantReshape(index: GraphIndex, node: Node, inDims: number[], depth: number): number[] | undefined {
  if (node.opType !== 'Reshape') return undefined;
  const shape = resolveWeight(index, node.input[1], undefined, depth + 1)?.values();
  if (!shape) return undefined;
  const total = inDims.reduce((a, b) => a * b, 1);
  const dims = Array.from(shape, (d, i) => (d === 0 ? inDims[i] : d));
  const known = dims.reduce((a, d) => (d === -1 ? a : a * d), 1);
  return dims.map((d) => (d === -1 ? total / known : d));
}

/**
 * Ops of the run-length storage form (passes/pack/runlength.ts) on constant 1-D tensors:
 * ConstantOfShape, CumSum (plain, axis 0) and ScatterElements (axis 0, no reduction).
 */
const RUN_LENGTH_OPS = new Set(['ConstantOfShape', 'CumSum', 'ScatterElements']);

function resolveRunLengthOp(index: GraphIndex, node: Node, outputDims: ((name: string) => number[] | undefined) | undefined, depth: number): ResolvedWeight | undefined {
  const inputs = node.input.map((i) => (i ? resolveWeight(index, i, outputDims, depth + 1) : undefined));
  if (inputs.some((w, i) => node.input[i] && !w)) return undefined;
  const sources = inputs.flatMap((w) => w?.sources ?? []);
  // Values travel as float32: positions past 2^24 would not be exact.
  if (inputs.some((w) => w && w.dims.reduce((a, b) => a * b, 1) > 2 ** 24)) return undefined;
  if (node.opType === 'ConstantOfShape') {
    const dims = Array.from(inputs[0]!.values());
    const t = constantTensor(node);
    const fill = t ? asNumbers(t)[0] ?? 0 : 0;
    return { dims, sources, encoding: 'plain', values: () => new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(fill) };
  }
  if (node.opType === 'CumSum') {
    const [x] = inputs;
    if (x!.dims.length !== 1 || attrInt(node, 'exclusive', 0) || attrInt(node, 'reverse', 0)) return undefined;
    return { ...x!, sources, values: () => { const v = x!.values(); for (let i = 1; i < v.length; i++) v[i] += v[i - 1]; return v; } };
  }
  const [data, positions, updates] = inputs;
  if (data!.dims.length !== 1 || attrInt(node, 'axis', 0) !== 0 || attrString(node, 'reduction', 'none') !== 'none') return undefined;
  return {
    dims: data!.dims, sources, encoding: 'plain',
    values: () => {
      const out = data!.values();
      const at = positions!.values();
      const u = updates!.values();
      for (let i = 0; i < at.length; i++) out[at[i] < 0 ? at[i] + out.length : at[i]] = u[i];
      return out;
    },
  };
}

const ELEMENTWISE: Record<string, (x: number, y: number) => number> = {
  Add: (x, y) => x + y, Sub: (x, y) => x - y, Mul: (x, y) => x * y, Div: (x, y) => x / y,
};

/** Numpy-style broadcast of two shapes, or undefined when they do not broadcast. */
function broadcastDims(a: number[], b: number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(Math.max(x, y));
  }
  return out;
}

function broadcastApply(a: Float32Array, aDims: number[], b: Float32Array, bDims: number[], dims: number[], op: (x: number, y: number) => number): Float32Array {
  const rank = dims.length;
  const stridesOf = (d: number[]): number[] => {
    const padded = [...new Array<number>(rank - d.length).fill(1), ...d];
    const strides = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let i = rank - 1; i >= 0; i--) {
      strides[i] = padded[i] === 1 ? 0 : acc;
      acc *= padded[i];
    }
    return strides;
  };
  const sa = stridesOf(aDims);
  const sb = stridesOf(bDims);
  const count = dims.reduce((x, y) => x * y, 1);
  const out = new Float32Array(count);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < count; o++) {
    let ia = 0;
    let ib = 0;
    for (let k = 0; k < rank; k++) { ia += idx[k] * sa[k]; ib += idx[k] * sb[k]; }
    out[o] = op(a[ia], b[ib]);
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k] < dims[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

function dequantize(q: Float32Array, dims: number[], scale: Float32Array, zero: Float32Array | undefined, axis: number): Float32Array {
  const out = new Float32Array(q.length);
  if (scale.length === 1) {
    const z = zero?.[0] ?? 0;
    for (let i = 0; i < q.length; i++) out[i] = (q[i] - z) * scale[0];
    return out;
  }
  const a = axis < 0 ? axis + dims.length : axis;
  const inner = dims.slice(a + 1).reduce((x, y) => x * y, 1);
  const channels = dims[a];
  for (let i = 0; i < q.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = (q[i] - (zero?.[c] ?? 0)) * scale[c];
  }
  return out;
}
