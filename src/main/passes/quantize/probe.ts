// Types and shapes of every value in a model, read from ONNX Runtime by exposing each
// node output as a graph output (how calibration and the plan know what is float).
import { onnx } from '../../onnx/proto.ts';
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

export async function probeValueTypes(model: Model): Promise<Map<string, ValueType>> {
  const names = model.graph.node.flatMap((n) => n.output.filter((o) => o !== ''));
  const probe = withExtraOutputs(model, names);
  const session = await createSession(encodeModel(probe), { optimization: 'disabled', threads: 1 });
  try {
    const types = new Map<string, ValueType>();
    for (const m of [...session.inputMetadata, ...session.outputMetadata]) {
      if (m.isTensor) types.set(m.name, { type: m.type, shape: [...m.shape] });
      else types.set(m.name, { type: 'non-tensor', shape: [] });
    }
    return types;
  } finally {
    await session.release();
  }
}
