// Static shapes (and small constant values) of every value in a graph, found by running it
// once through ONNX Runtime with every value exposed: training graphs use a fixed batch size.
import { onnx } from '../onnx/proto.ts';
import { encodeModel, type Model } from '../onnx/model.ts';
import { tensorToArray } from '../onnx/tensor.ts';
import { attr } from '../onnx/graph.ts';
import { availableParallelism } from 'node:os';
import { createSession, getAutoThreads, ort } from '../runtime/session.ts';

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

const SHAPE_SUFFIX = '::probe_shape';

/**
 * `model` with every node output observable: values read as operands (shapes, axes, pads,
 * indices: input slots after the first) are exposed whole, every other value only through a
 * Shape node, so ONNX Runtime can reuse activation buffers and hands back a few integers.
 */
function observable(model: Model, everything: boolean): Model {
  const outputs = [...model.graph.output];
  const extra: onnx.INodeProto[] = [];
  const known = new Set(outputs.map((o) => o.name));
  const operands = new Set(model.graph.node.flatMap((n) => n.input.slice(1)));
  for (const n of model.graph.node) {
    for (const o of n.output) {
      if (!o || known.has(o)) continue;
      known.add(o);
      if (everything || operands.has(o)) outputs.push(onnx.ValueInfoProto.create({ name: o }));
      else {
        extra.push(onnx.NodeProto.create({ opType: 'Shape', input: [o], output: [o + SHAPE_SUFFIX], name: o + SHAPE_SUFFIX }));
        outputs.push(onnx.ValueInfoProto.create({ name: o + SHAPE_SUFFIX }));
      }
    }
  }
  return { ...model, graph: { ...model.graph, node: [...model.graph.node, ...extra], output: outputs } } as Model;
}

/** Run `model` once on `feeds` with every node output observable; the model is not modified. */
export async function probeModel(model: Model, feeds: Record<string, ort.Tensor>): Promise<ProbeResult> {
  try {
    return await probeWith(observable(model, false), model, feeds);
  } catch {
    // A value Shape cannot take (a sequence, an optional): expose every value whole instead.
    return probeWith(observable(model, true), model, feeds);
  }
}

async function probeWith(exposed: Model, model: Model, feeds: Record<string, ort.Tensor>): Promise<ProbeResult> {
  const result = staticValues(model);
  for (const [name, t] of Object.entries(feeds)) result.shapes.set(name, [...t.dims]);
  // Probing runs unoptimized so ONNX Runtime does not fold away values we ask for. On the job's
  // share of the cores (every core outside the engine, where ORT's own default took one here):
  // the probes are most of a large model's build (EfficientNet-B0-style at 224x224, four runs:
  // 3.4 s of a 5.2 s build on one thread; the build 4.6-5.3 s on one, 4.1-4.3 s on two).
  const session = await createSession(encodeModel(exposed), { optimization: 'disabled', threads: getAutoThreads() || availableParallelism() });
  try {
    const outputs = await session.run(feeds);
    for (const [name, t] of Object.entries(outputs)) {
      if (name.endsWith(SHAPE_SUFFIX)) {
        result.shapes.set(name.slice(0, -SHAPE_SUFFIX.length), Array.from(t.data as BigInt64Array, Number));
        continue;
      }
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

/**
 * Shapes and small values at batch `batch` without running that batch: probe at batch 1 and 2 and
 * extend every batch-dependent dim (and shape value) linearly. A probe runs the whole graph, so at
 * an ImageNet batch it would be most of the build time. Falls
 * back to probing at `batch` when the two probes disagree in anything but linear sizes (or fail).
 */
export async function probeAtBatch(model: Model, feedsAt: (batch: number) => Record<string, ort.Tensor>, batch: number): Promise<ProbeResult> {
  if (batch <= 2) return probeModel(model, feedsAt(batch));
  let one: ProbeResult;
  let two: ProbeResult;
  try {
    one = await probeModel(model, feedsAt(1));
    two = await probeModel(model, feedsAt(2));
  } catch {
    return probeModel(model, feedsAt(batch));
  }
  return extrapolate(one, two, batch) ?? probeModel(model, feedsAt(batch));
}

/** f(1) = a, f(2) = b, f(n) = a + (b - a)(n - 1); undefined when a size would shrink. */
function linear(a: readonly number[], b: readonly number[], n: number): number[] | undefined {
  if (a.length !== b.length) return undefined;
  const out = a.map((v, i) => v + (b[i] - v) * (n - 1));
  return a.every((v, i) => b[i] >= v) ? out : undefined;
}

function extrapolate(one: ProbeResult, two: ProbeResult, n: number): ProbeResult | undefined {
  const result: ProbeResult = { shapes: new Map(), values: new Map() };
  for (const [name, dims] of one.shapes) {
    const other = two.shapes.get(name);
    const dimsN = other && linear(dims, other, n);
    if (!dimsN) return undefined;
    result.shapes.set(name, dimsN);
  }
  for (const [name, v] of one.values) {
    const other = two.values.get(name);
    if (!other) continue;
    if (v.every((x, i) => x === other[i]) && v.length === other.length) { result.values.set(name, v); continue; }
    // A value whose own shape follows the batch, or a fraction that changes with it, is data
    // (a loss, a prediction): nothing a rewrite may treat as a constant, so it is not kept.
    const shapeOne = one.shapes.get(name);
    const shapeTwo = two.shapes.get(name);
    if (!shapeOne || !shapeTwo || shapeOne.length !== shapeTwo.length || shapeOne.some((d, i) => d !== shapeTwo[i])) continue;
    if (!v.every(Number.isInteger) || !other.every(Number.isInteger)) continue;
    // An integer that changes with the batch is a shape (a Shape op, a computed Reshape target).
    const vN = linear(v, other, n);
    if (!vN) return undefined;
    result.values.set(name, vN);
  }
  return result;
}
