// Static shape inference: walks the graph in topological order, applying the per-op rules
// of shape-rules.ts, and folds the small constant tensors that feed shapes (PyTorch's
// Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains), symbols such as 'N' included.
import { DataType } from './proto.ts';
import type { Model, Node } from './model.ts';
import { attr, attrInt, topologicalOrder, valueInfoDims, valueInfoElemType } from './graph.ts';
import { tensorToArray } from './tensor.ts';
import { opsetVersion } from './model.ts';
import { SHAPE_RULES, broadcast, type Dim, type Shape } from './shape-rules.ts';
import type { onnx } from './proto.ts';

export type { Dim, Shape } from './shape-rules.ts';

export interface ShapeInference {
  /** Shape of every value whose shape is known (inputs, initializers, node outputs). */
  shapes: Map<string, Shape>;
  /** Element type (onnx DataType) of every value whose type is known. */
  elemTypes: Map<string, number>;
  /** Folded values of small constant tensors (flattened), symbols allowed. */
  values: Map<string, Dim[]>;
  /** Op types without a shape rule met in the graph. */
  unsupportedOps: Set<string>;
}

export interface ShapeOptions {
  /** Sizes for symbolic dims, e.g. { N: 1 }. */
  bindings?: Record<string, number>;
}

/** Constant tensors up to this many elements are folded (shape vectors, scalars, axes). */
const MAX_FOLDED_ELEMENTS = 64;

const isNum = (d: Dim | undefined): d is number => typeof d === 'number';

function tensorValues(t: onnx.ITensorProto): Dim[] | undefined {
  const count = (t.dims ?? []).reduce((a: number, b) => a * Number(b), 1);
  if (count > MAX_FOLDED_ELEMENTS) return undefined;
  const dt = t.dataType;
  if (dt !== DataType.INT64 && dt !== DataType.INT32 && dt !== DataType.FLOAT && dt !== DataType.DOUBLE) return undefined;
  try {
    return Array.from(tensorToArray(t) as ArrayLike<number | bigint>, (v) => Number(v));
  } catch {
    return undefined;
  }
}

function constantNodeTensor(node: Node): onnx.ITensorProto | undefined {
  const t = attr(node, 'value', undefined);
  if (t && typeof t === 'object' && !Array.isArray(t) && 'dims' in t) return t as onnx.ITensorProto;
  return undefined;
}

/** Value of a Constant node and its shape. */
function constantNode(node: Node): { shape: Shape; values?: Dim[]; elemType: number } | undefined {
  const t = constantNodeTensor(node);
  if (t) return { shape: (t.dims ?? []).map(Number), values: tensorValues(t), elemType: t.dataType ?? 0 };
  for (const a of node.attribute) {
    if (a.name === 'value_int') return { shape: [], values: [Number(a.i)], elemType: DataType.INT64 };
    if (a.name === 'value_float') return { shape: [], values: [a.f ?? 0], elemType: DataType.FLOAT };
    if (a.name === 'value_ints') { const v = (a.ints ?? []).map(Number); return { shape: [v.length], values: v, elemType: DataType.INT64 }; }
    if (a.name === 'value_floats') { const v = [...(a.floats ?? [])]; return { shape: [v.length], values: v, elemType: DataType.FLOAT }; }
  }
  return undefined;
}

