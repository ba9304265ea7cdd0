// Types and shapes of every value in a model, read from ONNX Runtime by exposing each
// node output as a graph output (how calibration and the plan know what is float).
import { DataType, onnx } from '../../onnx/proto.ts';
import { makeValueInfo } from '../../onnx/graph.ts';
import { copySharingTensors, encodeModel, type Model } from '../../onnx/model.ts';
import { createSession } from '../../runtime/session.ts';

export interface ValueType {
  type: string;
  shape: (number | string)[];
}

/** A copy of `model` whose graph outputs also include `names` (in that order, after the originals). */
export function withExtraOutputs(model: Model, names: string[]): Model {
  const copy = copySharingTensors(model);
  const present = new Set(copy.graph.output.map((o) => o.name));
  for (const name of names) {
    if (present.has(name)) continue;
    copy.graph.output.push(onnx.ValueInfoProto.create({ name }));
    present.add(name);
  }
  return copy;
}

/**
 * Types and shapes as ONNX Runtime infers them. Large float initializers (weights) go to the
 * probe as typed graph inputs without their data: shape inference reads only their shapes
 * (values it reads, e.g. Reshape's shape or Resize's scales, are small or integer and stay), and
 * the probe neither encodes nor loads the weights (EfficientNet-B0-style: 21 MB).
 */
export async function probeValueTypes(model: Model): Promise<Map<string, ValueType>> {
  const names = model.graph.node.flatMap((n) => n.output.filter((o) => o !== ''));
  const probe = withExtraOutputs(model, names);
  const weights = new Set<string>();
  const inputs = new Set(probe.graph.input.map((v) => v.name));
  probe.graph.initializer = probe.graph.initializer.filter((t) => {
    const count = (t.dims ?? []).reduce((a, d) => a * Number(d), 1);
    if (!FLOAT_TYPES.has(t.dataType ?? 0) || count <= WEIGHT_MIN_ELEMENTS || inputs.has(t.name)) return true;
    probe.graph.input.push(makeValueInfo(t.name, t.dataType!, t.dims.map(Number)));
    weights.add(t.name);
    return false;
  });
  const session = await createSession(encodeModel(probe), { optimization: 'disabled', threads: 1 });
  try {
    const types = new Map<string, ValueType>();
    for (const m of [...session.inputMetadata, ...session.outputMetadata]) {
      if (weights.has(m.name)) continue;
      if (m.isTensor) types.set(m.name, { type: m.type, shape: [...m.shape] });
      else types.set(m.name, { type: 'non-tensor', shape: [] });
    }
    return types;
  } finally {
    await session.release();
  }
}

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.DOUBLE]);
/** Float initializers up to this size keep their data (scales, bounds, constants a shape may read). */
const WEIGHT_MIN_ELEMENTS = 64;
