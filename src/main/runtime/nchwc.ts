// MLAS's blocked-channel (NCHWc) layout as ONNX Runtime exposes it: the domain of its NCHWc ops
// and the channel block of this CPU. The training graph runs its Convs on these ops; calibration
// reads per-sample ranges straight off values ORT keeps in this layout.
import { makeNode } from '../onnx/graph.ts';
import { onnx } from '../onnx/proto.ts';
import { ort } from './session.ts';

export const NCHWC_DOMAIN = 'com.microsoft.nchwc';

let blockSize: Promise<number> | undefined;

/**
 * MLAS's channel block on this CPU (8 with AVX2, 16 with AVX-512), read from ORT itself: a
 * ReorderInput pads 4 channels up to one block. 0 where the NCHWc ops are missing.
 */
export function nchwcBlockSize(): Promise<number> {
  blockSize ??= probeBlockSize();
  return blockSize;
}

async function probeBlockSize(): Promise<number> {
  const dims = [1, 4, 1, 1];
  const info = (name: string) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, { domain: NCHWC_DOMAIN, version: 1 }],
    graph: { name: 'nchwc-probe', node: [makeNode('ReorderInput', ['x'], ['y'], { domain: NCHWC_DOMAIN })], input: [info('x')], output: [onnx.ValueInfoProto.create({ name: 'y' })] },
  });
  try {
    const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), { intraOpNumThreads: 1, logSeverityLevel: 3 });
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(4), dims) });
    await session.release();
    const block = Number(out.y.dims[1]);
    return block >= 4 ? block : 0;
  } catch {
    return 0;
  }
}
