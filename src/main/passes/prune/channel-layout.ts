// The ops that move channels around without computing on them: Concat and Split (offsets in
// both directions), Slice on the channel axis, Transpose, Flatten/Reshape, and the channel
// shuffle Reshape -> Transpose -> Reshape of ShuffleNet. Constant size vectors they read are
// recorded as CountEdits, rewritten to the kept counts after pruning.
import type { Node } from '../../onnx/model.ts';
import { attrInt, attrInts } from '../../onnx/graph.ts';
import { opsetVersion } from '../../onnx/model.ts';
import type { Dim, Shape } from '../../onnx/shapes.ts';
import { what, type ChannelAnalysis, type CountEdit, type View } from './depgraph.ts';
import { visitBatchedHeadsAttention, visitFusedAttention } from './attention-heads.ts';

const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

function prefix(v: View, end: number): View {
  return { ...v, slots: v.slots!.subarray(0, end) };
}

/** Concat on the channel axis lays the inputs' slots side by side; on another axis they coincide. */
export function visitConcat(a: ChannelAnalysis, node: Node, x: View): void {
  const ins = node.input.map((i) => a.views.get(i));
  const axis = norm(attrInt(node, 'axis', 1), x.rank);
  const ok = ins.every((v) => v?.slots && v.rank === x.rank && !v.flattened && v.axis === x.axis) && node.input.every((i) => !a.constants.has(i));
  if (!ok || x.rank < 2) return a.blockNode(node, `${what(node)} joins inputs the analysis cannot follow`);
  if (axis === x.axis) {
    const slots = new Int32Array(ins.reduce((n, v) => n + v!.slots!.length, 0));
    let offset = 0;
    for (const v of ins) { slots.set(v!.slots!, offset); offset += v!.slots!.length; }
    return a.pass(node, { slots, rank: x.rank, axis: x.axis, flattened: false });
  }
  if (!ins.every((v) => v!.slots!.length === x.slots!.length)) return a.blockNode(node, `${what(node)} joins tensors of different channel counts`);
  for (const v of ins) v!.slots!.forEach((s, i) => a.unionSlots(x.slots![i], s));
  a.pass(node, x);
}

/** Split on the channel axis: each output takes its offsets; the sizes become kept counts. */
export function visitSplit(a: ChannelAnalysis, node: Node, x: View): void {
  const axis = norm(attrInt(node, 'axis', 0), x.rank);
  const outs = node.output;
  if (axis !== x.axis) { outs.forEach((o) => { if (o) a.views.set(o, x); }); return; }
  const C = x.slots?.length ?? -1;
  const listed = node.input[1] ? a.constInts(node.input[1]) : node.attribute.some((t) => t.name === 'split') ? attrInts(node, 'split', []) : undefined;
  const sizes = listed ?? (C > 0 && C % outs.length === 0 ? outs.map(() => C / outs.length) : undefined);
  if (!x.slots || x.flattened || !sizes || sizes.length !== outs.length || sizes.reduce((p, q) => p + q, 0) !== C) {
    return a.blockNode(node, `${what(node)} splits the channels into sizes the analysis cannot read`);
  }
  const views: View[] = [];
  let offset = 0;
  for (const size of sizes) {
    views.push({ ...x, slots: x.slots.subarray(offset, offset + size) });
    offset += size;
  }
  outs.forEach((o, i) => { if (o) a.views.set(o, views[i]); });
  const usesInput = node.input[1] !== undefined && node.input[1] !== '' || (opsetVersion(a.model) ?? 13) >= 13;
  a.edits.push({ node, input: usesInput ? 1 : -1, attribute: usesInput ? undefined : 'split', original: sizes, entries: views.map((view, index) => ({ index, view, scale: 1 })) });
}

