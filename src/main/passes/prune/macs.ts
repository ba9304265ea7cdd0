// Multiply-accumulates per Conv/Gemm/MatMul layer, from the output shapes ONNX Runtime
// computes for one sample (free axes set to 1) — exact for whatever the runtime runs.
import type { Model } from '../../onnx/model.ts';
import { cloneModel, encodeModel } from '../../onnx/model.ts';
import { GraphIndex, makeValueInfo, valueInfoDims, valueInfoElemType } from '../../onnx/graph.ts';
import { DataType } from '../../onnx/proto.ts';
import { createSession, ort } from '../../runtime/session.ts';
import { layerName, resolveInitializer } from './layers.ts';

export interface LayerMacs { layer: string; opType: string; macs: number }

function zeroFeed(type: number, dims: number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (type === DataType.INT64) return new ort.Tensor('int64', new BigInt64Array(n), dims);
  if (type === DataType.INT32) return new ort.Tensor('int32', new Int32Array(n), dims);
  return new ort.Tensor('float32', new Float32Array(n), dims);
}

/** MACs of every Conv/Gemm/MatMul for a batch of one; layers whose shapes stay unknown count 0. */
export async function layerMacs(model: Model, inputShapes: Record<string, number[]> = {}): Promise<LayerMacs[]> {
  const probe = cloneModel(model);
  const g = probe.graph;
  const index = new GraphIndex(g);
  const layers = g.node.filter((n) => ['Conv', 'Gemm', 'MatMul', 'ConvTranspose'].includes(n.opType));
  const existing = new Set(g.output.map((o) => o.name));
  // Layer outputs, and weights computed in the graph (e.g. codebook Gathers), become outputs.
  const wanted = [...new Set(layers.flatMap((n) => [n.output[0], ...(resolveInitializer(index, n.input[1]) ? [] : [n.input[1]])]))];
  for (const v of wanted) if (!existing.has(v) && !index.inputs.has(v)) g.output.push(makeValueInfo(v, DataType.FLOAT, undefined));
  g.valueInfo = [];
  const session = await createSession(encodeModel(probe), { threads: 1, optimization: 'disabled' });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const v of index.realInputs()) {
      const dims = inputShapes[v.name] ?? (valueInfoDims(v) ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : 1));
      feeds[v.name] = zeroFeed(valueInfoElemType(v), dims);
    }
    const outs = await session.run(feeds, wanted.filter((v) => !index.inputs.has(v)));
    return layers.map((n) => {
      const out = outs[n.output[0]];
      const w = resolveInitializer(index, n.input[1]);
      const wDims = w?.dims.map(Number) ?? shapeOfComputed(outs, n.input[1]);
      if (!out || !wDims) return { layer: layerName(n), opType: n.opType, macs: 0 };
      const outCount = out.dims.reduce((a, b) => a * Number(b), 1);
      if (n.opType === 'Conv' || n.opType === 'ConvTranspose') {
        const perOutput = wDims.slice(1).reduce((a, b) => a * b, 1);
        return { layer: layerName(n), opType: n.opType, macs: outCount * perOutput };
      }
      const k = n.opType === 'Gemm' && !Number(n.attribute.find((a) => a.name === 'transB')?.i ?? 0) ? wDims[0] : n.opType === 'Gemm' ? wDims[1] : wDims[wDims.length - 2];
      return { layer: layerName(n), opType: n.opType, macs: outCount * k };
    });
  } finally {
    await session.release();
  }
}

function shapeOfComputed(outs: Record<string, ort.Tensor>, name: string): number[] | undefined {
  return outs[name]?.dims.map(Number);
}
