// What structured pruning removes, worked out on the dependency graph: the components (channels
// joined by Add, shuffle, grouped Conv...) of each group with their importance, the positions a
// view keeps once some components are gone, and the size vectors rewritten to kept counts.
import type { Model, Tensor } from '../../onnx/model.ts';
import { GraphIndex, makeNode, setAttr, setInitializer, uniqueName } from '../../onnx/graph.ts';
import { int64Tensor, tensorToFloat32 } from '../../onnx/tensor.ts';
import type { CountEdit, DependencyGraph, PermuteEdit, Space, View } from './depgraph.ts';
import { layerName, resolveInitializer } from './layers.ts';

export interface GroupComponents {
  /** Component roots (slot ids), in order of first appearance. */
  roots: number[];
  /** Importance of each component: mean over its source channels. */
  importance: Float64Array;
}

function channelNorms(t: Tensor, axis: number, p: 1 | 2): Float64Array {
  const w = tensorToFloat32(t);
  const dims = t.dims.map(Number);
  const size = dims[axis];
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  for (let i = 0; i < w.length; i++) {
    const c = Math.floor(i / inner) % size;
    out[c] += p === 1 ? Math.abs(w[i]) : w[i] * w[i];
  }
  return p === 1 ? out : out.map(Math.sqrt);
}

/** Components and their importance for every prunable group (keyed by the group's space id). */
export function groupComponents(dg: DependencyGraph, groups: Space[], index: GraphIndex, criterion: 'l1' | 'l2' | 'bn', warnings: string[]): Map<number, GroupComponents> {
  const wanted = new Set(groups.map((g) => g.id));
  const roots = new Map<number, number[]>();
  const seen = new Set<number>();
  for (const s of dg.spaces) {
    const g = dg.root(s.id);
    if (!wanted.has(g)) continue;
    const list = roots.get(g) ?? [];
    roots.set(g, list);
    for (let i = 0; i < s.size; i++) {
      const r = dg.slotRoot(s.first + i);
      if (!seen.has(r)) { seen.add(r); list.push(r); }
    }
  }
  const out = new Map<number, GroupComponents>();
  for (const space of groups) {
    const list = roots.get(space.id) ?? [];
    const position = new Map(list.map((r, i) => [r, i]));
    const sum = new Float64Array(list.length);
    const count = new Float64Array(list.length);
    const add = (slot: number, v: number): void => { const i = position.get(dg.slotRoot(slot))!; sum[i] += v; count[i]++; };
    if (criterion === 'bn' && space.norms.length > 0) {
      for (const bn of space.norms) {
        const gamma = tensorToFloat32(resolveInitializer(index, bn.node.input[1])!);
        bn.view.slots?.forEach((slot, c) => add(slot, Math.abs(gamma[c])));
      }
    } else {
      if (criterion === 'bn') warnings.push(`Group of ${space.sources.map((s) => layerName(s.node)).join(', ')} has no BatchNormalization; ranked by L1 norm instead.`);
      for (const s of space.sources) {
        channelNorms(resolveInitializer(index, s.node.input[s.input])!, s.axis, criterion === 'l2' ? 2 : 1).forEach((v, c) => add(s.first + c, v));
      }
    }
    out.set(space.id, { roots: list, importance: sum.map((v, i) => (count[i] > 0 ? v / count[i] : 0)) });
  }
  return out;
}

/** True when pruning touches this view at all. */
export function viewChanges(view: View, dg: DependencyGraph, removed: Set<number>): boolean {
  return view.slots?.some((s) => removed.has(dg.slotRoot(s))) ?? false;
}

/** Kept indices of a tensor axis laid out like `view` (flattened: `spatial` per channel). */
export function keptPositions(view: View, spatial: number, dg: DependencyGraph, removed: Set<number>): number[] {
  const out: number[] = [];
  view.slots?.forEach((slot, c) => {
    if (removed.has(dg.slotRoot(slot))) return;
    for (let s = 0; s < spatial; s++) out.push(c * spatial + s);
  });
  return out;
}

/** Rewrite a size vector (Split sizes, Slice bounds, Reshape target) to the kept counts. */
export function applyCountEdit(model: Model, e: CountEdit, dg: DependencyGraph, removed: Set<number>): void {
  if (!e.entries.some((en) => viewChanges(en.view, dg, removed))) return;
  // INT64_MAX ("to the end") does not survive a double; anything past 2^53 means the same.
  const values = e.original.map((v) => Math.max(-(2 ** 53), Math.min(2 ** 53, v)));
  for (const en of e.entries) values[en.index] = keptPositions(en.view, 1, dg, removed).length * en.scale;
  if (e.input === -1) { setAttr(e.node, e.attribute!, values, 'ints'); return; }
  const name = uniqueName(model.graph, `${layerName(e.node)}.kept${e.input}`);
  setInitializer(model.graph, int64Tensor(name, [values.length], values));
  while (e.node.input.length <= e.input) e.node.input.push('');
  e.node.input[e.input] = name;
  // Split-18 takes either sizes or num_outputs, never both.
  if (e.node.opType === 'Split') e.node.attribute = e.node.attribute.filter((a) => a.name !== 'num_outputs');
}

/** A pruned channel shuffle becomes one Gather: the kept input channels in shuffled order. */
export function applyPermuteEdit(model: Model, e: PermuteEdit, dg: DependencyGraph, removed: Set<number>): void {
  if (!viewChanges(e.input, dg, removed)) return;
  const rankOf = new Map(keptPositions(e.input, 1, dg, removed).map((p, i) => [p, i]));
  const indices: number[] = [];
  for (const i of e.map) if (rankOf.has(i)) indices.push(rankOf.get(i)!);
  const [first, ...rest] = e.nodes;
  const last = e.nodes[e.nodes.length - 1];
  const name = uniqueName(model.graph, `${layerName(first)}.shuffle`);
  setInitializer(model.graph, int64Tensor(name, [indices.length], indices));
  const gather = makeNode('Gather', [first.input[0], name], [last.output[0]], { name: `${layerName(first)}.gather`, attrs: { axis: e.axis } });
  model.graph.node = model.graph.node.filter((n) => !rest.includes(n)).map((n) => (n === first ? gather : n));
}
