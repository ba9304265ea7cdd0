// For exactness checks of structured pruning: zero whole channel components (filters, biases,
// BN shifts) so they carry exact zeros, then pruning exactly those must not change any output.
import { cloneModel, type Model } from '../../src/main/onnx/model.ts';
import { GraphIndex, setInitializer } from '../../src/main/onnx/graph.ts';
import { float32Tensor, tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import { buildDependencyGraph } from '../../src/main/passes/prune/depgraph.ts';
import { foldShapeInputs } from '../../src/main/passes/prune/fold-shapes.ts';
import { resolveInitializer } from '../../src/main/passes/prune/layers.ts';

/** Zero channels 0 and 1 of every prunable group (filters, biases, BN beta/mean), so they carry exact zeros. */
export function zeroTwoChannelsPerGroup(model: Model): { model: Model; zeroed: number; total: number } {
  const m = cloneModel(model);
  foldShapeInputs(m); // as pruneChannels does, so both see the same groups
  const dg = buildDependencyGraph(m);
  const index = new GraphIndex(m.graph);
  const zeroAlong = (name: string, axis: number, list: number[]): void => {
    const chans = new Set(list);
    const t = resolveInitializer(index, name)!;
    const dims = t.dims.map(Number);
    const w = tensorToFloat32(t);
    const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < w.length; i++) if (chans.has(Math.floor(i / inner) % dims[axis])) w[i] = 0;
    setInitializer(m.graph, float32Tensor(t.name, dims, w));
    index.initializers.set(t.name, m.graph.initializer.find((x) => x.name === t.name)!);
  };
  let zeroed = 0;
  let total = 0;
  for (const s of dg.spaces) {
    if (dg.root(s.id) !== s.id || s.sources.length === 0 || s.blocked.length > 0) continue;
    const all = new Set<number>();
    for (const o of dg.spaces) if (dg.root(o.id) === s.id) for (let c = 0; c < o.size; c++) all.add(dg.slotRoot(o.first + c));
    total += all.size;
    // The components of the first source's channels 0 and 1 (whatever else they are tied to).
    const comps = new Set([0, 1].map((c) => dg.slotRoot(s.sources[0].first + c)));
    zeroed += comps.size;
    const inComps = (slots: Int32Array): number[] => [...slots.keys()].filter((c) => comps.has(dg.slotRoot(slots[c])));
    for (const src of s.sources) {
      const size = Number(resolveInitializer(index, src.node.input[src.input])!.dims[src.axis]);
      zeroAlong(src.node.input[src.input], src.axis, inComps(Int32Array.from({ length: size }, (_, c) => src.first + c)));
    }
    for (const mem of dg.members) {
      if (!mem.view.slots || dg.root(dg.slotSpace(mem.view.slots[0])) !== s.id) continue;
      // Biases: Conv/Gemm's third input, or the constant of an Add after a MatMul (x + b).
      const isBias = (['Conv', 'Gemm'].includes(mem.node.opType) && mem.input === 2) || ['Add', 'Sub'].includes(mem.node.opType);
      const isBnShift = mem.node.opType === 'BatchNormalization' && (mem.input === 2 || mem.input === 3);
      if (isBias || isBnShift) zeroAlong(mem.node.input[mem.input], mem.axis, inComps(mem.view.slots));
    }
  }
  return { model: m, zeroed, total };
}

