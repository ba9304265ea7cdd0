// The size report of prune/share nodes: raw and gzip file size, bits per weight, parameters,
// non-zeros and MACs, per layer and in total — measured before and after a pass.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import type { Model, Tensor } from '../../onnx/model.ts';
import { encodeModel } from '../../onnx/model.ts';
import { attr, GraphIndex } from '../../onnx/graph.ts';
import { onnx } from '../../onnx/proto.ts';
import { modelStats, type LayerStats } from '../../onnx/stats.ts';
import { byteSizeOf, elementCount } from '../../onnx/tensor.ts';
import type { LayerSize, SizeReport } from '../../../shared/reports/prune.ts';

export type { LayerSize, SizeReport };

/** The tensor behind a weight source: an initializer, or the value of a Constant node. */
function storedTensor(index: GraphIndex, name: string): Tensor | undefined {
  const init = index.initializers.get(name);
  if (init) return init;
  const p = index.producer.get(name);
  const t = p?.opType === 'Constant' ? attr(p, 'value', undefined) : undefined;
  return t && typeof t === 'object' && !Array.isArray(t) && 'dims' in t ? (t as Tensor) : undefined;
}

/** Stored and gzip bytes of the tensors a layer's parameters live in. */
function storedSize(index: GraphIndex, layer: LayerStats): { storedBytes: number; gzipBytes: number } {
  const raw = layer.weightSources.flatMap((n) => {
    const t = storedTensor(index, n);
    return t ? [onnx.TensorProto.encode(t as onnx.TensorProto).finish()] : [];
  });
  return { storedBytes: raw.reduce((a, b) => a + b.length, 0), gzipBytes: gzipSync(Buffer.concat(raw)).length };
}

/**
 * Sizes per weight layer (a layer doing multiply-accumulates with a stored weight) and in
 * total. Parameters, non-zeros, MACs and which tensors store a layer are those of `modelStats`
 * (a tensor several layers share counts with the first); only bytes are measured here.
 * MACs that shapes cannot give statically count 0.
 */
export async function sizeReport(model: Model, bytes: Uint8Array = encodeModel(model)): Promise<SizeReport> {
  // A pass's "after" is the next pass's "before" (and sweep siblings share their input): the
  // report is a function of the encoding, so it is kept per engine process by its hash; not
  // when the bytes are a file whose weights live in external data (they do not identify them).
  if (!holdsWeights(model, bytes)) return measure(model, bytes);
  const key = createHash('sha256').update(bytes).digest('hex');
  const kept = reports.get(key);
  if (kept) return structuredClone(kept);
  const report = await measure(model, bytes);
  reports.set(key, structuredClone(report));
  return report;
}

/** True when `bytes` can hold every initializer's data (an inline encoding, not external data). */
function holdsWeights(model: Model, bytes: Uint8Array): boolean {
  let dataBytes = 0;
  try {
    for (const t of model.graph.initializer) dataBytes += byteSizeOf(t.dataType, elementCount((t.dims ?? []).map(Number), t.name));
  } catch {
    return false; // a type without a fixed size (strings): measure, do not keep
  }
  return dataBytes <= bytes.length;
}

/** Reports by sha256 of the model's bytes (a MobileNetV2 report is about 10 kB). */
const reports = new LRUCache<string, SizeReport>({ max: 64 });

const gzipAsync = promisify(gzip);

async function measure(model: Model, bytes: Uint8Array): Promise<SizeReport> {
  // The whole file compresses on a libuv thread while the layers compress here: a second core when one is free.
  const wholeGzip = gzipAsync(bytes);
  const stats = modelStats(model);
  const index = new GraphIndex(model.graph);
  const layers: LayerSize[] = stats.layers
    .filter((l) => l.macs !== 0 && l.weightDims !== undefined)
    .map((l) => {
      const { storedBytes, gzipBytes } = storedSize(index, l);
      return {
        layer: l.name, opType: l.opType, params: l.params, nonzeros: l.nonZeroParams, storedBytes, gzipBytes,
        bitsPerWeight: l.params ? (storedBytes * 8) / l.params : 0, macs: l.macs ?? 0,
      };
    });
  const params = layers.reduce((a, l) => a + l.params, 0);
  return {
    fileBytes: bytes.length,
    gzipBytes: (await wholeGzip).length,
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
