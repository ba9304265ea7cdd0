// Parameter snapshots and export: a trained model is the source model with its trained
// initializers (and BatchNormalization running statistics) written back — plain inference
// ONNX, same layout as the input (masks' zeros, codebooks + indices), no training ops.
import { cloneModel, setMetadata, type Model } from '../onnx/model.ts';
import { setInitializer } from '../onnx/graph.ts';
import { makeTensor } from '../onnx/tensor.ts';

/** Values by initializer name, with their dims. */
export type Snapshot = Map<string, { dims: number[]; values: Float32Array }>;

export function takeSnapshot(live: Map<string, { dims: number[]; values: Float32Array }>): Snapshot {
  const snap: Snapshot = new Map();
  for (const [name, t] of live) snap.set(name, { dims: t.dims, values: t.values.slice() });
  return snap;
}

export function restoreSnapshot(live: Map<string, { dims: number[]; values: Float32Array }>, snap: Snapshot): void {
  for (const [name, t] of snap) live.get(name)?.values.set(t.values);
}

export function exportModel(source: Model, snap: Snapshot, summary?: Record<string, unknown>): Model {
  const model = cloneModel(source);
  const known = new Set(model.graph.initializer.map((t) => t.name));
  for (const [name, t] of snap) {
    if (known.has(name)) setInitializer(model.graph, makeTensor(name, t.dims, t.values));
  }
  if (summary) setMetadata(model, 'whittle.train', JSON.stringify(summary));
  return model;
}