/** Fold the ops that compute shapes from other shapes; everything else stays non-constant. */
function foldValue(node: Node, value: (i: number) => Dim[] | undefined, shape: (i: number) => Shape | undefined): Dim[] | undefined {
  const v0 = value(0);
  switch (node.opType) {
    case 'Shape': {
      const s = shape(0);
      if (!s) return undefined;
      const start = attrInt(node, 'start', 0);
      const end = attrInt(node, 'end', s.length);
      return s.slice(start < 0 ? start + s.length : start, end < 0 ? end + s.length : end);
    }
    case 'Size': {
      const s = shape(0);
      return s && s.every(isNum) ? [(s as number[]).reduce((a, b) => a * b, 1)] : undefined;
    }
    case 'Identity': case 'Unsqueeze': case 'Squeeze': case 'Reshape': case 'Flatten': case 'Cast':
      return v0;
    case 'Gather': {
      const idx = value(1);
      if (!v0 || !idx || (shape(0)?.length ?? 0) > 1) return undefined;
      return idx.map((i) => v0[isNum(i) && i < 0 ? i + v0.length : (i as number)]);
    }
    case 'Concat': {
      const parts = node.input.map((_, i) => value(i));
      return parts.every((p) => p !== undefined) ? parts.flat() as Dim[] : undefined;
    }
    case 'Slice': {
      const starts = value(1);
      const ends = value(2);
      if (!v0 || !starts || !ends || !isNum(starts[0]) || !isNum(ends[0])) return undefined;
      const n = v0.length;
      const s = starts[0] < 0 ? starts[0] + n : Math.min(starts[0], n);
      const e = ends[0] < 0 ? ends[0] + n : Math.min(ends[0], n);
      return v0.slice(s, e);
    }
    case 'Add': case 'Sub': case 'Mul': case 'Div': {
      const v1 = value(1);
      if (!v0 || !v1) return undefined;
      const n = Math.max(v0.length, v1.length);
      const out: Dim[] = [];
      for (let i = 0; i < n; i++) {
        const a = v0[v0.length === 1 ? 0 : i];
        const b = v1[v1.length === 1 ? 0 : i];
        if (!isNum(a) || !isNum(b)) return undefined;
        out.push(node.opType === 'Add' ? a + b : node.opType === 'Sub' ? a - b : node.opType === 'Mul' ? a * b : Math.trunc(a / b));
      }
      return out;
    }
    // PyTorch's expand(): Where(Equal(shape, ConstantOfShape * -1), ones, shape) picks the shape.
    case 'ConstantOfShape': {
      const fill = constantNodeTensor(node);
      const n = v0?.length === 1 ? v0[0] : undefined;
      if (!isNum(n) || n > MAX_FOLDED_ELEMENTS) return undefined;
      const f = fill ? tensorValues(fill)?.[0] : 0;
      return isNum(f) ? Array.from({ length: n }, () => f) : undefined;
    }
    case 'Equal': {
      const v1 = value(1);
      if (!v0 || !v1 || v0.length !== v1.length) return undefined;
      // A symbolic dimension is a size: never negative, equal to itself.
      const eq = (a: Dim, b: Dim): number | undefined => (isNum(a) && isNum(b) ? Number(a === b) : a === b ? 1 : (isNum(a) && a < 0) || (isNum(b) && b < 0) ? 0 : undefined);
      const out = v0.map((a, i) => eq(a, v1[i]));
      return out.every(isNum) ? out as number[] : undefined;
    }
    case 'Where': {
      const [v1, v2] = [value(1), value(2)];
      if (!v0 || !v1 || !v2 || v1.length !== v0.length || v2.length !== v0.length || !v0.every(isNum)) return undefined;
      return v0.map((c, i) => (c ? v1[i] : v2[i]));
    }
    default:
      return undefined;
  }
}

const BOOL_OPS = new Set(['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not', 'IsNaN', 'IsInf']);
const INT64_OPS = new Set(['Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero']);

function outputElemType(node: Node, index: number, typeOf: (name: string) => number | undefined): number | undefined {
  if (INT64_OPS.has(node.opType) || (node.opType === 'MaxPool' && index === 1)) return DataType.INT64;
  if (BOOL_OPS.has(node.opType) || (node.opType === 'Dropout' && index === 1)) return DataType.BOOL;
  if (node.opType === 'Cast') return attrInt(node, 'to', 0);
  if (node.opType === 'CastLike') return typeOf(node.input[1]);
  if (node.opType === 'DequantizeLinear') return typeOf(node.input[1]) ?? DataType.FLOAT;
  if (node.opType === 'QuantizeLinear') return node.input[2] ? typeOf(node.input[2]) : DataType.UINT8;
  if (node.opType === 'ConstantOfShape') {
    const t = constantNodeTensor(node);
    return t?.dataType ?? DataType.FLOAT;
  }
  if (node.opType === 'Where') return typeOf(node.input[1]);
  return typeOf(node.input[0]);
}

