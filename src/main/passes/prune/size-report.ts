// The size report of prune/share nodes: raw and gzip file size, bits per weight, parameters,
// non-zeros and MACs, per layer and in total — measured before and after a pass.
import { gzipSync } from 'node:zlib';
import type { Model, Tensor } from '../../onnx/model.ts';
import { encodeModel } from '../../onnx/model.ts';
import { GraphIndex, attrInt } from '../../onnx/graph.ts';
import { onnx } from '../../onnx/proto.ts';
import { tensorToArray, tensorToFloat32 } from '../../onnx/tensor.ts';
import { layerName } from './layers.ts';
import { layerMacs } from './macs.ts';
import type { LayerSize, SizeReport } from '../../../shared/reports/prune.ts';

export type { LayerSize, SizeReport };

interface Stored { tensors: Tensor[]; values: Float32Array | undefined }

/** The initializers behind a weight value and its logical float values (through Identity and codebook chains). */
function storedValue(index: GraphIndex, value: string, depth = 0): Stored {
  const t = index.initializers.get(value);
  if (t) return { tensors: [t], values: t.dataType === onnx.TensorProto.DataType.FLOAT ? tensorToFloat32(t) : undefined };
  const p = index.producer.get(value);
  if (!p || depth > 6) return { tensors: [], values: undefined };
  if (['Identity', 'Cast'].includes(p.opType)) return storedValue(index, p.input[0], depth + 1);
  if (p.opType === 'Add') {
    const a = storedValue(index, p.input[0], depth + 1); const b = storedValue(index, p.input[1], depth + 1);
    const ints = [a, b].map((s) => s.tensors.length ? s.tensors : []);
    return { tensors: ints.flat(), values: undefined };
  }
  if (p.opType === 'Gather' && attrInt(p, 'axis', 0) === 0) {
    const book = storedValue(index, p.input[0], depth + 1);
    const idx = indexValues(index, p.input[1]);
    return { tensors: [...book.tensors, ...storedValue(index, p.input[1], depth + 1).tensors], values: book.values && idx ? Float32Array.from(idx, (i) => book.values![i]) : undefined };
  }
  return { tensors: [], values: undefined };
}

/** Integer values of a Cast/Add chain over uint8 indices and int32 offsets (the share layout). */
function indexValues(index: GraphIndex, value: string): number[] | undefined {
  const t = index.initializers.get(value);
  if (t) return Array.from(tensorToArray(t) as ArrayLike<number>, Number);
  const p = index.producer.get(value);
  if (p?.opType === 'Cast') return indexValues(index, p.input[0]);
  if (p?.opType === 'Add') {
    const a = indexValues(index, p.input[0]); const bT = index.initializers.get(p.input[1]);
    if (!a || !bT) return undefined;
    const b = Array.from(tensorToArray(bT) as ArrayLike<number>, Number);
    const aDims = storedDims(index, p.input[0]); const bDims = bT.dims.map(Number);
    if (!aDims) return undefined;
    return a.map((v, i) => v + b[broadcastIndex(i, aDims, bDims)]);
  }
  return undefined;
}

function storedDims(index: GraphIndex, value: string): number[] | undefined {
  const t = index.initializers.get(value);
  if (t) return t.dims.map(Number);
  const p = index.producer.get(value);
  return p && (p.opType === 'Cast' || p.opType === 'Identity') ? storedDims(index, p.input[0]) : undefined;
}

function broadcastIndex(flat: number, dims: number[], bDims: number[]): number {
  let rem = flat; let out = 0; let stride = 1;
  for (let a = dims.length - 1; a >= 0; a--) {
    const i = rem % dims[a]; rem = Math.floor(rem / dims[a]);
    const bd = bDims[a - (dims.length - bDims.length)] ?? 1;
    out += (bd === 1 ? 0 : i) * stride; stride *= bd;
  }
  return out;
}

function bytesOf(tensors: Tensor[]): Uint8Array[] {
  return tensors.map((t) => onnx.TensorProto.encode(t as onnx.TensorProto).finish());
}

export async function sizeReport(model: Model, bytes: Uint8Array = encodeModel(model)): Promise<SizeReport> {
  const index = new GraphIndex(model.graph);
  const macs = new Map((await layerMacs(model).catch(() => [])).map((m) => [m.layer, m.macs]));
  const layers: LayerSize[] = [];
  for (const n of model.graph.node) {
    if (!['Conv', 'Gemm', 'MatMul'].includes(n.opType)) continue;
    const parts = [n.input[1], n.input[2]].filter(Boolean).map((v) => storedValue(index, v));
    if (parts[0].tensors.length === 0) continue;
    const tensors = [...new Set(parts.flatMap((p) => p.tensors))];
    const raw = bytesOf(tensors);
    const storedBytes = raw.reduce((a, b) => a + b.length, 0);
    const joined = Buffer.concat(raw);
    const params = parts.reduce((a, p) => a + (p.values?.length ?? 0), 0);
    const nonzeros = parts.reduce((a, p) => a + (p.values ? p.values.reduce((z, v) => z + (v !== 0 ? 1 : 0), 0) : 0), 0);
    layers.push({ layer: layerName(n), opType: n.opType, params, nonzeros, storedBytes, gzipBytes: gzipSync(joined).length, bitsPerWeight: params ? (storedBytes * 8) / params : 0, macs: macs.get(layerName(n)) ?? 0 });
  }
  const params = layers.reduce((a, l) => a + l.params, 0);
  return {
    fileBytes: bytes.length,
    gzipBytes: gzipSync(bytes).length,
    params,
    nonzeros: layers.reduce((a, l) => a + l.nonzeros, 0),
    macs: layers.reduce((a, l) => a + l.macs, 0),
    bitsPerWeight: params ? (bytes.length * 8) / params : 0,
    layers,
  };
}

/** Flat before/after figures for a node's metrics table. */
export function sizeMetrics(before: SizeReport, after: SizeReport): Record<string, number> {
  return {
    sizeBytes: after.fileBytes,
    gzipBytes: after.gzipBytes,
    sizeRatio: after.fileBytes / before.fileBytes,
    gzipRatio: after.gzipBytes / before.gzipBytes,
    params: after.params,
    nonzeros: after.nonzeros,
    sparsity: after.params ? 1 - after.nonzeros / after.params : 0,
    macs: after.macs,
    macsRatio: before.macs ? after.macs / before.macs : 1,
    bitsPerWeight: after.bitsPerWeight,
  };
}