/** Slice of the channel axis with constant bounds: a contiguous run of slots, bounds rewritten. */
export function visitSlice(a: ChannelAnalysis, node: Node, x: View): void {
  const starts = a.constInts(node.input[1]);
  const ends = a.constInts(node.input[2]);
  const axes = node.input[3] ? a.constInts(node.input[3]) : starts?.map((_, i) => i);
  const steps = node.input[4] ? a.constInts(node.input[4]) : starts?.map(() => 1);
  if (!starts || !ends || !axes || !steps) return a.blockNode(node, `${what(node)} has computed bounds`);
  const k = axes.findIndex((ax) => norm(ax, x.rank) === x.axis);
  if (k < 0) return a.pass(node, x);
  if (steps[k] !== 1 || !x.slots || x.flattened) return a.blockNode(node, `${what(node)} steps over the channel axis`);
  const C = x.slots.length;
  const clamp = (v: number): number => Math.max(0, Math.min(C, v < 0 ? v + C : v));
  const [s, e] = [clamp(starts[k]), clamp(ends[k])];
  a.pass(node, { ...x, slots: x.slots.subarray(s, Math.max(s, e)) });
  a.edits.push({ node, input: 1, original: starts, entries: [{ index: k, view: prefix(x, s), scale: 1 }] });
  a.edits.push({ node, input: 2, original: ends, entries: [{ index: k, view: prefix(x, Math.max(s, e)), scale: 1 }] });
}

export function visitTranspose(a: ChannelAnalysis, node: Node, x: View): void {
  const perm = attrInts(node, 'perm', Array.from({ length: x.rank }, (_, i) => x.rank - 1 - i));
  if (x.flattened || perm.length !== x.rank) return a.blockNode(node, `${what(node)} permutes a tensor the analysis cannot follow`);
  a.pass(node, { ...x, axis: perm.indexOf(x.axis) });
}

/** A product of dims as a comparable key: numbers multiplied, symbols ('N') listed. */
function productKey(dims: readonly Dim[]): string {
  let n = 1;
  const syms: string[] = [];
  for (const d of dims) { if (typeof d === 'number') n *= d; else syms.push(d); }
  return `${n}|${syms.sort().join(',')}`;
}

export function visitReshape(a: ChannelAnalysis, node: Node, x: View): void {
  if (node.opType === 'Flatten') return visitFlatten(a, node, x);
  const target = a.constInts(node.input[1]);
  const inShape = a.shapeOf(node.input[0]);
  const outShape = a.shapeOf(node.output[0]);
  if (!target || !x.slots) return a.blockNode(node, `${what(node)} with a computed shape`);
  const flattenLike = target.length === 2 && (target[0] === 0 || target[0] === 1) && target[1] === -1;
  if (flattenLike && x.axis === 1) return a.pass(node, { slots: x.slots, rank: 2, axis: 1, flattened: x.rank > 2 || x.flattened });
  if (!inShape || !outShape || x.flattened || inShape[x.axis] !== x.slots.length) return a.blockNode(node, `${what(node)} with a shape the analysis cannot resolve`);
  const C = x.slots.length;
  const before = productKey(inShape.slice(0, x.axis));
  const b = outShape.findIndex((_, i) => productKey(outShape.slice(0, i)) === before);
  if (b < 0 && visitBatchedHeadsAttention(a, node, x)) return;
  const edit: CountEdit = { node, input: 1, original: target, entries: [] };
  // The last axis kept whole: however the axes before it are regrouped, each value keeps its channel.
  const lastKept = x.axis === x.rank - 1 && outShape[outShape.length - 1] === x.slots.length && target[target.length - 1] !== 0;
  if (b < 0 && lastKept) {
    if (target[target.length - 1] !== -1) a.edits.push({ ...edit, entries: [{ index: target.length - 1, view: x, scale: 1 }] });
    return a.pass(node, { slots: x.slots, rank: outShape.length, axis: outShape.length - 1, flattened: false });
  }
  if (b < 0) return a.blockNode(node, `${what(node)} merges the channel axis with the axes before it`);
  const rewrite = (index: number, view: View, scale: number): boolean => {
    if (target[index] === -1) return true;
    if (target[index] === 0) return index === x.axis && scale === 1;
    edit.entries.push({ index, view, scale });
    return true;
  };
  if (outShape[b] === C) {
    if (!rewrite(b, x, 1)) return a.blockNode(node, `${what(node)} copies a dimension onto the channel axis`);
    a.edits.push(edit);
    return a.pass(node, { slots: x.slots, rank: outShape.length, axis: b, flattened: false });
  }
  const after = inShape.slice(x.axis + 1);
  const spatial = after.every((d) => typeof d === 'number') ? (after as number[]).reduce((p, q) => p * q, 1) : NaN;
  if (b === outShape.length - 1 && outShape[b] === C * spatial) {
    if (!rewrite(b, x, spatial)) return a.blockNode(node, `${what(node)} copies a dimension onto the channel axis`);
    a.edits.push(edit);
    return a.pass(node, { slots: x.slots, rank: outShape.length, axis: b, flattened: true });
  }
  if (typeof outShape[b] === 'number' && typeof outShape[b + 1] === 'number' && (outShape[b] as number) * (outShape[b + 1] as number) === C) {
    return visitShuffle(a, node, x, { b, target, outShape });
  }
  if (visitFusedAttention(a, node, x, { b, target, outShape })) return;
  a.blockNode(node, `${what(node)} reshapes the channel axis in a way the analysis does not follow`);
}