export function inferShapes(model: Model, options: ShapeOptions = {}): ShapeInference {
  const graph = model.graph;
  const result: ShapeInference = { shapes: new Map(), elemTypes: new Map(), values: new Map(), unsupportedOps: new Set() };
  const { shapes, elemTypes, values } = result;
  let unknownCount = 0;
  const unknown = (): string => `?${++unknownCount}`;
  const bind = (d: number | string): Dim => (typeof d === 'string' ? options.bindings?.[d] ?? d : d < 0 ? unknown() : d);

  for (const v of graph.input) {
    const dims = valueInfoDims(v);
    if (dims) shapes.set(v.name, dims.map(bind));
    elemTypes.set(v.name, valueInfoElemType(v));
  }
  for (const t of graph.initializer) {
    shapes.set(t.name, t.dims.map(Number));
    elemTypes.set(t.name, t.dataType);
    const v = tensorValues(t);
    if (v) values.set(t.name, v);
  }
  // Shapes the file declares (value_info, outputs) fill in where no rule applies.
  const hints = new Map<string, onnx.IValueInfoProto>();
  for (const v of [...graph.valueInfo, ...graph.output]) hints.set(v.name, v);
  const opset = opsetVersion(model) ?? 17;

  for (const node of topologicalOrder(graph)) {
    const outs = inferNode(node, opset, result, unknown);
    node.output.forEach((name, i) => {
      if (!name) return;
      const hint = hints.get(name);
      const s = outs?.[i] ?? (hint ? valueInfoDims(hint)?.map(bind) : undefined);
      if (s) shapes.set(name, s);
      if (!elemTypes.has(name)) {
        const t = outputElemType(node, i, (n) => elemTypes.get(n)) ?? (hint ? valueInfoElemType(hint) : undefined);
        if (t) elemTypes.set(name, t);
      }
    });
  }
  return result;
}

/** Output shapes of one node (recording folded constants in `state`), or undefined. */
function inferNode(node: Node, opset: number, state: ShapeInference, unknown: () => string): (Shape | undefined)[] | undefined {
  const { shapes, values, elemTypes } = state;
  const shape = (i: number): Shape | undefined => (node.input[i] ? shapes.get(node.input[i]) : undefined);
  const value = (i: number): Dim[] | undefined => (node.input[i] ? values.get(node.input[i]) : undefined);
  if (node.opType === 'Constant') {
    const c = constantNode(node);
    if (!c) return undefined;
    if (c.values) values.set(node.output[0], c.values);
    elemTypes.set(node.output[0], c.elemType);
    return [c.shape];
  }
  let outs: (Shape | undefined)[] | undefined;
  const rule = node.domain === '' || node.domain === 'ai.onnx' || node.domain === 'com.microsoft' ? SHAPE_RULES[node.opType] : undefined;
  if (rule) {
    try {
      outs = rule({ node, opset, shape, value, unknown });
    } catch {
      outs = undefined; // a malformed node: leave its outputs unknown
    }
  } else {
    state.unsupportedOps.add(node.domain ? `${node.domain}.${node.opType}` : node.opType);
  }
  const folded = foldValue(node, value, shape);
  if (folded) values.set(node.output[0], folded);
  return outs;
}

/** Numpy-style broadcast of two shapes (exported for passes that build elementwise ops). */
export function broadcastShapes(a: Shape, b: Shape): Shape {
  let n = 0;
  return broadcast([a, b], { node: undefined as unknown as Node, opset: 17, shape: () => undefined, value: () => undefined, unknown: () => `?b${++n}` })!;
}

/** True when every dim is a number. */
export function isStaticShape(shape: Shape | undefined): shape is number[] {
  return shape !== undefined && shape.every(isNum);
}
