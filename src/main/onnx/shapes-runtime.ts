// The shape fallback: ask ONNX Runtime. Exposes intermediate values as graph outputs, runs
// one sample, and reads the shapes back — for ops without a static rule or data-dependent shapes.
import { createSession, ort } from '../runtime/session.ts';
import { WhittleError } from '../../shared/errors.ts';
import { DataType, onnx } from './proto.ts';
import { cloneModel, encodeModel, type Model } from './model.ts';
import { GraphIndex, valueInfoDims, valueInfoElemType } from './graph.ts';
import { inferShapes, isStaticShape, type Shape, type ShapeInference, type ShapeOptions } from './shapes.ts';

export interface RuntimeShapeOptions extends ShapeOptions {
  /** Values to measure; default every node output. */
  values?: string[];
  /** Inputs to feed; default zeros of each input's shape with symbols bound (N -> 1). */
  feeds?: Record<string, ort.Tensor>;
}

const ORT_TYPES: Partial<Record<number, ort.Tensor.Type>> = {
  [DataType.FLOAT]: 'float32', [DataType.INT64]: 'int64', [DataType.INT32]: 'int32', [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8', [DataType.BOOL]: 'bool', [DataType.DOUBLE]: 'float64', [DataType.FLOAT16]: 'float16',
};

function zeroFeed(v: onnx.ValueInfoProto, bindings: Record<string, number>): ort.Tensor {
  const dims = (valueInfoDims(v) ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : bindings[String(d)] ?? 1));
  const type = ORT_TYPES[valueInfoElemType(v)];
  if (!type) {
    throw new WhittleError('onnx.shape-feed', `Input '${v.name}' has a type Whittle cannot synthesize for shape inference.`, 'Give a sample input explicitly.');
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const data = type === 'int64' ? new BigInt64Array(count) : type === 'float16' ? new Uint16Array(count) : type === 'bool' ? new Uint8Array(count) : new (type === 'float32' ? Float32Array : type === 'float64' ? Float64Array : type === 'int32' ? Int32Array : type === 'int8' ? Int8Array : Uint8Array)(count);
  return new ort.Tensor(type, data as Float32Array, dims);
}

/** Shapes of `values` as ONNX Runtime computes them on one sample. */
export async function runtimeShapes(model: Model, options: RuntimeShapeOptions = {}): Promise<Map<string, number[]>> {
  const probe = cloneModel(model);
  const index = new GraphIndex(probe.graph);
  const existing = new Set(probe.graph.output.map((o) => o.name));
  const wanted = (options.values ?? probe.graph.node.flatMap((n) => n.output)).filter((v) => v && !index.isInitializer(v));
  const stat = inferShapes(probe, options);
  for (const name of wanted) {
    if (existing.has(name)) continue;
    const elemType = stat.elemTypes.get(name);
    // ORT needs an element type on graph outputs; values of unknown type are skipped.
    if (!elemType) continue;
    probe.graph.output.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType } } }));
    existing.add(name);
  }
  const session = await createSession(encodeModel(probe), { optimization: 'disabled', threads: 1 });
  try {
    const feeds: Record<string, ort.Tensor> = { ...options.feeds };
    for (const v of index.realInputs()) if (!feeds[v.name]) feeds[v.name] = zeroFeed(v, { N: 1, ...options.bindings });
    const outputs = await session.run(feeds);
    const result = new Map<string, number[]>();
    for (const name of wanted) if (outputs[name]) result.set(name, [...outputs[name].dims]);
    return result;
  } finally {
    await session.release();
  }
}

/** Static inference, then ONNX Runtime for every value whose shape stayed unknown or symbolic. */
export async function inferShapesComplete(model: Model, options: RuntimeShapeOptions = {}): Promise<ShapeInference & { fromRuntime: Set<string> }> {
  const bindings = { N: 1, ...options.bindings };
  const stat = inferShapes(model, { bindings });
  const missing = model.graph.node.flatMap((n) => n.output).filter((v) => v && !isStaticShape(stat.shapes.get(v)));
  const fromRuntime = new Set<string>();
  if (missing.length > 0) {
    const measured = await runtimeShapes(model, { ...options, bindings, values: missing });
    for (const [name, dims] of measured) {
      stat.shapes.set(name, dims as Shape);
      fromRuntime.add(name);
    }
  }
  return { ...stat, fromRuntime };
}
