// Cross-layer sharing: initializers with identical type, dims and bytes are stored once and
// every use points at the first copy (exporters and clustering both leave such twins).
import { createHash } from 'node:crypto';
import type { Model } from '../../onnx/model.ts';
import { cloneModel } from '../../onnx/model.ts';
import { removeInitializer, renameUses } from '../../onnx/graph.ts';
import { onnx } from '../../onnx/proto.ts';

export interface DedupeResult {
  model: Model;
  /** Removed initializer -> the one kept in its place. */
  merged: { removed: string; keptAs: string; sizeBytes: number }[];
}

function contentKey(t: onnx.TensorProto): string {
  // Hash the tensor without its name: same type, dims and data give the same key.
  const bytes = onnx.TensorProto.encode(onnx.TensorProto.create({ ...t, name: '' })).finish();
  return createHash('sha256').update(bytes).digest('hex');
}

export function dedupeInitializers(input: Model): DedupeResult {
  const model = cloneModel(input);
  const g = model.graph;
  // Initializers that double as graph inputs can be overridden by a feed: never merge those.
  const protectedNames = new Set([...g.input.map((v) => v.name), ...g.output.map((v) => v.name)]);
  const first = new Map<string, string>();
  const merged: DedupeResult['merged'] = [];
  for (const t of [...g.initializer]) {
    if (protectedNames.has(t.name)) continue;
    const key = contentKey(t as onnx.TensorProto);
    const kept = first.get(key);
    if (kept === undefined) { first.set(key, t.name); continue; }
    renameUses(g, t.name, kept);
    removeInitializer(g, t.name);
    merged.push({ removed: t.name, keptAs: kept, sizeBytes: onnx.TensorProto.encode(t as onnx.TensorProto).finish().length });
  }
  return { model, merged };
}
