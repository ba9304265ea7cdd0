// Structured ONNX mutations: the file stays valid protobuf but says odd things (absurd or
// negative dims, external data in odd places, wrong types, unknown ops, dangling inputs).
import { decodeModel, encodeModel } from '../../src/main/onnx/model.ts';
import { onnx } from '../../src/main/onnx/proto.ts';
import { int, pick, type Rng } from './mutate.ts';

export function mutateModel(rng: Rng, seed: Uint8Array): Uint8Array {
  const model = decodeModel(seed);
  const g = model.graph;
  switch (int(rng, 8)) {
    case 0: {
      const dims = g.input[0]?.type?.tensorType?.shape?.dim ?? [];
      for (const d of dims) if (rng() < 0.7) d.dimValue = pick(rng, [0, -1, 1e12, 2 ** 31, 2 ** 53, 7]);
      break;
    }
    case 1: {
      const t = pick(rng, g.initializer);
      t.rawData = new Uint8Array(0);
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      t.externalData = [{ key: 'location', value: pick(rng, ['.', './', '..', '../x.bin', '/etc/passwd', 'missing.bin', 'a\u0000b', '']) }, { key: 'offset', value: pick(rng, ['0', '-5', '1e30', 'x']) }, { key: 'length', value: pick(rng, ['600', '0', '-1', '99999999999']) }];
      break;
    }
    case 2: pick(rng, g.initializer).dataType = pick(rng, [0, 7, 11, 16, 999]); break;
    case 3: pick(rng, g.node).opType = pick(rng, ['NoSuchOp', '', 'Loop', 'Conv', 'Gemm']); break;
    case 4: pick(rng, g.node).input.push(pick(rng, ['missing', '', g.node[0]?.output[0] ?? 'x'])); break;
    case 5: { const t = pick(rng, g.initializer); t.dims = t.dims.map(() => pick(rng, [0, -3, 1e9, 3])); break; }
    case 6: model.opsetImport = [{ domain: '', version: pick(rng, [0, 1, 99, -1]) }]; break;
    default: g.node.push({ ...pick(rng, g.node), output: [pick(rng, g.node).output[0] ?? 'y'] } as typeof g.node[number]); break;
  }
  return encodeModel(model);
}