function visitFlatten(a: ChannelAnalysis, node: Node, x: View): void {
  const f = norm(attrInt(node, 'axis', 1), x.rank);
  if (f === 1 && x.axis === 1) return a.pass(node, { slots: x.slots, rank: 2, axis: 1, flattened: x.rank > 2 || x.flattened });
  if (!x.flattened && x.axis === x.rank - 1 && f === x.axis) return a.pass(node, { slots: x.slots, rank: 2, axis: 1, flattened: false });
  a.blockNode(node, `${what(node)} on axis ${f}`);
}

/**
 * Channel shuffle: Reshape [.., G, C/G, ..] -> Transpose swapping them -> Reshape back to C.
 * Output channel c*G + g is input channel g*(C/G) + c: a fixed permutation. Once channels are
 * removed the groups rarely keep the same channels, so the three nodes become one Gather of the
 * kept channels in shuffled order (no channel is tied to another: every branch prunes freely).
 */
function visitShuffle(a: ChannelAnalysis, node: Node, x: View, r: { b: number; target: number[]; outShape: Shape }): void {
  const { b, outShape } = r;
  const G = outShape[b] as number;
  const Cg = outShape[b + 1] as number;
  const t = a.index.soleConsumer(node.output[0]);
  const perm = t?.opType === 'Transpose' ? attrInts(t, 'perm', []) : [];
  const swaps = perm.length === outShape.length && perm.every((p, i) => (i === b ? p === b + 1 : i === b + 1 ? p === b : p === i));
  const r2 = swaps ? a.index.soleConsumer(t!.output[0]) : undefined;
  const out2 = r2?.opType === 'Reshape' ? a.shapeOf(r2.output[0]) : undefined;
  const merges = out2 && out2.length === outShape.length - 1 && out2[b] === G * Cg && productKey(out2.slice(0, b)) === productKey(outShape.slice(0, b));
  if (!merges) return a.blockNode(node, `${what(node)} splits the channel axis into groups (not a channel shuffle the analysis recognizes)`);
  const slots = x.slots!;
  const map = new Int32Array(G * Cg);
  for (let g = 0; g < G; g++) for (let c = 0; c < Cg; c++) map[c * G + g] = g * Cg + c;
  const outView: View = { slots: map.map((i) => slots[i]), rank: out2.length, axis: b, flattened: false };
  a.gathers.push({ nodes: [node, t!, r2!], input: x, map, axis: b });
  a.handled.add(t!);
  a.handled.add(r2!);
  a.views.set(node.output[0], a.fresh(-1, -1, 1, `inside the channel shuffle at ${what(node)}`));
  a.views.set(t!.output[0], a.fresh(-1, -1, 1, `inside the channel shuffle at ${what(node)}`));
  a.pass(r2!, outView);
}
