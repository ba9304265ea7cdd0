// Static shapes (and small constant values) of every value in a graph, found by running it
// once through ONNX Runtime with every value exposed: training graphs use a fixed batch size.
import { onnx } from '../onnx/proto.ts';
import { encodeModel, type Model } from '../onnx/model.ts';
import { tensorToArray } from '../onnx/tensor.ts';
import { attr } from '../onnx/graph.ts';
import { createSession, ort } from '../runtime/session.ts';

export interface ProbeResult {
  shapes: Map<string, number[]>;
  /** Values of tensors with at most SMALL_VALUE_LIMIT elements (shape tensors, axes, pads, scalars). */
  values: Map<string, number[]>;
}

const SMALL_VALUE_LIMIT = 64;

function small(arr: ArrayLike<number | bigint>): number[] | undefined {
  if (arr.length > SMALL_VALUE_LIMIT) return undefined;
  return Array.from(arr as ArrayLike<number>, (v) => Number(v));
}

/** Shapes and small values of initializers and Constant nodes, known without running anything. */
export function staticValues(model: Model, into: ProbeResult = { shapes: new Map(), values: new Map() }): ProbeResult {
  for (const t of model.graph.initializer) {
    into.shapes.set(t.name, t.dims.map(Number));
    const v = t.dataType === onnx.TensorProto.DataType.STRING ? undefined : small(tensorToArray(t) as ArrayLike<number>);
    if (v) into.values.set(t.name, v);
  }
  for (const n of model.graph.node) {
    if (n.opType !== 'Constant') continue;
    const t = attr(n, 'value', undefined) as onnx.ITensorProto | undefined;
    if (t) {
      into.shapes.set(n.output[0], (t.dims ?? []).map(Number));
      const v = small(tensorToArray(t) as ArrayLike<number>);
      if (v) into.values.set(n.output[0], v);
    }
  }
  return into;
}

/** Run `model` once on `feeds` with every node output exposed; the model is not modified. */
export async function probeModel(model: Model, feeds: Record<string, ort.Tensor>): Promise<ProbeResult> {
  const exposed: Model = { ...model, graph: { ...model.graph, output: [...model.graph.output] } } as Model;
  const known = new Set(exposed.graph.output.map((o) => o.name));
  for (const n of model.graph.node) {
    for (const o of n.output) {
      if (o && !known.has(o)) {
        known.add(o);
        exposed.graph.output.push(onnx.ValueInfoProto.create({ name: o }));
      }
    }
  }
  const result = staticValues(model);
  for (const [name, t] of Object.entries(feeds)) result.shapes.set(name, [...t.dims]);
  // Probing runs unoptimized so ONNX Runtime does not fold away values we ask for.
  const session = await createSession(encodeModel(exposed), { optimization: 'disabled', threads: 1 });
  try {
    const outputs = await session.run(feeds);
    for (const [name, t] of Object.entries(outputs)) {
      result.shapes.set(name, [...t.dims]);
      if (t.type !== 'string' && t.type !== 'bool' && t.type !== 'float32' && t.size <= SMALL_VALUE_LIMIT) {
        result.values.set(name, small(t.data as ArrayLike<number>)!);
      } else if (t.type === 'float32' && t.size <= 1) {
        result.values.set(name, small(t.data as Float32Array)!);
      }
    }
  } finally {
    await session.release();
  }
  return result;
}
